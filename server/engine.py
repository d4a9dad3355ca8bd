"""Query evaluation behind one small interface.

Two callers, two paths:
- the pages run trusted, fixed queries in-process (`select`, `construct`, `ask`): microseconds,
  no serialisation, no process hop;
- the SPARQL endpoint runs untrusted queries (`run`) in a pool of worker processes. pyoxigraph cannot
  be interrupted from Python, so a hard timeout means killing the process that evaluates the query;
  the pool replaces it and every other client keeps being served. Concurrency is bounded: beyond the
  workers and a short waiting line, clients get 503 + Retry-After at once instead of a growing queue.

A remote store (Virtuoso, Fuseki…) would implement the same five methods by sending the query over
the SPARQL protocol and parsing the answer with pyoxigraph.parse_query_results, so the terms the
pages see stay pyoxigraph terms.
"""
from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from server import worker
from server.config import ServerConfig
from server.dataset import PublishedDataset


# --- what the endpoint asks, and what it gets back ------------------------------------------

@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    include_inferred: bool = False
    use_query_dataset: bool = False     # the query's own FROM / FROM NAMED apply (no protocol graphs)


@dataclass(frozen=True)
class Answer:
    kind: str          # "solutions" | "boolean" | "graph"
    body: bytes
    rows: int
    truncated: bool


class QueryFailed(Exception):
    """A query the endpoint will not answer; `status` is the HTTP status the protocol prescribes."""

    status = 500
    title = "Query failed"

    def __init__(self, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class MalformedQuery(QueryFailed):
    status, title = 400, "Malformed query"


class QueryTimeout(QueryFailed):
    status, title = 503, "Query timed out"


class Saturated(QueryFailed):
    status, title = 503, "Server busy"


class QueryEngine(Protocol):
    version: str

    def select(self, query: str, *, graphs: str = "asserted") -> list[dict]: ...
    def construct(self, query: str, *, graphs: str = "asserted") -> list[ox.Triple]: ...
    def ask(self, query: str, *, graphs: str = "asserted") -> bool: ...
    def run(self, request: QueryRequest, result_format: str) -> Answer: ...
    def close(self) -> None: ...


# --- the default graph, decided in one place ------------------------------------------------

@dataclass(frozen=True)
class GraphLayout:
    asserted: tuple[str, ...]
    inferred: str

    @classmethod
    def of(cls, dataset: PublishedDataset) -> "GraphLayout":
        inferred = dataset.base + "graph/inferred"
        return cls(tuple(sorted(g for g in dataset.graphs if g != inferred)), inferred)

    def default_graph(self, include_inferred: bool) -> list[str]:
        return list(self.asserted) + ([self.inferred] if include_inferred else [])


def evaluation_arguments(layout: GraphLayout, request: QueryRequest) -> dict:
    """pyoxigraph keyword arguments for a request: protocol graphs override the query's FROM."""
    if request.default_graph_uris or request.named_graph_uris:
        return {"default_graph": list(request.default_graph_uris) or layout.default_graph(request.include_inferred),
                "named_graphs": list(request.named_graph_uris) or None}
    if request.use_query_dataset:
        return {}
    return {"default_graph": layout.default_graph(request.include_inferred)}


# --- the pool of evaluating processes --------------------------------------------------------

class _Worker:
    def __init__(self, context, nquads: str, max_rows: int):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker.serve, args=(child, nquads, max_rows), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    def __init__(self, config: ServerConfig, nquads: str, layout: GraphLayout):
        self.config, self.nquads, self.layout = config, nquads, layout
        self.context = multiprocessing.get_context("spawn")   # never fork a threaded server
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.waiting = 0
        self.lock = threading.Lock()
        self.closed = False
        for _ in range(max(1, config.workers)):
            self.idle.put(self._start())

    def _start(self) -> _Worker:
        return _Worker(self.context, self.nquads, self.config.max_rows)

    def _replace(self, dead: _Worker) -> None:
        def restart():
            dead.kill()
            if not self.closed:
                self.idle.put(self._start())
        threading.Thread(target=restart, daemon=True).start()

    def run(self, request: QueryRequest, result_format: str) -> Answer:
        with self.lock:
            if self.waiting >= self.config.workers + self.config.max_waiting:
                raise Saturated("all query workers are busy and the waiting line is full", retry_after=1)
            self.waiting += 1
        try:
            try:
                w = self.idle.get(timeout=self.config.timeout)
            except queue.Empty:
                raise Saturated("no query worker became free in time", retry_after=2) from None
            job = (request.query, evaluation_arguments(self.layout, request), result_format)
            try:
                w.connection.send(job)
                if not w.connection.poll(self.config.timeout):
                    self._replace(w)
                    raise QueryTimeout(f"the query ran longer than {self.config.timeout:g} s and was stopped",
                                       retry_after=max(1, int(self.config.timeout)))
                outcome = w.connection.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._replace(w)
                raise QueryFailed("the query worker died while evaluating this query") from None
            self.idle.put(w)
        finally:
            with self.lock:
                self.waiting -= 1
        status, payload = outcome
        if status == "ok":
            return Answer(**payload)
        if status == "syntax":
            raise MalformedQuery(payload)
        raise QueryFailed(payload)

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                break


# --- the engine --------------------------------------------------------------------------------

class OxigraphEngine:
    """pyoxigraph over the published N-Quads: in-process for the pages, pooled for the endpoint."""

    def __init__(self, config: ServerConfig, dataset: PublishedDataset):
        self.version = dataset.version
        self.layout = GraphLayout.of(dataset)
        self.store = ox.Store()
        self.store.bulk_load(path=str(dataset.nquads), format=ox.RdfFormat.N_QUADS)
        self.pool = WorkerPool(config, str(dataset.nquads), self.layout)

    def _graphs(self, graphs: str) -> list[ox.NamedNode]:
        if graphs not in ("asserted", "all"):
            raise ValueError(f"graphs must be 'asserted' or 'all', not {graphs!r}")
        return [ox.NamedNode(g) for g in self.layout.default_graph(graphs == "all")]

    def select(self, query: str, *, graphs: str = "asserted") -> list[dict]:
        solutions = self.store.query(query, default_graph=self._graphs(graphs))
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def construct(self, query: str, *, graphs: str = "asserted") -> list[ox.Triple]:
        return list(self.store.query(query, default_graph=self._graphs(graphs)))

    def ask(self, query: str, *, graphs: str = "asserted") -> bool:
        return bool(self.store.query(query, default_graph=self._graphs(graphs)))

    def run(self, request: QueryRequest, result_format: str) -> Answer:
        return self.pool.run(request, result_format)

    def close(self) -> None:
        self.pool.close()


def create_engine(config: ServerConfig, dataset: PublishedDataset) -> QueryEngine:
    return OxigraphEngine(config, dataset)
