"""The query store of a dataset version: the published quads in pyoxigraph's on-disk store (RocksDB),
written once when the version is released and opened read-only by every server process.

    build/versions/<v>/store/     not a published file: in no manifest, no VoID, no version digest

A query's default graph is the RDF *merge* of several named graphs (a set: a triple asserted in two
documents is one triple; SPARQL 1.1 Query §13). Oxigraph evaluates a list of default graphs as a union
of quads, so the service's default graph is materialised here: the asserted merge is the store's own
default graph (which the published data, all in named graphs, leaves empty). A read-only store cannot
add it when a query arrives, so it is written with the data; a store is a set of quads, so a triple of
two graphs lands once in the merge without any deduplication of ours. The published dumps
(dataset.nq …) are not touched: the merge exists only in this store.

The store's named graphs are then exactly the published ones, so a query needs no list of them:
given one, pyoxigraph answers an unbound `GRAPH ?g` by trying each listed graph in turn, for every
solution that reaches it — 400 ms instead of 9 ms for a page of 25 claims at 100×, over 204 graphs.
The asserted + inferred default graph is the default graph and the inferred one together, which are
disjoint (reasoning publishes only what was not asserted); should inference ever repeat an assertion,
that merge is written as a private named graph (`merged_name`) and every query lists its named graphs.
Facts the server needs before it runs a query (the largest out-degree) are kept beside the data, in
`STATS`, not as quads that a query could see.

Built here, at release (graph/release.py), rather than lazily by the first server to open a version:
a version directory is immutable once renamed into place, servers only hold shared leases on it, and
the cost (seconds at 100×) belongs to the build, not to a server's start or a reload.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

STORE_DIR = "store"
DATASET = "dataset.nq"
# Private graph names of materialised merges: never a published graph, never visible to GRAPH ?g (a
# store that holds one is queried with its published named graphs listed; server/engine/layout.py).
MERGED_PREFIX = "urn:x-alliance-kg:merged:"


def merged_name(graphs: Iterable[str]) -> str:
    """The private graph holding the merge of `graphs` (the same set gives the same name)."""
    key = "\n".join(sorted(set(graphs)))
    return MERGED_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def service_defaults(graphs: Iterable[str], inferred: str) -> dict[str, tuple[str, ...]]:
    """The service's two default graphs, by name: the asserted graphs, and those plus the inferred one."""
    asserted = tuple(sorted(g for g in set(graphs) if g != inferred))
    return {"asserted": asserted, "all": tuple(sorted(asserted + (inferred,)))}


# What the server may know of the data before it runs a query (server/engine/bounded.py): the most
# triples any one subject has, over all graphs (a bound on its out-degree in any default graph). A file
# in the store's directory (RocksDB leaves files it did not write alone).
STATS = "alliance-kg-stats.json"
# Stores written before STATS existed kept it as a quad, in a private graph of its own.
_OLD_ABOUT = ox.NamedNode("urn:x-alliance-kg:store")
_OLD_MAX_OUT_DEGREE = ox.NamedNode("urn:x-alliance-kg:maxOutDegree")


