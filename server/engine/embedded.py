"""The default engine: pyoxigraph over the version's query store (graph/store.py), opened read-only
in-process for the pages (trusted, fixed queries: microseconds, no process hop) and by every worker of
the pool for the endpoint (untrusted queries): one copy of the data, on disk and in the page cache,
shared by every process, instead of one in-memory copy each.

An endpoint query whose cost is bounded before it runs (engine/bounded.py: lookups and joins from a
given subject, a LIMIT over one pattern) is evaluated in-process too, on the same read-only store:
it cannot run away, so it needs no process to kill, and it saves the hop to a worker and back."""
from __future__ import annotations

import pyoxigraph as ox

from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import PublishedDataset
from alliance_kg.server.engine import Answer, MalformedQuery, QueryFailed, QueryRequest
from alliance_kg.server.engine.bounded import cost_bound
from alliance_kg.server.engine.layout import GraphLayout, Merges, QueryDataset, query_dataset
from alliance_kg.server.engine.pool import WorkerPool
from alliance_kg.server.engine.worker import Source, evaluate, open_store


class OxigraphEngine:
    """pyoxigraph over one dataset version: in-process for the pages, pooled for the endpoint."""

    def __init__(self, config: ServerConfig, dataset: PublishedDataset):
        self.config = config
        self.version = dataset.version
        self.layout = GraphLayout.of(dataset)
        # A version built before query stores existed is loaded into memory, merges included.
        source = Source(str(dataset.store), True) if dataset.store else Source(str(dataset.nquads), False)
        # None (a store written without it): nothing can be bounded, every query goes to a worker.
        self.store, self.max_degree = open_store(source, self.layout)
        # The pages see the same default graph as the endpoint: the merge (a set) of the asserted graphs.
        self.merges = Merges(self.store, self.layout, config.merge_budget_quads)
        self._datasets = {which: self.merges.direct(QueryDataset(tuple(self.layout.default_graph(which == "all")),
                                                                 self.layout.published))
                          for which in ("asserted", "all")}
        self.pool = WorkerPool(config, source, self.layout)

    def _graphs(self, graphs: str) -> dict:
        if graphs not in ("asserted", "all"):
            raise ValueError(f"graphs must be 'asserted' or 'all', not {graphs!r}")
        return self._datasets[graphs]

    def select(self, query: str, *, graphs: str = "asserted") -> list[dict]:
        solutions = self.store.query(query, **self._graphs(graphs))
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def construct(self, query: str, *, graphs: str = "asserted") -> list[ox.Triple]:
        return list(self.store.query(query, **self._graphs(graphs)))

    def ask(self, query: str, *, graphs: str = "asserted") -> bool:
        return bool(self.store.query(query, **self._graphs(graphs)))

    def run(self, request: QueryRequest, result_format: str) -> Answer:
        inline = self._inline(request)
        if inline is None:
            return self.pool.run(request, result_format)
        arguments, cost = inline
        try:
            # A solution is made of the triples its patterns matched: there are no more than the cost bound.
            return Answer(**evaluate(self.store, request.query, arguments, result_format, self.config.max_rows,
                                     request.base_iri, rows_at_most=cost))
        except SyntaxError as e:
            raise MalformedQuery(str(e)) from None
        except Exception as e:   # as a worker reports it
            raise QueryFailed(f"{type(e).__name__}: {e}") from None

    def _inline(self, request: QueryRequest) -> tuple[dict, int] | None:
        """The dataset arguments and cost bound when `request` may run in this process (bounded cost,
        and a default graph the store holds), else None."""
        if self.max_degree is None or self.config.inline_max_cost <= 0:
            return None
        cost = cost_bound(request.query, self.max_degree)
        if cost is None or cost > self.config.inline_max_cost:
            return None
        arguments = self.merges.direct(query_dataset(self.layout, request))
        return None if arguments is None else (arguments, cost)

    def ready(self) -> None:
        self.pool.wait_ready()

    def close(self) -> None:
        self.pool.close()
