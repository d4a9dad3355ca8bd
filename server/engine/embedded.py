"""The default engine: pyoxigraph over the version's query store (graph/store.py), opened read-only
in-process for the pages (trusted, fixed queries: microseconds, no process hop) and by every worker of
the pool for the endpoint (untrusted queries): one copy of the data, on disk and in the page cache,
shared by every process, instead of one in-memory copy each."""
from __future__ import annotations

import pyoxigraph as ox

from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import PublishedDataset
from alliance_kg.server.engine import Answer, QueryRequest
from alliance_kg.server.engine.layout import GraphLayout, Merges, QueryDataset
from alliance_kg.server.engine.pool import WorkerPool
from alliance_kg.server.engine.worker import Source, open_store


class OxigraphEngine:
    """pyoxigraph over one dataset version: in-process for the pages, pooled for the endpoint."""

    def __init__(self, config: ServerConfig, dataset: PublishedDataset):
        self.version = dataset.version
        self.layout = GraphLayout.of(dataset)
        # A version built before query stores existed is loaded into memory, merges included.
        source = Source(str(dataset.store), True) if dataset.store else Source(str(dataset.nquads), False)
        self.store = open_store(source, self.layout)
        # The pages see the same default graph as the endpoint: the merge (a set) of the asserted graphs.
        merges = Merges(self.store, self.layout, config.merge_budget_quads)
        self._datasets = {which: merges.arguments(QueryDataset(tuple(self.layout.default_graph(which == "all")),
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
        return self.pool.run(request, result_format)

    def close(self) -> None:
        self.pool.close()