def fill(store: ox.Store, nquads: Path, graphs: Iterable[str], inferred: str, scratch: Path) -> int:
    """Load the published N-Quads into `store`, with the service's merged default graph; return the
    largest out-degree of a subject.

    Everything is loaded by pyoxigraph's bulk loader from files (quads through Python objects take
    three times as long): the merge is written as N-Triples to `scratch` (a file, removed after),
    read from dataset.nq's lines, whose layout is N-Quads' own canonical one ("S P O G .", one quad
    a line, every quad in a named graph: graph/publish.py). The asserted + inferred merge is
    written only when the inferred graph repeats an asserted triple; otherwise the asserted merge
    and the inferred graph, being disjoint, are already a set together (`default_graphs`)."""
    defaults = service_defaults(graphs, inferred)
    asserted_names = {f"<{g}>".encode() for g in defaults["asserted"]}
    inferred_name = f"<{inferred}>".encode()
    degrees: Counter = Counter()
    seen: set[bytes] = set()
    inferred_triples: list[bytes] = []
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    with open(nquads, "rb") as lines, open(scratch, "wb") as merged:
        for number, line in enumerate(lines, start=1):
            triple, graph, end = line.rsplit(b" ", 2)
            if end != b".\n" or (graph not in asserted_names and graph != inferred_name):
                raise ValueError(f"{nquads}, line {number}: not a quad of a published graph in N-Quads' "
                                 f"canonical layout: {line[:300]!r}")
            degrees[triple[:triple.index(b" ")]] += 1
            if graph == inferred_name:
                inferred_triples.append(triple)
            elif triple not in seen:
                seen.add(triple)
                merged.write(triple + b" .\n")
    try:
        store.bulk_load(path=str(scratch), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        if any(t in seen for t in inferred_triples):
            with open(scratch, "ab") as merged:
                merged.writelines(t + b" .\n" for t in inferred_triples)
            store.bulk_load(path=str(scratch), format=ox.RdfFormat.N_TRIPLES,
                            to_graph=ox.NamedNode(merged_name(defaults["all"])))
    finally:
        os.unlink(scratch)
    return max(degrees.values(), default=0)


def default_graphs(store: ox.Store, graphs: Iterable[str], inferred: str) -> dict[str, list]:
    """The graphs pyoxigraph is given as the default graph for each of the service's two: the store's
    default graph (the asserted merge) and, with inference, the inferred graph beside it, unless the
    two share a triple and their merge was written (fill). Stores written before the merge moved into
    the default graph hold it as a private named graph, and are read as they were written."""
    defaults = service_defaults(graphs, inferred)
    old = ox.NamedNode(merged_name(defaults["asserted"]))
    asserted = old if store.contains_named_graph(old) else ox.DefaultGraph()
    everything = ox.NamedNode(merged_name(defaults["all"]))
    return {"asserted": [asserted],
            "all": [everything] if store.contains_named_graph(everything) else [asserted, ox.NamedNode(inferred)]}


def only_published_graphs(store: ox.Store, graphs: Iterable[str]) -> bool:
    """Are the store's named graphs all published ones (no private merge, no stored facts)? Then a
    query over every published graph needs no list of named graphs."""
    published = set(graphs)
    return all(g.value in published for g in store.named_graphs())


def max_out_degree(store: ox.Store, directory: Path | None) -> int | None:
    """The most triples one subject has in the store's data, if the store was written with it."""
    stats = Path(directory) / STATS if directory else None
    if stats and stats.is_file():
        return int(json.loads(stats.read_text(encoding="utf-8"))["max_out_degree"])
    for quad in store.quads_for_pattern(_OLD_ABOUT, _OLD_MAX_OUT_DEGREE, None, _OLD_ABOUT):
        return int(quad.object.value)
    return None


def write(version_dir: Path, manifest: dict) -> Path | None:
    """Write the query store of the version in `version_dir` (built aside, renamed into place)."""
    version_dir = Path(version_dir)
    if not (version_dir / DATASET).is_file():
        return None       # a version without data (a test's stand-in) has nothing to query
    # Imported here: query workers import this module, and need not load rdflib.
    from alliance_kg.graph.iris import Iris

    inferred = Iris(manifest["base"]).inferred_graph
    target = version_dir / STORE_DIR
    tmp = version_dir / f".{STORE_DIR}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = ox.Store(str(tmp))
        largest = fill(store, version_dir / DATASET, manifest["graphs"], str(inferred),
                       version_dir / f".{STORE_DIR}-{os.getpid()}.nt")
        store.optimize()
        store.flush()
        del store          # closes RocksDB before the directory is renamed
        (tmp / STATS).write_text(json.dumps({"max_out_degree": largest}) + "\n", encoding="utf-8")
        # A version written as a copy of another brings that one's store: this one replaces it (the
        # version is not published yet, so nobody reads it).
        shutil.rmtree(target, ignore_errors=True)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
