"""Which graphs a query sees: the default graph, decided in one place."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the engine package's interface module imports this one
    from alliance_kg.server.dataset import PublishedDataset
    from alliance_kg.server.engine import QueryRequest


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


