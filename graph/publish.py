"""Write the published dataset: every serialisation, VoID + DCAT, checksums, and the manifest.

Files are written into a fresh directory that graph/release.py makes the published build only when
complete, so a failed build leaves the previous build untouched. Output is byte-identical across builds: N-Quads
are written graph by graph (graphs in the order of their names, lines sorted within each), every other
serialisation is written from that order by pyoxigraph (or, for JSON-LD, graph by graph, sorted after
compaction), and nothing carries a timestamp.

Each named graph is serialised on its own (`fragments`), so a document's N-Quads, JSON-LD and search
rows are made once and kept by the per-document cache (graph/cache.py): publishing is then mostly
concatenation, and a full and an incremental build write the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from alliance_kg.graph.formats import of_file
from alliance_kg.graph.iris import Iris
from alliance_kg.graph.load import rebase
from alliance_kg.graph.search_index import FILE_NAME as SEARCH_INDEX
from alliance_kg.graph.search_index import claim_rows, label_rows, name_rows, passage_rows, write_index
from alliance_kg.graph.vocabulary import DCAT, DCTERMS, PREFIXES, SD, SPDX, VOID


def prefixes(iris: Iris) -> dict[str, str]:
    table = dict(PREFIXES)
    table["ak"] = str(iris.ONT)
    table["id"] = iris.base + "id/"
    return table


def ox_terms(blank_nodes: bool = False):
    """rdflib term -> pyoxigraph term; IRIs repeat a lot (predicates, classes, actors), so they are memoised.
    The published data has no blank nodes (a found one is an error) unless `blank_nodes`."""
    iris: dict[URIRef, ox.NamedNode] = {}

    def convert(term):
        if isinstance(term, URIRef):
            node = iris.get(term)
            if node is None:
                node = iris[term] = ox.NamedNode(str(term))
            return node
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            return ox.Literal(str(term), datatype=convert(term.datatype)) if term.datatype else ox.Literal(str(term))
        if blank_nodes and isinstance(term, BNode):
            return ox.BlankNode(str(term))
        raise ValueError(f"the dataset has no blank nodes, yet here is {term!r}")
    return convert


def graph_quads(graph, name: URIRef, convert=None) -> list[ox.Quad]:
    """A graph's (or a list of triples') quads in pyoxigraph's terms."""
    convert = convert or ox_terms()
    g = convert(name)
    return [ox.Quad(convert(s), convert(p), convert(o), g) for s, p, o in graph]


