"""Which graphs a query sees: the default graph and the RDF dataset of a request, decided in one place.

SPARQL 1.1 Query §13 and Protocol §2.1.4:
- the dataset of a request is given by the protocol (`default-graph-uri`, `named-graph-uri`), else by
  the query (FROM, FROM NAMED), else it is the service's own. When either protocol parameter or
  either clause is given, the part not given is *empty*: `named-graph-uri` alone gives an empty
  default graph, FROM alone gives no named graphs;
- the default graph is the RDF *merge* of its graphs: a set, so a triple asserted in two documents
  is one triple.

Oxigraph evaluates a list of default graphs as a union of quads (a triple in two graphs matches
twice), so a default graph of two or more graphs is materialised once, deduplicated, as a private
graph of the store (`merged_graph`), and named graphs are always passed explicitly so that private
graphs are never visible to GRAPH.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:   # the engine package's interface module imports this one
    from alliance_kg.server.dataset import PublishedDataset
    from alliance_kg.server.engine import QueryRequest

# Private graph names of materialised merges; never a published graph, never visible to a query.
MERGED_PREFIX = "urn:x-alliance-kg:merged:"


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

    @property
    def published(self) -> tuple[str, ...]:
        """Every published named graph (what GRAPH ?g ranges over when no dataset is given)."""
        return self.asserted + (self.inferred,)


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset of one request: the graphs merged into the default graph, and the named graphs."""

    default: tuple[str, ...]
    named: tuple[str, ...]


def query_dataset(layout: GraphLayout, request: QueryRequest) -> QueryDataset:
    """The dataset a protocol request asks for (Protocol §2.1.4, Query §13.2)."""
    if request.default_graph_uris or request.named_graph_uris:
        return QueryDataset(tuple(request.default_graph_uris), tuple(request.named_graph_uris))
    if request.from_graphs or request.from_named_graphs:
        return QueryDataset(tuple(request.from_graphs), tuple(request.from_named_graphs))
    return QueryDataset(tuple(layout.default_graph(request.include_inferred)), layout.published)


def merged_graph(store: ox.Store, graphs: tuple[str, ...]) -> ox.NamedNode:
    """A private graph of `store` holding the RDF merge (a set) of `graphs`; made once per store."""
    key = "\n".join(sorted(set(graphs)))
    name = ox.NamedNode(MERGED_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])
    if not store.contains_named_graph(name):
        store.add_graph(name)   # an empty merge is still a graph: made once, never re-scanned
        # ADD runs inside Oxigraph (half the time of copying quads through Python, measured); a store
        # is a set of quads, so a triple of two graphs lands once. SILENT: an unknown graph is empty.
        # str(NamedNode) is the <…> form of a validated IRI, so nothing can be injected here.
        store.update(" ; ".join(f"ADD SILENT {ox.NamedNode(g)} TO {name}" for g in sorted(set(graphs))))
    return name


class Merges:
    """The merged default graphs of one store: the service's own kept for good, others (from
    default-graph-uri or FROM) kept for the most recent `capacity` datasets."""

    def __init__(self, store: ox.Store, layout: GraphLayout, capacity: int = 16):
        self.store, self.capacity = store, capacity
        self.pinned = {tuple(sorted(layout.default_graph(False))), tuple(sorted(layout.default_graph(True)))}
        for graphs in self.pinned:
            merged_graph(store, graphs)
        self.recent: OrderedDict[tuple[str, ...], ox.NamedNode] = OrderedDict()

    def of(self, graphs: tuple[str, ...]) -> ox.NamedNode:
        key = tuple(sorted(set(graphs)))
        name = merged_graph(self.store, key)
        if key not in self.pinned:
            self.recent[key] = name
            self.recent.move_to_end(key)
            while len(self.recent) > self.capacity:
                _, old = self.recent.popitem(last=False)
                self.store.remove_graph(old)
        return name

    def arguments(self, dataset: QueryDataset) -> dict:
        """pyoxigraph's keyword arguments that make a query see exactly `dataset`."""
        default = sorted(set(dataset.default))
        if len(default) <= 1:   # one graph is already a set; no graph is the empty graph
            default_graph: list = [ox.NamedNode(g) for g in default]
        else:
            default_graph = [self.of(tuple(default))]
        return {"default_graph": default_graph, "named_graphs": [ox.NamedNode(g) for g in dataset.named]}
