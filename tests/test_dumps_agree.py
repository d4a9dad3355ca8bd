"""What the endpoint returns equals the published dumps, and every quad format holds the same quads.

dataset.nq is the reference. Each other quad format is read back by a second processor (PyLD for
JSON-LD, rdflib for TriG), and each named graph is read back through the endpoint with CONSTRUCT.
"""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from tests.test_sparql_safety import app_with


def oxigraph_quads(data: bytes | str, fmt) -> set:
    return set(ox.parse(data.encode() if isinstance(data, str) else data, format=fmt))


@pytest.fixture(scope="module")
def reference(build_dir) -> set:
    return oxigraph_quads((build_dir / "dataset.nq").read_bytes(), ox.RdfFormat.N_QUADS)


def by_graph(quads) -> dict[str, set]:
    out: dict[str, set] = {}
    for q in quads:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        out.setdefault(name, set()).add((q.subject, q.predicate, q.object))
    return out


def test_jsonld_dump_keeps_the_named_graphs(build_dir, reference):
    """PyLD (not the library that wrote it) expands dataset.jsonld to exactly the quads of dataset.nq."""
    document = json.loads((build_dir / "dataset.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    got = oxigraph_quads(nquads, ox.RdfFormat.N_QUADS)
    assert by_graph(got).keys() == by_graph(reference).keys()
    assert got == reference


def test_trig_dump_holds_the_same_quads(build_dir, reference):
    """rdflib reads dataset.trig; every named graph equals the one in dataset.nq."""
    trig = rdflib.Dataset()
    trig.parse(build_dir / "dataset.trig", format="trig")
    nq = rdflib.Dataset()
    nq.parse(build_dir / "dataset.nq", format="nquads")
    names = {str(g.identifier) for g in nq.graphs() if len(g)}
    assert names == {str(g.identifier) for g in trig.graphs() if len(g)}
    assert names == set(by_graph(reference))
    for name in names:
        assert set(trig.graph(rdflib.URIRef(name))) == set(nq.graph(rdflib.URIRef(name))), name


@pytest.fixture(scope="module")
def roomy_app(build_dir):
    # No row cap in the way: every graph must come back whole.
    with app_with(build_dir, workers=1, max_rows=10**7) as app:
        app.testing = True
        yield app


def test_construct_of_each_named_graph_is_that_graph(roomy_app, build_dir, reference):
    """Literals keep their datatypes (the integers the build writes come back as written) through the endpoint."""
    client = roomy_app.test_client()
    nq = rdflib.Dataset()
    nq.parse(build_dir / "dataset.nq", format="nquads")
    for name in sorted(by_graph(reference)):
        r = client.get("/sparql", query_string={
            "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/n-triples"})
        assert r.status_code == 200 and "X-SPARQL-Truncated" not in r.headers
        endpoint = rdflib.Graph().parse(data=r.data, format="nt")
        dump = rdflib.Graph()
        for triple in nq.graph(rdflib.URIRef(name)):
            dump.add(triple)
        assert isomorphic(endpoint, dump), f"{name}: {len(set(endpoint) ^ set(dump))} triples differ, e.g. " \
                                           f"{sorted(set(endpoint) ^ set(dump))[:2]}"


def test_document_language_is_a_resource(reference):
    """dcterms:language's range is dcterms:LinguisticSystem: an IRI (ISO 639 at the Library of Congress)."""
    language = "http://purl.org/dc/terms/language"
    values = {q.object for q in reference if q.predicate.value == language}
    assert values and all(isinstance(v, ox.NamedNode) and v.value.startswith("http://id.loc.gov/vocabulary/iso639-")
                          for v in values)
