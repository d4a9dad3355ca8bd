"""The pool of processes that evaluate untrusted queries.

pyoxigraph cannot be interrupted from Python, so a hard timeout means killing the process that
evaluates the query; the pool replaces it and every other client keeps being served. Concurrency is
bounded: beyond the workers and a short waiting line, clients get 503 + Retry-After at once instead of
a growing queue.
"""
from __future__ import annotations

import multiprocessing
import queue
import threading

from alliance_kg.server.config import ServerConfig
from alliance_kg.server.engine import Answer, MalformedQuery, QueryFailed, QueryRequest, QueryTimeout, Saturated, worker
from alliance_kg.server.engine.layout import GraphLayout, query_dataset


class _Worker:
    def __init__(self, context, nquads: str, max_rows: int, layout: GraphLayout):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker.serve, args=(child, nquads, max_rows, layout), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float = 300.0) -> bool:
        """Wait for the worker's "ready" (dataset loaded): loading is not part of any query's time."""
        try:
            return self.connection.poll(timeout) and self.connection.recv() == ("ready", None)
        except (EOFError, OSError):
            return False

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
        starting = [self._start() for _ in range(max(1, config.workers))]   # load in parallel
        for w in starting:
            if w.wait_ready():
                self.idle.put(w)
            else:
                self._replace(w)

    def _start(self) -> _Worker:
        return _Worker(self.context, self.nquads, self.config.max_rows, self.layout)

    def _replace(self, dead: _Worker) -> None:
        def restart():
            dead.kill()
            if not self.closed:
                fresh = self._start()
                if fresh.wait_ready() and not self.closed:
                    self.idle.put(fresh)
                else:
                    fresh.kill()
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


