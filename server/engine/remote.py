"""A remote SPARQL 1.1 store as the engine (`alliance-kg serve --store QUERY_URL`).

Every page query and every /sparql query goes to the store over the SPARQL 1.1 Protocol (POST,
form-encoded, with default-graph-uri / named-graph-uri); nothing else of the store is used, so any
conforming store will do. Our protocol layer stays in front: the view has already refused updates,
SERVICE clauses not allow-listed, and oversized requests before a query reaches this engine; here
the answer is bounded in time (a deadline that closes the HTTP request, freeing our thread), rows
(pyoxigraph's parsers read lazily: we stop at the cap and close the connection) and bytes, then
re-serialised by pyoxigraph, so every store answers in exactly the formats and escaping of the
embedded engine (the terms are the store's: Oxigraph, embedded or not, keeps xsd:nonNegativeInteger
as xsd:integer, Virtuoso keeps it).

The store holds the dataset under versioned graph names (engine/versioned.py): queries are rewritten
to them and answers back. What a store writes is never passed on: it is parsed into RDF terms and
written again by our serialisers, which is where its deviations in result formats disappear
(Virtuoso writes "typed-literal" bindings from a pre-Recommendation draft of the JSON format, and
gives xsd:string literals an explicit datatype; both arrive here as the same RDF terms).
Deviations in evaluation cannot be normalised after the fact (README, "Beyond one machine").
"""
from __future__ import annotations

import io
import logging
import threading
import time
from contextlib import contextmanager

import httpx
import pyoxigraph as ox

from alliance_kg.graph.formats import ALL, by_name
from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import PublishedDataset
from alliance_kg.server.engine import (
    Answer,
    MalformedQuery,
    QueryFailed,
    QueryRequest,
    QueryTimeout,
    Refused,
    Saturated,
    StoreUnavailable,
)
from alliance_kg.server.engine.layout import GraphLayout, query_dataset
from alliance_kg.server.engine.versioned import GraphNames, tokens_with_spans, with_base
from alliance_kg.server.engine.worker import boolean_answer, capped, graph_answer, solutions_answer
from alliance_kg.server.sparql_text import analyze

log = logging.getLogger(__name__)


# What we ask the store for: one results format and one graph format that every SPARQL 1.1 store
# writes (the Protocol's own recommendations), parsed by pyoxigraph.
RESULTS_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML}
GRAPH_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
# Asked by query form: Virtuoso answers a CONSTRUCT in SPARQL JSON (s/p/o bindings) when results
# formats are acceptable at all, so a graph query accepts graph formats only.
ACCEPT_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RETRY_AFTER = 5   # seconds, when the store is down and says nothing itself


QUERY_STARTS = {"PREFIX", "BASE", "SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
# Virtuoso calls its SQL built-ins from SPARQL, as bif:name or <bif:name> (sql: likewise), for anyone
# who may query: bif:http_get makes the store fetch any URL (tested), others read files.
STORE_BUILT_INS = ("bif:", "sql:")


def standard_only(query: str) -> None:
    """Refuse what a store would take as its own extension rather than SPARQL 1.1: a store-specific
    prologue (Virtuoso's DEFINE pragmas switch on its web crawler), prefixes never declared (the
    standard says syntax error; Virtuoso predeclares bif:), and the stores' built-in schemes."""
    prefixes: dict[str, str] = {}
    items = list(tokens_with_spans(query))
    for i, (kind, value, start, _) in enumerate(items):
        if i == 0 and not (kind == "word" and value.upper() in QUERY_STARTS):
            raise MalformedQuery(f"a SPARQL 1.1 query starts with PREFIX, BASE or its form, not {value[:40]!r}")
        declaring = i > 0 and items[i - 1][1].upper() == "PREFIX"
        iri = None
        if kind == "pname" and declaring and i + 1 < len(items) and items[i + 1][0] == "iri":
            prefixes[value.partition(":")[0]] = iri = items[i + 1][1][1:-1]
        elif kind == "pname" and not (start and query[start - 1] == "_"):   # _:label is a blank node
            prefix, _, local = value.partition(":")
            if prefix not in prefixes:
                raise MalformedQuery(f"the prefix '{prefix}:' is used but never declared (with PREFIX)")
            iri = prefixes[prefix] + local
        elif kind == "iri":
            iri = value[1:-1]
        if iri is not None and iri.lower().startswith(STORE_BUILT_INS):
            raise Refused(f"{value} names a triplestore built-in ({iri}); those are never forwarded: "
                          "they can reach the network or the store's files")


class StoreNotLoaded(RuntimeError):
    """The store does not hold the version this build would serve (run `alliance-kg push`)."""


class BadStoreAnswer(QueryFailed):
    status, title = 502, "The triplestore gave an answer that is not SPARQL"


def store_client(timeout: float, auth: str = "") -> httpx.Client:
    """The HTTP client for a store: push and serve share it. `auth` is user:password (HTTP Basic),
    or digest:user:password for stores that want Digest (Virtuoso's /sparql-auth)."""
    credentials = None
    if auth:
        scheme, _, rest = auth.partition(":") if auth.startswith("digest:") else ("basic", "", auth)
        user, _, password = rest.partition(":")
        credentials = httpx.DigestAuth(user, password) if scheme == "digest" else httpx.BasicAuth(user, password)
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), auth=credentials,
                        headers={"User-Agent": "alliance-kg"}, follow_redirects=False)


