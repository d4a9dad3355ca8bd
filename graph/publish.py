"""Write the published dataset: every serialisation, VoID + DCAT, checksums, and the manifest.

Files are written into a fresh directory that graph/release.py makes the published build only when
complete, so a failed build leaves the previous build untouched. Output is byte-identical across builds: N-Quads
lines are sorted, every other serialisation is written from that sorted order by pyoxigraph (or, for
JSON-LD, sorted after compaction), and nothing carries a timestamp.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from alliance_kg.graph.formats import of_file
from alliance_kg.graph.iris import Iris
from alliance_kg.graph.load import rebase
from alliance_kg.graph.search_index import FILE_NAME as SEARCH_INDEX
from alliance_kg.graph.search_index import write_search_index
from alliance_kg.graph.vocabulary import DCAT, DCTERMS, PREFIXES, SD, SPDX, VOID


def prefixes(iris: Iris) -> dict[str, str]:
    table = dict(PREFIXES)
    table["ak"] = str(iris.ONT)
    table["id"] = iris.base + "id/"
    return table


def sorted_nquads(ds: Dataset) -> bytes:
    """Canonical enough for byte-identical builds: no blank nodes exist, so sorted lines are stable."""
    raw = ds.serialize(format="nquads", encoding="utf-8")
    lines = sorted({line for line in raw.decode("utf-8").splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def quads_of(nquads: bytes) -> list[ox.Quad]:
    return list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


def unique_triples(quads) -> list[ox.Triple]:
    seen, out = set(), []
    for q in quads:
        t = ox.Triple(q.subject, q.predicate, q.object)
        if t not in seen:
            seen.add(t)
            out.append(t)
    out.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return out


def graph_triples(graph: Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return unique_triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def sort_json(value):
    if isinstance(value, dict):
        return {k: sort_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        items = [sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld(graph_or_dataset, context: dict) -> bytes:
    """Compacted JSON-LD with our context inlined (no remote fetch needed to read it), sorted."""
    data = json.loads(graph_or_dataset.serialize(format="json-ld", context=context, auto_compact=True))
    body = sort_json({k: v for k, v in data.items() if k != "@context"})
    return (json.dumps({"@context": context["@context"], **body}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def example_queries(queries_dir: Path, base: str) -> list[dict]:
    """The corpus's example queries (`# title: …` on the first line), in file order, on our base."""
    out = []
    for path in sorted(Path(queries_dir).glob("*.rq")):
        first, _, rest = rebase(path.read_text(encoding="utf-8"), base).partition("\n")
        title = first.removeprefix("# title:").strip() if first.startswith("# title:") else path.stem
        out.append({"name": path.name, "title": title, "text": rest.lstrip("\n")})
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Said in the file itself, for readers of void.ttl who never see this code.
VOID_HEADER = (b"# VoID + DCAT description of this build. Each file is a distribution (with its size and SHA-256)\n"
               b"# of what it holds: the data files of the dataset, the ontology files of the ontology, the rest\n"
               b"# of the build's other outputs. Except void.ttl (a file cannot hold its own checksum) and\n"
               b"# manifest.json (written after void.ttl, it lists void.ttl's checksum).\n")
DATA_FILES = ("dataset.nq", "dataset.trig", "dataset.ttl", "dataset.nt", "dataset.jsonld")


def distributed(iris: Iris, name: str) -> tuple[URIRef, str]:
    """Which resource a published file is a distribution of, and that resource's title: only the
    data files are distributions of the dataset (DCAT: a distribution is the dataset in some form)."""
    if name in DATA_FILES:
        return iris.dataset, "alliance-kg"
    if name.startswith("ontology."):
        return iris.ontology, "alliance-kg ontology"
    if name == "shapes.ttl":
        return iris.shapes, "alliance-kg SHACL shapes"
    return URIRef(f"{iris.dataset}#build-outputs"), "alliance-kg build outputs (reports, context, example queries)"


def vocabularies(quads) -> list[str]:
    """The namespaces of every property and class the data uses (void:vocabulary)."""
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    terms = set()
    for q in quads:
        terms.add(q.predicate.value)
        if q.predicate.value == rdf_type and isinstance(q.object, ox.NamedNode):
            terms.add(q.object.value)
    return sorted({t[:max(t.rfind("#"), t.rfind("/")) + 1] for t in terms})


