"""Query evaluation behind one small interface: what the views may ask of a store.

    engine/__init__.py   the interface (QueryEngine), requests, answers and the errors views turn into HTTP
    engine/layout.py     which graphs make the default graph, and how a protocol request maps to a dataset
    engine/pool.py       the pool of worker processes that evaluates untrusted queries under a hard timeout
    engine/worker.py     the body of one worker process (no Flask: workers import only what they need)
    engine/embedded.py   the default engine: pyoxigraph over the published dataset
    engine/remote.py     a SPARQL 1.1 store over HTTP (`serve --store`), loaded by `alliance-kg push`
    engine/versioned.py  how a dataset version is named inside such a store


Two callers, two paths: the pages run trusted, fixed queries (`select`, `construct`, `ask`); the
SPARQL endpoint runs untrusted ones (`run`), bounded in time and concurrency.

A remote store (Virtuoso, Oxigraph server, Fuseki…) implements the same methods by sending the
query over the SPARQL protocol and parsing the answer with pyoxigraph.parse_query_results, so the
terms the pages see stay pyoxigraph terms (engine/remote.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from alliance_kg.server.engine.layout import GraphLayout

# --- what the endpoint asks, and what it gets back ------------------------------------------

@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    include_inferred: bool = False
    from_graphs: tuple[str, ...] = ()        # the query's own FROM (used when no protocol graph is given)
    from_named_graphs: tuple[str, ...] = ()  # the query's own FROM NAMED
    base_iri: str | None = None              # relative IRIs of a query without BASE resolve against it


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


class Refused(QueryFailed):
    status, title = 403, "Query refused"


class StoreUnavailable(QueryFailed):
    status, title = 503, "Triplestore unavailable"


class QueryEngine(Protocol):
    """Everything a view may ask of the store behind one dataset version."""

    version: str          # the dataset version this engine answers for
    layout: GraphLayout   # which graphs exist, and which make the default graph

    def select(self, query: str, *, graphs: str = "asserted") -> list[dict]: ...
    def construct(self, query: str, *, graphs: str = "asserted") -> list[ox.Triple]: ...
    def ask(self, query: str, *, graphs: str = "asserted") -> bool: ...
    def run(self, request: QueryRequest, result_format: str) -> Answer: ...
    def ready(self) -> None: ...   # block until every query can be answered (raises if it never will)
    def close(self) -> None: ...


def create_engine(config, dataset) -> QueryEngine:
    """The engine for one published dataset version (config: ServerConfig, dataset: PublishedDataset)."""
    if config.store:
        from alliance_kg.server.engine.remote import RemoteEngine

        return RemoteEngine(config, dataset)
    from alliance_kg.server.engine.embedded import OxigraphEngine

    return OxigraphEngine(config, dataset)