class _Body(io.RawIOBase):
    """The store's response body as a file that pyoxigraph's parsers read lazily; reading past the
    deadline or the byte cap raises, and the caller closes the request."""

    def __init__(self, response: httpx.Response, deadline: float, max_bytes: int):
        self.chunks = response.iter_bytes()
        self.pending = b""
        self.deadline, self.max_bytes, self.total = deadline, max_bytes, 0
        self.failure: QueryFailed | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            if time.monotonic() > self.deadline:
                self.failure = QueryTimeout("the triplestore did not answer in time; the request was cancelled",
                                            retry_after=RETRY_AFTER)
                raise self.failure
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
            self.total += len(self.pending)
            if self.total > self.max_bytes:
                self.failure = QueryFailed(f"the triplestore's answer exceeds {self.max_bytes} bytes")
                raise self.failure
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class _Gate:
    """At most `slots` queries in flight to the store, `waiting` more in line, the rest 503 at once."""

    def __init__(self, slots: int, waiting: int, timeout: float):
        self.slots = threading.BoundedSemaphore(max(1, slots))
        self.limit, self.timeout = max(1, slots) + waiting, timeout
        self.inside = 0
        self.lock = threading.Lock()

    @contextmanager
    def enter(self):
        with self.lock:
            if self.inside >= self.limit:
                raise Saturated("all connections to the triplestore are busy and the waiting line is full", retry_after=1)
            self.inside += 1
        try:
            if not self.slots.acquire(timeout=self.timeout):
                raise Saturated("no connection to the triplestore became free in time", retry_after=2)
            try:
                yield
            finally:
                self.slots.release()
        finally:
            with self.lock:
                self.inside -= 1