def void_description(iris: Iris, files: list[dict], graph_counts: dict[str, int], total: int,
                     vocabulary: list[str] | None = None) -> Graph:
    g = Graph()
    dataset = iris.dataset
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("alliance-kg", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Evidence-anchored claims about geopolitical alliances and proxy relationships, with every fact "
        "pointing at the passage of the source document that states it.", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))   # distinct triples of all graphs
    g.add((dataset, VOID.sparqlEndpoint, iris.sparql))
    for namespace in vocabulary or [str(iris.ONT)]:
        g.add((dataset, VOID.vocabulary, URIRef(namespace)))
    g.add((dataset, VOID.uriSpace, Literal(iris.base + "id/")))
    # Each named graph is a subset (a void:Dataset that is also the sd:Graph of an sd:NamedGraph):
    # sd:name belongs to the sd:NamedGraph, not to the void:Dataset.
    for name, count in sorted(graph_counts.items()):
        key = name[len(iris.base) + len("graph/"):].replace("/", "-")
        subset = URIRef(f"{dataset}#graph-{key}")
        named = URIRef(f"{dataset}#named-graph-{key}")
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, SD.Graph))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, subset))
    service = iris.sparql
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, iris.sparql))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.title, Literal("alliance-kg SPARQL endpoint", lang="en")))
    for f in files:
        download = URIRef(f"{iris.base}download/{f['name']}")
        distribution = URIRef(f"{dataset}#distribution-{f['name'].replace('.', '-')}")
        resource, title = distributed(iris, f["name"])
        if resource != dataset:
            g.add((resource, RDF.type, DCAT.Dataset))
            g.add((resource, DCTERMS.title, Literal(title, lang="en")))
            g.add((resource, DCTERMS.relation, dataset))
        g.add((resource, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, download))
        g.add((distribution, DCAT.mediaType,
               URIRef(f"https://www.iana.org/assignments/media-types/{f['media_type']}")))
        g.add((distribution, DCAT.byteSize, Literal(f["bytes"], datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{distribution}-sha256")
        g.add((distribution, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(f["sha256"], datatype=XSD.hexBinary)))
        if f["name"] in DATA_FILES:
            g.add((dataset, VOID.dataDump, download))
    return g


def write_files(out: Path, iris: Iris, dataset: Dataset, ontology: Graph, shapes_text: str,
                context: dict, report: Graph, report_text: str, counts: dict,
                queries_dir: Path, extra_writers=()) -> dict:
    out.mkdir(parents=True)
    table = prefixes(iris)
    nquads = sorted_nquads(dataset)
    (out / "dataset.nq").write_bytes(nquads)
    quads = quads_of(nquads)
    triples = unique_triples(quads)
    ox.serialize(quads, str(out / "dataset.trig"), ox.RdfFormat.TRIG, prefixes=table)
    ox.serialize(triples, str(out / "dataset.ttl"), ox.RdfFormat.TURTLE, prefixes=table)
    ox.serialize(triples, str(out / "dataset.nt"), ox.RdfFormat.N_TRIPLES)
    # JSON-LD keeps the named graphs (one graph object per graph), like TriG and N-Quads.
    named = Dataset()
    for prefix, namespace in table.items():
        named.bind(prefix, namespace, replace=True)
    named.parse(data=nquads, format="nquads")
    (out / "dataset.jsonld").write_bytes(jsonld(named, context))
    onto = graph_triples(ontology)
    ox.serialize(onto, str(out / "ontology.ttl"), ox.RdfFormat.TURTLE, prefixes=table)
    ox.serialize(onto, str(out / "ontology.rdf"), ox.RdfFormat.RDF_XML, prefixes=table)
    (out / "ontology.jsonld").write_bytes(jsonld(ontology, context))
    (out / "shapes.ttl").write_text(shapes_text, encoding="utf-8")
    (out / "context.jsonld").write_text(json.dumps(context, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # pyshacl's report is made of blank nodes: canonical labels (RDFC-style) keep builds identical.
    ox.serialize(graph_triples(to_canonical_graph(report)), str(out / "validation-report.ttl"), ox.RdfFormat.TURTLE,
                 prefixes={"sh": PREFIXES["sh"], **table})
    (out / "validation-report.txt").write_text(report_text + "\n", encoding="utf-8")
    (out / "queries.json").write_text(json.dumps(example_queries(queries_dir, iris.base), ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    write_search_index(out / SEARCH_INDEX, iris, quads)   # search box and /api/search (server/search.py)
    for writer in extra_writers:      # e.g. the ontology's HTML documentation (graph/docs.py)
        writer(out)

    graph_counts: dict[str, int] = {}
    for q in quads:
        graph_counts[q.graph_name.value] = graph_counts.get(q.graph_name.value, 0) + 1
    files = [{"name": p.name, "media_type": of_file(p.name).media_type,
              "bytes": p.stat().st_size, "sha256": sha256(p)} for p in sorted(out.iterdir())]
    # void.ttl describes every other file; it cannot hold its own checksum, nor the manifest's.
    void = void_description(iris, files, graph_counts, len(triples), vocabularies(quads))
    (out / "void.ttl").write_bytes(VOID_HEADER + ox.serialize(graph_triples(void), format=ox.RdfFormat.TURTLE,
                                                              prefixes=table))
    files.append({"name": "void.ttl", "media_type": "text/turtle", "bytes": (out / "void.ttl").stat().st_size,
                  "sha256": sha256(out / "void.ttl")})
    files.sort(key=lambda f: f["name"])
    # The version names every published byte, not only the data: a changed example query or download
    # is a new version too, so no ETag or cached page can outlive what it was computed from.
    version = hashlib.sha256("".join(f"{f['name']} {f['sha256']}\n" for f in files).encode()).hexdigest()[:16]
    manifest = {"version": version, "base": iris.base, "files": files,
                "graphs": dict(sorted(graph_counts.items())),
                "counts": {**counts, "triples": len(quads), "inferred": graph_counts.get(str(iris.inferred_graph), 0)}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
