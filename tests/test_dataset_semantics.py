"""The RDF dataset a query sees, as SPARQL 1.1 Query §13 and the Protocol §2.1.4 define it.

Expectations are computed here from the published dataset.nq with Python sets (a graph, and the
merge of graphs, is a set of triples), never from the server's store.
"""
from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib.query import Result

from tests.helpers import AK, BASE, ID

INFERRED = BASE + "graph/inferred"
ACTORS = BASE + "graph/actors"
ONTOLOGY = BASE + "graph/ontology"
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def graphs(build_dir) -> dict[str, set]:
    out: dict[str, set] = {}
    for quad in ox.parse(path=str(build_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS):
        out.setdefault(quad.graph_name.value, set()).add(ox.Triple(quad.subject, quad.predicate, quad.object))
    return out


@pytest.fixture(scope="module")
def client(build_dir, graphs):
    """An app whose row cap is above every triple of the corpus: these tests read whole graphs, and
    the corpus grows (the default cap, 10,000 rows, is one document away)."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    app = create_app(ServerConfig(build_dir=build_dir, max_rows=sum(len(g) for g in graphs.values()) + 1))
    yield app.test_client()
    app.extensions["alliance_kg"].close()


def merge(graphs, names) -> set:
    return set().union(*(graphs[n] for n in names)) if names else set()


def documents(graphs) -> list[str]:
    return sorted(g for g in graphs if g.startswith(BASE + "graph/document/"))


def rows(client, query, **params) -> list[tuple]:
    params = {k.replace("_", "-"): v for k, v in params.items()}
    r = client.get("/sparql", query_string={"query": query, **params},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data
    assert r.headers.get("X-SPARQL-Truncated") is None, "raise --max-rows for this test"
    result = Result.parse(io.BytesIO(r.data), format="json")
    if result.type == "ASK":
        return [(result.askAnswer,)]
    return [tuple(str(v) if v is not None else None for v in row) for row in result]


def count(client, query=ALL_TRIPLES, **params) -> int:
    return len(rows(client, query, **params))


# --- 1. the default graph is a set: the RDF merge of the asserted graphs ---------------------

def test_documents_share_triples(graphs):
    """The premise of the tests below: some triple is asserted in two documents."""
    docs = documents(graphs)
    assert len(docs) >= 2 and graphs[docs[0]] & graphs[docs[1]]


def test_default_graph_is_the_set_of_asserted_triples(client, graphs):
    asserted = merge(graphs, [g for g in graphs if g != INFERRED])
    assert count(client) == len(asserted)
    n = rows(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(n[0][0]) == len(asserted)


def test_no_answer_twice_for_a_triple_two_documents_assert(client):
    answers = rows(client, f"SELECT ?p ?o WHERE {{ <{ID}Iran> ?p ?o }}")
    assert len(answers) == len(set(answers))
    proxies = rows(client, f"SELECT ?x ?y WHERE {{ ?x <{AK}hasProxy> ?y }}")
    assert len(proxies) == len(set(proxies)) and proxies


def test_inferred_default_graph_is_a_set_too(client, graphs):
    assert count(client, inferred="true") == len(merge(graphs, list(graphs)))


def test_several_default_graph_uris_are_merged_as_a_set(client, graphs):
    docs = documents(graphs)
    r = client.get("/sparql", query_string=[("query", ALL_TRIPLES)] + [("default-graph-uri", d) for d in docs],
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert len(json.loads(r.data)["results"]["bindings"]) == len(merge(graphs, docs))


def test_several_from_clauses_are_merged_as_a_set(client, graphs):
    docs = documents(graphs)
    query = "SELECT ?s ?p ?o " + " ".join(f"FROM <{d}>" for d in docs) + " WHERE { ?s ?p ?o }"
    assert count(client, query) == len(merge(graphs, docs))


# --- 2. the protocol dataset is exactly the dataset ----------------------------------------

GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_without_a_dataset_every_published_graph_is_named(client, graphs):
    assert {r[0] for r in rows(client, GRAPH_NAMES)} == set(graphs)


def test_named_graph_uri_alone_gives_an_empty_default_graph(client):
    assert count(client, named_graph_uri=ACTORS) == 0
    assert {r[0] for r in rows(client, GRAPH_NAMES, named_graph_uri=ACTORS)} == {ACTORS}


def test_default_graph_uri_alone_gives_no_named_graphs(client, graphs):
    assert rows(client, GRAPH_NAMES, default_graph_uri=ACTORS) == []
    assert count(client, default_graph_uri=ACTORS) == len(graphs[ACTORS])


def test_both_given(client, graphs):
    assert count(client, default_graph_uri=ONTOLOGY, named_graph_uri=ACTORS) == len(graphs[ONTOLOGY])
    assert {r[0] for r in rows(client, GRAPH_NAMES, default_graph_uri=ONTOLOGY, named_graph_uri=ACTORS)} == {ACTORS}


def test_protocol_graphs_override_from_and_from_named(client, graphs):
    query = f"SELECT ?s ?p ?o FROM <{ACTORS}> FROM NAMED <{ACTORS}> WHERE {{ ?s ?p ?o }}"
    assert count(client, query, default_graph_uri=ONTOLOGY) == len(graphs[ONTOLOGY])
    named = f"SELECT DISTINCT ?g FROM <{ACTORS}> FROM NAMED <{ACTORS}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert rows(client, named, default_graph_uri=ONTOLOGY) == []
    assert count(client, query, named_graph_uri=ONTOLOGY) == 0


def test_from_named_alone_gives_an_empty_default_graph(client):
    assert count(client, f"SELECT * FROM NAMED <{ACTORS}> WHERE {{ ?s ?p ?o }}") == 0
    names = rows(client, f"SELECT DISTINCT ?g FROM NAMED <{ACTORS}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert names == [(ACTORS,)]


def test_from_alone_gives_no_named_graphs(client, graphs):
    assert rows(client, f"SELECT DISTINCT ?g FROM <{ACTORS}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == []
    assert count(client, f"SELECT * FROM <{ACTORS}> WHERE {{ ?s ?p ?o }}") == len(graphs[ACTORS])


def test_inferred_flag_does_not_widen_a_given_dataset(client, graphs):
    assert count(client, default_graph_uri=ACTORS, inferred="true") == len(graphs[ACTORS])


# --- 3. relative IRIs resolve against the endpoint's URL -----------------------------------

def test_relative_iris_resolve_against_the_endpoint_url(client):
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<s> AS ?x) }"},
                   headers={"Accept": "application/sparql-results+json"}, base_url="https://kg.example/")
    assert r.status_code == 200, r.data
    assert json.loads(r.data)["results"]["bindings"] == [{"x": {"type": "uri", "value": "https://kg.example/s"}}]
    r = client.get("/sparql", query_string={"query": "BASE <http://other.example/a/> SELECT ?x WHERE { BIND(<s> AS ?x) }"})
    assert json.loads(r.data)["results"]["bindings"][0]["x"]["value"] == "http://other.example/a/s"


# --- counts the endpoint publishes are the distinct counts ---------------------------------

def test_service_description_counts_the_default_graph_as_a_set(client, graphs):
    import rdflib

    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    sd = rdflib.Graph().parse(data=r.data, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    default = next(sd.objects(None, SD.defaultGraph))
    assert int(sd.value(default, VOID.triples)) == len(merge(graphs, [g for g in graphs if g != INFERRED]))


SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def description(app):
    import rdflib

    return rdflib.Graph().parse(data=app.test_client().get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")


def test_service_description_says_which_graphs_make_the_default_graph(description, graphs):
    import rdflib

    endpoint = rdflib.URIRef("http://localhost/sparql")
    assert (endpoint, rdflib.URIRef(SD + "feature"), rdflib.URIRef(SD + "UnionDefaultGraph")) not in description
    comment = str(description.value(endpoint, rdflib.RDFS.comment))
    assert all(f"<{g}>" in comment for g in graphs) and "inferred=true" in comment
    # the dataset a request with inferred=true sees is described too, with its distinct count
    counts = sorted(int(c) for c in description.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#triples")))
    assert len(merge(graphs, list(graphs))) in counts


def test_service_description_declares_exactly_the_extension_functions_evaluated(description):
    """Each GeoSPARQL function the engine evaluates is declared, and none it does not."""
    import rdflib

    from alliance_kg.server.service_description import GEOF

    declared = {str(f)[len(GEOF):] for f in description.objects(None, rdflib.URIRef(SD + "extensionFunction"))}
    candidates = declared | {"buffer", "boundary", "asWKT", "minX", "maxX", "aggUnion", "transform", "area",
                             "sfContains", "metricDistance", "asGML", "nonsense"}
    store = ox.Store()
    wkt = '"POINT(1 1)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'
    uom = "<http://www.opengis.net/def/uom/OGC/1.0/metre>"
    evaluated = set()
    for name in candidates:
        for args in ([wkt], [wkt, wkt], [wkt, wkt, uom], [wkt, '"T*F**FFF*"']):
            try:
                list(store.query(f"SELECT (<{GEOF}{name}>({', '.join(args)}) AS ?x) {{}}"))
            except (SyntaxError, OSError, ValueError, RuntimeError) as e:
                assert "not supported" in str(e) or "arguments" in str(e), e
                continue
            evaluated.add(name)
            break
    assert declared == evaluated