class RemoteEngine:
    """The QueryEngine over a SPARQL 1.1 query endpoint that holds a pushed version of the dataset."""

    def __init__(self, config: ServerConfig, dataset: PublishedDataset, check: bool = True):
        self.config = config
        self.url = config.store
        self.version = dataset.version
        self.layout = GraphLayout.of(dataset)
        self.names = GraphNames(dataset.version, tuple(sorted(dataset.graphs)))
        self.stored = [self.names.to_store(g) for g in self.names.graphs]
        self.client = store_client(config.timeout, config.store_auth)
        self.gate = _Gate(config.workers, config.max_waiting, config.timeout)
        if check:
            self.check_loaded(dataset.graphs)

    # --- the store holds this version ---------------------------------------------------------

    def check_loaded(self, expected: dict) -> None:
        """Refuse to serve a build the store does not hold (a store that is down is fine: pages and
        queries answer 503 until it is back)."""
        try:
            counts = self.graph_counts()
        except (StoreUnavailable, QueryTimeout) as e:
            log.warning("the triplestore at %s is not answering (%s); serving 503 until it does", self.url, e.detail)
            return
        wrong = {g: (counts.get(g, 0), n) for g, n in expected.items() if counts.get(g, 0) != n}
        if wrong:
            detail = ", ".join(f"{g}: {have} triples, the build has {want}" for g, (have, want) in sorted(wrong.items()))
            raise StoreNotLoaded(f"the store at {self.url} does not hold version {self.version} of this build "
                                 f"({detail}); run `alliance-kg push` first")

    def graph_counts(self) -> dict[str, int]:
        """Triples per graph of this version in the store, by our graph names."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                           graphs="all")
        return {r["g"].value: int(r["n"].value) for r in rows}

    def read_store(self, query: str) -> list[dict]:
        """A query over the store's own dataset, terms as stored: for the bookkeeping of a push."""
        with self._exchange(query, [], []) as (media_type, body):
            solutions = self._solutions(media_type, body)
            names = [v.value for v in solutions.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    # --- the HTTP exchange -------------------------------------------------------------------

    @contextmanager
    def _exchange(self, query: str, default_graphs: list[str], named_graphs: list[str]):
        """POST one query; yields (media type, lazily read body). Errors become QueryFailed."""
        deadline = time.monotonic() + self.config.timeout
        form = {"query": self.names.rewrite_query(query), "default-graph-uri": default_graphs,
                "named-graph-uri": named_graphs}
        accept = ACCEPT_GRAPH if analyze(query).returns_graph else ACCEPT_RESULTS
        with self.gate.enter():
            try:
                with self.client.stream("POST", self.url, data=form, headers={"Accept": accept}) as response:
                    self._raise_for_status(response)
                    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                    body = _Body(response, deadline, self.config.store_max_bytes)
                    try:
                        yield media_type, body
                    except QueryFailed:
                        raise
                    except Exception as e:   # a parser error, or one raised by _Body through the parser
                        if body.failure is not None:
                            raise body.failure from None
                        raise BadStoreAnswer(f"the triplestore's {media_type} answer does not parse: {e}") from None
            except httpx.TimeoutException:
                raise QueryTimeout("the triplestore did not answer in time; the request was cancelled",
                                   retry_after=RETRY_AFTER) from None
            except httpx.TransportError as e:
                raise StoreUnavailable(f"the triplestore cannot be reached ({type(e).__name__})",
                                       retry_after=RETRY_AFTER) from None

    def _raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code == 200:
            return
        text = response.read().decode("utf-8", "replace").strip()[:2000]
        if response.status_code == 400:
            raise MalformedQuery(text or "the triplestore rejected the query as malformed")
        if response.status_code in (502, 503, 504) or response.status_code >= 500:
            retry = response.headers.get("Retry-After", "")
            raise StoreUnavailable(f"the triplestore answered {response.status_code}: {text[:300]}",
                                   retry_after=int(retry) if retry.isdigit() else RETRY_AFTER)
        raise BadStoreAnswer(f"the triplestore answered {response.status_code}: {text[:300]}")

    def _dataset(self, graphs: str) -> tuple[list[str], list[str]]:
        if graphs not in ("asserted", "all"):
            raise ValueError(f"graphs must be 'asserted' or 'all', not {graphs!r}")
        return [self.names.to_store(g) for g in self.layout.default_graph(graphs == "all")], self.stored

    def _solutions(self, media_type: str, body: _Body):
        if media_type not in RESULTS_TYPES:
            raise BadStoreAnswer(f"the triplestore answered {media_type or 'no media type'}, not SPARQL results")
        return ox.parse_query_results(body, format=RESULTS_TYPES[media_type])

    def _triples(self, media_type: str, body: _Body):
        if media_type not in GRAPH_TYPES:
            raise BadStoreAnswer(f"the triplestore answered {media_type or 'no media type'}, not RDF")
        return ox.parse(body, format=GRAPH_TYPES[media_type])

    def _term(self, term):
        return self.names.term(term)

    def _triple(self, t):
        return ox.Triple(self._term(t.subject), self._term(t.predicate), self._term(t.object))

    # --- the interface ---------------------------------------------------------------------

    def select(self, query: str, *, graphs: str = "asserted") -> list[dict]:
        with self._exchange(query, *self._dataset(graphs)) as (media_type, body):
            solutions = self._solutions(media_type, body)
            names = [v.value for v in solutions.variables]
            return [{n: self._term(s[n]) for n in names if s[n] is not None} for s in solutions]

    def construct(self, query: str, *, graphs: str = "asserted") -> list[ox.Triple]:
        with self._exchange(query, *self._dataset(graphs)) as (media_type, body):
            return [self._triple(t) for t in self._triples(media_type, body)]

    def ask(self, query: str, *, graphs: str = "asserted") -> bool:
        with self._exchange(query, *self._dataset(graphs)) as (media_type, body):
            return bool(self._solutions(media_type, body))

    def run(self, request: QueryRequest, result_format: str) -> Answer:
        standard_only(request.query)
        fmt = by_name(result_format, ALL)
        # The request's dataset (protocol graphs, else the query's FROM / FROM NAMED, else ours), sent
        # as protocol parameters, which a conforming store lets override the query's own clauses.
        dataset = query_dataset(self.layout, request)
        default = [self.names.to_store(g) for g in dataset.default]
        named = [self.names.to_store(g) for g in dataset.named]
        limit = self.config.max_rows
        # Relative IRIs resolve against our endpoint's URL, as on the embedded engine (Protocol 2.1.4).
        with self._exchange(with_base(request.query, request.base_iri), default, named) as (media_type, body):
            if media_type in GRAPH_TYPES:
                triples, truncated = capped((self._triple(t) for t in self._triples(media_type, body)), limit)
                return Answer(**graph_answer(triples, truncated, fmt))
            result = self._solutions(media_type, body)
            if isinstance(result, ox.QueryBoolean):
                return Answer(**boolean_answer(bool(result), fmt))
            names = [v.value for v in result.variables]
            rows, truncated = capped(({n: (self._term(s[n]) if s[n] is not None else None) for n in names}
                                      for s in result), limit)
            return Answer(**solutions_answer(names, rows, truncated, fmt))

    def ready(self) -> None:
        """Nothing to wait for: the store's state is checked when the engine is made (check_loaded)."""

    def close(self) -> None:
        self.client.close()
