"""`alliance-kg push`: load a published build into a remote triplestore, standard protocols only.

1. load: each named graph of dataset.nq is PUT through the SPARQL 1.1 Graph Store HTTP Protocol
   under its versioned name <G?version=V> (alliance_kg.server.engine.versioned), beside whatever
   version the store serves now;
2. verify: every graph's triple count, read back through the store's SPARQL 1.1 query endpoint,
   must equal the build's (manifest.json);
3. switch: one PUT replaces the record graph <BASE graph/store-version> with the new version;
4. clean up: the graphs of older versions, as the record lists them, are DELETEd.

A push that fails in 1 or 2 deletes what it loaded and leaves the record, and so the version being
served, untouched. Readers never see a half-loaded version: a `serve --store` instance reads only
the graphs of the version of its own build.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx
import pyoxigraph as ox

from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import PublishedDataset
from alliance_kg.server.engine import QueryFailed
from alliance_kg.server.engine.remote import RemoteEngine, store_client
from alliance_kg.server.engine.versioned import (
    VERSION_INFO,
    GraphNames,
    record_graph,
    record_subject,
    split,
)

NTRIPLES = "application/n-triples"
IS_VERSION_OF = "http://purl.org/dc/terms/isVersionOf"


class PushError(Exception):
    pass


@dataclass
class PushReport:
    version: str
    previous: str | None
    graphs: dict[str, int]                        # our graph name -> triples verified in the store
    deleted: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False


class GraphStore:
    """The two endpoints of a store: Graph Store Protocol (writes) and SPARQL query (reads)."""

    def __init__(self, gsp_url: str, query_url: str, dataset: PublishedDataset, auth: str = "", timeout: float = 300):
        self.gsp_url, self.base = gsp_url, dataset.base
        self.client = store_client(timeout, auth)
        config = ServerConfig(build_dir=dataset.directory, store=query_url, store_auth=auth, timeout=timeout,
                              max_rows=1_000_000)
        self.reader = RemoteEngine(config, dataset, check=False)

    def close(self) -> None:
        self.client.close()
        self.reader.close()

    def _send(self, method: str, graph: str, body: bytes | None = None) -> httpx.Response:
        headers = {"Content-Type": NTRIPLES} if body is not None else {}
        try:
            response = self.client.request(method, self.gsp_url, params={"graph": graph}, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise PushError(f"{method} <{graph}> to {self.gsp_url} failed: {type(e).__name__}: {e}") from None
        return response

    def put(self, graph: str, triples: list[ox.Triple]) -> None:
        response = self._send("PUT", graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        if response.status_code not in (200, 201, 204):
            raise PushError(f"PUT <{graph}> to {self.gsp_url} answered {response.status_code}: "
                            f"{response.text.strip()[:300]}")

    def delete(self, graph: str) -> None:
        response = self._send("DELETE", graph)
        if response.status_code not in (200, 204, 404):   # 404: already gone, which is what we want
            raise PushError(f"DELETE <{graph}> at {self.gsp_url} answered {response.status_code}: "
                            f"{response.text.strip()[:300]}")

    def current_version(self) -> str | None:
        rows = self.reader.read_store(f"SELECT ?v WHERE {{ GRAPH <{record_graph(self.base)}> "
                                      f"{{ <{record_subject(self.base)}> <{VERSION_INFO}> ?v }} }}")
        return rows[0]["v"].value if rows else None

    def recorded(self) -> dict[str, list[str]]:
        """version -> stored graph names, as the record lists them (listing every graph of a store is
        slow on Virtuoso, and `GRAPH ?g {}` answers wrongly there)."""
        rows = self.reader.read_store(f"SELECT ?g ?v WHERE {{ GRAPH <{record_graph(self.base)}> "
                                      f"{{ ?g <{VERSION_INFO}> ?v FILTER(?g != <{record_subject(self.base)}>) }} }}")
        found: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            found[row["v"].value].append(row["g"].value)
        return found

    def write_record(self, version: str, versions: dict[str, list[str]]) -> None:
        """One PUT: the current version, and every stored graph of the versions kept."""
        triples = [ox.Triple(ox.NamedNode(record_subject(self.base)), ox.NamedNode(VERSION_INFO), ox.Literal(version))]
        for kept, stored in sorted(versions.items()):
            for name in sorted(stored):
                triples.append(ox.Triple(ox.NamedNode(name), ox.NamedNode(VERSION_INFO), ox.Literal(kept)))
                parts = split(name)
                if parts:
                    triples.append(ox.Triple(ox.NamedNode(name), ox.NamedNode(IS_VERSION_OF), ox.NamedNode(parts[0])))
        self.put(record_graph(self.base), triples)


def quads_by_graph(dataset: PublishedDataset) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(dataset.nquads), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise PushError(f"{dataset.nquads}: a triple in the default graph; a push loads named graphs only")
        graphs[quad.graph_name.value].append(quad.triple)
    names = set(graphs)
    for triples in graphs.values():
        for t in triples:
            for term in (t.subject, t.object):
                if isinstance(term, ox.BlankNode):
                    # One PUT per graph would split a blank node shared between graphs in two.
                    raise PushError(f"{dataset.nquads}: blank node _:{term.value}; the build skolemises them, rebuild")
                if isinstance(term, ox.NamedNode) and term.value in names:
                    raise PushError(f"{dataset.nquads}: the graph name <{term.value}> is used as a term; "
                                    "versioned graph names would change its meaning")
    return graphs


def push(build_dir: Path, gsp_url: str, query_url: str | None = None, auth: str = "", keep_previous: bool = False,
         timeout: float = 300, announce: Callable[[str], None] = lambda _: None) -> PushReport:
    dataset = PublishedDataset.open(build_dir)
    names = GraphNames(dataset.version, tuple(sorted(dataset.graphs)))
    store = GraphStore(gsp_url, query_url or gsp_url, dataset, auth, timeout)
    seconds: dict[str, float] = {}
    try:
        started = time.perf_counter()
        graphs = quads_by_graph(dataset)
        if set(graphs) != set(dataset.graphs):
            raise PushError(f"{dataset.nquads} and manifest.json name different graphs; rebuild")
        try:
            previous = store.current_version()
            if previous == dataset.version and store.reader.graph_counts() == dataset.graphs:
                return PushReport(dataset.version, previous, dict(dataset.graphs), unchanged=True)
        except QueryFailed as e:
            raise PushError(f"the query endpoint {store.reader.url} does not answer: {e.detail}") from None
        seconds["read"] = time.perf_counter() - started

        started = time.perf_counter()
        loaded: list[str] = []
        try:
            for graph in sorted(graphs):
                announce(f"PUT <{names.to_store(graph)}> ({len(graphs[graph])} triples)")
                loaded.append(names.to_store(graph))
                store.put(names.to_store(graph), graphs[graph])
            seconds["load"] = time.perf_counter() - started
            started = time.perf_counter()
            try:
                counts = store.reader.graph_counts()
            except QueryFailed as e:
                raise PushError(f"verifying through {store.reader.url} failed: {e.detail}") from None
            wrong = [f"<{names.to_store(g)}>: {counts.get(g, 0)} triples in the store, {n} in the build"
                     for g, n in sorted(dataset.graphs.items()) if counts.get(g, 0) != n]
            if wrong:
                raise PushError("the store does not hold what was pushed: " + "; ".join(wrong))
            seconds["verify"] = time.perf_counter() - started
        except PushError:
            if previous != dataset.version:   # never delete the graphs of the version being served
                for name in loaded:
                    try:
                        store.delete(name)
                    except PushError:
                        pass
            raise

        started = time.perf_counter()
        try:
            versions = store.recorded()
        except QueryFailed as e:
            raise PushError(f"reading the record through {store.reader.url} failed: {e.detail}") from None
        keep = {dataset.version} | ({previous} if keep_previous and previous else set())
        versions[dataset.version] = loaded
        store.write_record(dataset.version, {v: names for v, names in versions.items() if v in keep})
        announce(f"switched {record_graph(dataset.base)} to version {dataset.version} (was {previous or 'none'})")
        deleted = []
        for version, stored in sorted(versions.items()):
            if version not in keep:
                for name in sorted(stored):
                    store.delete(name)
                    deleted.append(name)
        seconds["switch"] = time.perf_counter() - started
        return PushReport(dataset.version, previous, dict(dataset.graphs), deleted, seconds)
    finally:
        store.close()

