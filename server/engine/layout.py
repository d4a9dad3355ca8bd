"""Which graphs a query sees: the default graph and the RDF dataset of a request, decided in one place.

SPARQL 1.1 Query §13 and Protocol §2.1.4:
- the dataset of a request is given by the protocol (`default-graph-uri`, `named-graph-uri`), else by
  the query (FROM, FROM NAMED), else it is the service's own. When either protocol parameter or
  either clause is given, the part not given is *empty*: `named-graph-uri` alone gives an empty
  default graph, FROM alone gives no named graphs;
- the default graph is the RDF *merge* of its graphs: a set, so a triple asserted in two documents
  is one triple.

Oxigraph evaluates a list of default graphs as a union of quads (a triple in two graphs matches
twice), so a default graph of two or more graphs is evaluated as one graph holding their merge:
- the service's own default graph is merged once, when the version's query store is written
  (graph/store.py): the asserted merge is the store's default graph, and with inferences the inferred
  graph (disjoint from it) is given beside it; the store is opened read-only;
- any other (several `default-graph-uri`, several FROM) is merged when asked into a small in-memory
  store of its own, beside copies of the request's named graphs, kept for the next requests within
  a budget of quads (server/config.py).
The service's usual named graphs (every published one) are given without a list when the store holds
no private graph, and listed otherwise, so that a private graph is never visible to GRAPH.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:   # the engine package's interface module imports this one
    from alliance_kg.server.dataset import PublishedDataset
    from alliance_kg.server.engine import QueryRequest

from alliance_kg.graph.store import default_graphs, merged_name, only_published_graphs, service_defaults


@dataclass(frozen=True)
class GraphLayout:
    asserted: tuple[str, ...]
    inferred: str

    @classmethod
    def of(cls, dataset: PublishedDataset) -> "GraphLayout":
        inferred = dataset.base + "graph/inferred"
        return cls(service_defaults(dataset.graphs, inferred)["asserted"], inferred)

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


class Merges:
    """The datasets a query can be given over one store (read-only, or in memory), merges included."""

    def __init__(self, store: ox.Store, layout: GraphLayout, budget: int):
        self.store, self.budget = store, budget
        # Written with the store (graph/store.py): the service's default graphs, merged.
        written = default_graphs(store, layout.published, layout.inferred)
        self.pinned = {tuple(sorted(set(layout.default_graph(which == "all")))): written[which]
                       for which in ("asserted", "all")}
        # When the store's named graphs are the published ones, the usual dataset (every published
        # graph named) is given without its list: pyoxigraph then reads an unbound GRAPH ?g from its
        # indexes, where a list is tried graph by graph for each solution (graph/store.py).
        self.every_graph = frozenset(layout.published) if only_published_graphs(store, layout.published) else None
        self.recent: OrderedDict[QueryDataset, ox.Store] = OrderedDict()
        self.held = 0   # quads in the kept in-memory stores

    def direct(self, dataset: QueryDataset) -> dict | None:
        """pyoxigraph's keyword arguments that make `self.store` see exactly `dataset`, or None when
        its default graph is a merge the store does not hold. Reads only: safe from any thread."""
        default = tuple(sorted(set(dataset.default)))
        named = {} if set(dataset.named) == self.every_graph else \
            {"named_graphs": [ox.NamedNode(g) for g in dataset.named]}
        if len(default) <= 1:   # one graph is already a set; no graph is the empty graph
            return {"default_graph": [ox.NamedNode(g) for g in default], **named}
        if default in self.pinned:
            return {"default_graph": self.pinned[default], **named}
        return None

    def evaluation(self, dataset: QueryDataset) -> tuple[ox.Store, dict]:
        """The store to query and pyoxigraph's keyword arguments that make it see exactly `dataset`
        (one process, one thread: the in-memory merges are kept for the next queries)."""
        arguments = self.direct(dataset)
        if arguments is not None:
            return self.store, arguments
        default = tuple(sorted(set(dataset.default)))
        return self._merged(QueryDataset(default, tuple(dict.fromkeys(dataset.named)))), \
            {"default_graph": [ox.NamedNode(merged_name(default))],
             "named_graphs": [ox.NamedNode(g) for g in dataset.named]}

    def _merged(self, dataset: QueryDataset) -> ox.Store:
        """An in-memory store holding the merge of `dataset.default` and a copy of its named graphs."""
        found = self.recent.get(dataset)
        if found is not None:
            self.recent.move_to_end(dataset)
            return found
        merged = ox.NamedNode(merged_name(dataset.default))
        store = ox.Store()
        # A store is a set of quads: a triple of two graphs lands once in the merge.
        store.extend(ox.Quad(q.subject, q.predicate, q.object, merged)
                     for g in dataset.default for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        store.extend(q for g in dataset.named for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        size = len(store)
        if size <= self.budget:
            self.recent[dataset] = store
            self.held += size
            while self.held > self.budget:
                _, old = self.recent.popitem(last=False)
                self.held -= len(old)
        return store

