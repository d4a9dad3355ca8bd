"""The pool of processes that evaluate untrusted queries.

pyoxigraph cannot be interrupted from Python, so a hard timeout means killing the process that
evaluates the query; the pool replaces it and every other client keeps being served. Concurrency is
bounded: beyond the workers and a short waiting line, clients get 503 + Retry-After at once instead of
a growing queue.
"""
from __future__ import annotations

import logging
import multiprocessing
import queue
import threading

from alliance_kg.server.config import ServerConfig
from alliance_kg.server.engine import Answer, MalformedQuery, QueryFailed, QueryRequest, QueryTimeout, Saturated, worker
from alliance_kg.server.engine.layout import GraphLayout, query_dataset


class _Worker:
    def __init__(self, context, source: worker.Source, config: ServerConfig, layout: GraphLayout):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker.serve, daemon=True,
                                       args=(child, source, config.max_rows, config.merge_budget_quads, layout))
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has opened its data (it says so first of all)."""
        try:
            if self.connection.poll(timeout) and self.connection.recv() == ("ready", None):
                return
        except (EOFError, OSError):
            pass
        self.kill()
        raise QueryFailed("a query worker failed to load the dataset")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


log = logging.getLogger(__name__)

# Seconds a worker may take to load its data before the pool gives up on it.
LOAD_TIMEOUT = 300


class WorkerPool:
    """Workers of one dataset version: the pool belongs to a snapshot, so a worker started to replace
    one that timed out loads the same version as the others (its files are immutable and leased)."""

    def __init__(self, config: ServerConfig, source: worker.Source, layout: GraphLayout):
        self.config, self.source, self.layout = config, source, layout
        self.context = multiprocessing.get_context("spawn")   # never fork a threaded server
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.waiting = 0
        self.lock = threading.Lock()
        self.closed = False
        self.failed: QueryFailed | None = None
        self.ready = threading.Event()
        # The workers load in parallel, in the background: the web server answers pages and bounded
        # queries at once, and a query for the pool waits for the first idle worker (within its timeout).
        started = [self._start() for _ in range(max(1, config.workers))]
        threading.Thread(target=self._admit, args=(started,), name="pool-start", daemon=True).start()

    def _admit(self, started: list[_Worker]) -> None:
        for w in started:
            try:
                w.wait_ready(LOAD_TIMEOUT)
            except QueryFailed as e:
                log.error("a query worker could not open %s: %s", self.source.path, e.detail)
                self.failed = e
                continue
            self.idle.put(w)
        self.ready.set()
        if self.closed:     # closed while they loaded
            self.close()

    def wait_ready(self, timeout: float = LOAD_TIMEOUT) -> None:
        """Block until every worker has opened the dataset; raise if one could not (a new version is
        swapped in only once its pool is ready: engine.ready)."""
        if not self.ready.wait(timeout):
            raise QueryFailed("the query workers did not open the dataset in time")
        if self.failed is not None:
            raise self.failed

    def _start(self) -> _Worker:
        return _Worker(self.context, self.source, self.config, self.layout)

    def _replace(self, dead: _Worker) -> None:
        def restart():
            dead.kill()
            if self.closed:
                return
            fresh = self._start()
            try:
                fresh.wait_ready(LOAD_TIMEOUT)
            except QueryFailed:
                return
            self.idle.put(fresh)
            if self.closed:     # closed while it loaded
                self.close()
        threading.Thread(target=restart, daemon=True).start()

    def run(self, request: QueryRequest, result_format: str) -> Answer:
        # Just after the server started: wait for the workers to open the dataset (not the query's time).
        self.ready.wait(LOAD_TIMEOUT)
        with self.lock:
            if self.waiting >= self.config.workers + self.config.max_waiting:
                raise Saturated("all query workers are busy and the waiting line is full", retry_after=1)
            self.waiting += 1
        try:
            try:
                w = self.idle.get(timeout=self.config.timeout)
            except queue.Empty:
                raise Saturated("no query worker became free in time", retry_after=2) from None
            job = (request.query, query_dataset(self.layout, request), request.base_iri, result_format)
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