def nquads_lines(quads: list[ox.Quad]) -> bytes:
    """One graph's N-Quads, sorted lines: canonical enough for byte-identical builds (no blank nodes)."""
    raw = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    lines = sorted({line for line in raw.decode("utf-8").splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def sorted_nquads(ds: Dataset) -> bytes:
    """A whole rdflib Dataset as N-Quads in the published order (graph by graph, sorted lines)."""
    convert = ox_terms()
    return b"".join(nquads_lines(graph_quads(ds.graph(g.identifier), g.identifier, convert))
                    for g in sorted(ds.contexts(), key=lambda g: str(g.identifier)))


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


def jsonld_graph(graph: Graph, name: URIRef, context: dict) -> str:
    """One named graph as a JSON-LD graph object, compacted with our context, sorted, indented by one
    space per level (its text is kept by the cache and placed into dataset.jsonld by `jsonld_dataset`)."""
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = data.get("@graph", [{k: v for k, v in data.items() if k != "@context"}] if len(data) > 1 else [])
    return json.dumps({"@graph": sort_json(nodes), "@id": str(name)}, ensure_ascii=False, indent=1)


def jsonld_graph_by_subject(triples, name: URIRef, context: dict, memo=None) -> str:
    """`jsonld_graph`, the same bytes, with each subject's node object kept by `memo` by the hash of its
    triples: when one document is added, rdflib compacts only the nodes whose triples changed (an
    inferred graph that grew by a few facts, say), not the whole graph again."""
    subjects: dict = {}
    for t in triples:
        subjects.setdefault(t[0], []).append(t)
    kept: dict = (memo.get(("jsonld nodes", str(name))) if memo is not None else None) or {}
    keys = {s: hashlib.sha256("\n".join(sorted(" ".join(x.n3() for x in t) for t in ts)).encode()).hexdigest()
            for s, ts in subjects.items()}
    missing = [s for s, k in keys.items() if k not in kept]
    if missing:
        graph = Graph()
        for s in missing:
            for t in subjects[s]:
                graph.add(t)
        data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        nodes = data.get("@graph", [{k: v for k, v in data.items() if k != "@context"}] if len(data) > 1 else [])
        by_id = {_expanded_id(node["@id"], context): sort_json(node) for node in nodes}
        for s in missing:
            node = by_id[str(s)]
            kept[keys[s]] = (json.dumps(node, sort_keys=True, ensure_ascii=False), json.dumps(node, ensure_ascii=False, indent=1))
    nodes = sorted(kept[k] for k in keys.values())
    if memo is not None:
        memo.put(("jsonld nodes", str(name)), {k: kept[k] for k in keys.values()})
    body = ",\n".join(_indented(text, 2) for _, text in nodes)
    return '{\n "@graph": [\n' + body + "\n ],\n" + f' "@id": {json.dumps(str(name), ensure_ascii=False)}\n}}' \
        if nodes else json.dumps({"@graph": [], "@id": str(name)}, ensure_ascii=False, indent=1)


def _expanded_id(value: str, context: dict) -> str:
    """A node object's @id as a full IRI (rdflib compacts it with the context's prefixes)."""
    prefix, colon, local = value.partition(":")
    namespace = context["@context"].get(prefix) if colon and not local.startswith("//") else None
    return namespace + local if isinstance(namespace, str) else value


def _indented(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.split("\n"))


def jsonld_dataset(graph_objects: list[str], context: dict) -> bytes:
    """dataset.jsonld from its graph objects (in graph-name order): one JSON document, as json.dumps with
    indent=1 would lay it out, made by concatenation so no graph is compacted twice."""
    head = '{\n "@context": ' + _indented(json.dumps(context["@context"], ensure_ascii=False, indent=1), 1).lstrip(" ")
    body = ",\n".join(_indented(g, 2) for g in graph_objects)
    return (head + ',\n "@graph": [\n' + body + "\n ]\n}\n").encode("utf-8")


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


def fragments(triples, name: URIRef, context: dict, convert=None, memo=None, key: str | None = None) -> tuple[bytes, str]:
    """One named graph's N-Quads (sorted lines) and JSON-LD graph object; `triples`: a Graph or a list.
    `memo` keeps both by `key` (a digest of the graph's inputs), or, without a key, the JSON-LD (rdflib's
    compaction, the slow part) by the hash of the N-Quads."""
    if key is not None and memo is not None:
        kept = memo.get(("fragments", str(name), key))
        if kept is not None:
            memo.keep(("jsonld nodes", str(name)))    # for the next build whose graph differs
            return kept
    nquads = nquads_lines(graph_quads(triples, name, convert))
    text = jsonld_graph_by_subject(triples, name, context, memo)
    if key is not None and memo is not None:
        memo.put(("fragments", str(name), key), (nquads, text))
    return nquads, text


def document_fragments(part, iris: Iris, context: dict, convert=None) -> None:
    """Fill in a document part's serialised forms from its graph (kept by the cache)."""
    name = iris.document_graph(part.doc_id)
    quads = graph_quads(part.graph, name, convert)
    part.nquads = nquads_lines(quads)
    part.jsonld = jsonld_graph(part.graph, name, context)
    part.passages = passage_rows(iris, quads)
    part.claim_rows = claim_rows(iris, quads)


def write_files(out: Path, iris: Iris, parts: list, whole: dict, ontology: Graph, shapes_text: str,
                context: dict, report: Graph, report_text: str, counts: dict,
                queries_dir: Path, extra_writers=(), memo=None) -> dict:
    """`parts`: the documents' parts, serialised (graph/assemble.py DocumentPart); `whole`: the other named
    graphs (ontology, actors, inferred), each as (a Graph or a list of triples, a digest of what it is
    computed from beyond the cache's common key, for `memo`), serialised here."""
    out.mkdir(parents=True)
    table = prefixes(iris)
    convert = ox_terms()
    blocks = [(str(name), *fragments(graph, name, context, convert, memo, key)) for name, (graph, key) in whole.items()]
    blocks += [(str(iris.document_graph(p.doc_id)), p.nquads, p.jsonld) for p in parts]
    blocks.sort(key=lambda b: b[0])
    nquads = b"".join(b[1] for b in blocks)
    (out / "dataset.nq").write_bytes(nquads)
    ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), str(out / "dataset.trig"), ox.RdfFormat.TRIG,
                 prefixes=table)
    # The triples of every graph, once each: an N-Quads line without its graph name (an IRI, last).
    lines = sorted({line[:line.rindex(" <")] for line in nquads.decode("utf-8").splitlines()})
    ntriples = ("".join(line + " .\n" for line in lines)).encode("utf-8")
    (out / "dataset.nt").write_bytes(ntriples)
    ox.serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), str(out / "dataset.ttl"), ox.RdfFormat.TURTLE,
                 prefixes=table)
    # JSON-LD keeps the named graphs (one graph object per graph), like TriG and N-Quads.
    (out / "dataset.jsonld").write_bytes(jsonld_dataset([b[2] for b in blocks], context))
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
    # search box and /api/search (server/search.py): actors' names, and every document's passages
    actors = graph_quads(whole[iris.actors_graph][0], iris.actors_graph, convert)
    write_index(out / SEARCH_INDEX, name_rows(iris, actors), [row for p in parts for row in p.passages],
                [row for p in parts for row in p.claim_rows], label_rows(iris, actors + graph_quads(ontology, iris.ontology_graph, convert)))
    for writer in extra_writers:      # e.g. the ontology's HTML documentation (graph/docs.py)
        writer(out)
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    graph_counts = {name: block.count(b"\n") for name, block, _ in blocks if block}
    total_quads = sum(graph_counts.values())
    triples_count = len(lines)
    files = [{"name": p.name, "media_type": of_file(p.name).media_type,
              "bytes": p.stat().st_size, "sha256": sha256(p)} for p in sorted(out.iterdir())]
    # void.ttl describes every other file; it cannot hold its own checksum, nor the manifest's.
    void = void_description(iris, files, graph_counts, triples_count, vocabularies(quads))
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
                "counts": {**counts, "triples": total_quads, "inferred": graph_counts.get(str(iris.inferred_graph), 0)}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
