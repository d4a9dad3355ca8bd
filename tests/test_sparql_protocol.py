"""The SPARQL 1.1 Protocol at /sparql: request forms, formats, status codes, negotiation, CORS."""
from __future__ import annotations

import io
import json

import pytest
import rdflib
from rdflib.query import Result

from tests import stores
from tests.helpers import AK, BASE, ID, expected_graphs

pytestmark = stores.BACKENDS   # every test here runs on the embedded engine and on each real store

SELECT = f"SELECT ?s WHERE {{ ?s a <{AK}InformalNetwork> }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{AK}InformalNetwork> }} WHERE {{ ?s a <{AK}InformalNetwork> }}"
NETWORKS = {ID + "Axis_of_Resistance", ID + "CRINK"}


def subjects(result: Result) -> set[str]:
    return {str(row[0]) for row in result}


def get(client, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


# --- request forms ---------------------------------------------------------------------------

def test_get(client):
    r = get(client, SELECT)
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    assert subjects(Result.parse(io.BytesIO(r.data), format="json")) == NETWORKS


def test_post_form(client):
    r = client.post("/sparql", data={"query": SELECT})
    assert r.status_code == 200
    assert subjects(Result.parse(io.BytesIO(r.data), format="json")) == NETWORKS


def test_post_direct_with_graph_parameters_in_the_url(client):
    r = client.post(f"/sparql?default-graph-uri={BASE}graph/actors", data=SELECT,
                    content_type="application/sparql-query")
    assert r.status_code == 200
    assert subjects(Result.parse(io.BytesIO(r.data), format="json")) == NETWORKS
    r = client.post(f"/sparql?default-graph-uri={BASE}graph/ontology", data=SELECT,
                    content_type="application/sparql-query")
    assert subjects(Result.parse(io.BytesIO(r.data), format="json")) == set()


# --- result formats, parsed back -------------------------------------------------------------

@pytest.mark.parametrize("accept, parse_as", [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_select_formats(client, accept, parse_as):
    r = get(client, SELECT, accept)
    assert r.status_code == 200 and "Accept" in r.headers["Vary"]
    expected = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}[parse_as]
    assert r.mimetype == expected
    assert subjects(Result.parse(io.BytesIO(r.data), format=parse_as)) == NETWORKS


def test_ask_formats(client):
    r = get(client, f"ASK {{ <{ID}Iran> <{AK}hasProxy> <{ID}Hezbollah> }}")
    assert json.loads(r.data) == {"head": {}, "boolean": True}
    r = get(client, f"ASK {{ <{ID}Iran> <{AK}hasProxy> <{ID}Israel> }}", "application/sparql-results+xml")
    assert Result.parse(io.BytesIO(r.data), format="xml").askAnswer is False


@pytest.mark.parametrize("accept, parse_as", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"), ("application/trig", "trig"), ("application/n-quads", "nquads")])
def test_construct_formats(client, accept, parse_as):
    r = get(client, CONSTRUCT, accept)
    assert r.status_code == 200 and r.mimetype == accept
    g = rdflib.Dataset() if parse_as in ("trig", "nquads") else rdflib.Graph()
    g.parse(data=r.data, format=parse_as)
    triples = {t[:3] for t in g.quads()} if parse_as in ("trig", "nquads") else set(g)
    assert {str(s) for s, _, _ in triples} == NETWORKS


def test_construct_defaults_to_turtle_and_select_to_json(client):
    assert get(client, CONSTRUCT, "*/*").mimetype == "text/turtle"
    assert get(client, SELECT, "*/*").mimetype == "application/sparql-results+json"


def test_tsv_follows_the_spec_escaping(client):
    # Document texts hold newlines, tabs are absent; a literal built with them tests every escape.
    q = 'SELECT ?v ?l WHERE { BIND("a\\tb\\nc\\"d" AS ?v) BIND("x"@en AS ?l) }'
    r = get(client, q, "text/tab-separated-values")
    lines = r.data.decode().split("\n")
    assert lines[0] == "?v\t?l"
    assert lines[1] == '"a\\tb\\nc\\"d"\t"x"@en'
    parsed = list(Result.parse(io.BytesIO(r.data), format="tsv"))
    assert str(parsed[0][0]) == 'a\tb\nc"d' and parsed[0][1].language == "en"


def test_terms_are_written_by_our_serialisers_whatever_the_store_wrote(client):
    # Virtuoso writes "typed-literal" bindings and an explicit xsd:string; the answer is the standard's.
    q = ('SELECT ?t ?n ?l WHERE { BIND("x"^^<http://www.w3.org/2001/XMLSchema#string> AS ?t) '
         'BIND(1 AS ?n) BIND("y"@en AS ?l) }')
    binding = json.loads(get(client, q).data)["results"]["bindings"][0]
    assert binding == {"t": {"type": "literal", "value": "x"},
                       "n": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
                       "l": {"type": "literal", "value": "y", "xml:lang": "en"}}


# --- content negotiation -------------------------------------------------------------------

def test_q_values_choose(client):
    r = get(client, SELECT, "application/sparql-results+json;q=0.5, text/csv;q=0.9")
    assert r.mimetype == "text/csv"


def test_q_zero_excludes_and_wildcards_fill_in(client):
    r = get(client, SELECT, "application/sparql-results+json;q=0, */*;q=0.1")
    assert r.mimetype == "application/sparql-results+xml"
    r = get(client, SELECT, "text/*")
    assert r.mimetype in ("text/csv", "text/tab-separated-values")


def test_nothing_acceptable_is_406_naming_the_types(client):
    r = get(client, CONSTRUCT, "text/csv")
    assert r.status_code == 406 and r.mimetype == "application/problem+json"
    assert "text/turtle" in json.loads(r.data)["acceptable"]
    r = get(client, SELECT, "text/turtle")
    assert r.status_code == 406 and "application/sparql-results+json" in json.loads(r.data)["acceptable"]


def test_format_parameter_overrides_accept(client):
    assert get(client, SELECT, "application/xml", format="csv").mimetype == "text/csv"
    assert get(client, SELECT, None, format="text/tab-separated-values").mimetype == "text/tab-separated-values"


# --- status codes ------------------------------------------------------------------------------

def test_malformed_query_is_400_with_position(client):
    r = get(client, "SELECT * WHERE { ?s ?p }")
    body = json.loads(r.data)
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert "line 1" in body["detail"] and body["status"] == 400   # Oxigraph's also says the column


@pytest.mark.parametrize("how", ["update-param", "update-post", "insert-as-query", "load"])
def test_updates_are_403(client, how):
    if how == "update-param":
        r = client.post("/sparql", data={"update": "CLEAR ALL"})
    elif how == "update-post":
        r = client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update")
    elif how == "insert-as-query":
        r = get(client, "PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }")
    else:
        r = get(client, "LOAD <http://example.org/data.ttl>")
    assert r.status_code == 403 and "read-only" in json.loads(r.data)["detail"]


def test_unsupported_content_type_is_415(client):
    r = client.post("/sparql", data=SELECT, content_type="text/plain")
    assert r.status_code == 415


def test_body_over_the_limit_is_413(client, app):
    big = "#" * (app.extensions["alliance_kg"].config.max_body_bytes + 10) + "\n" + SELECT
    r = client.post("/sparql", data=big, content_type="application/sparql-query")
    assert r.status_code == 413


def test_query_over_the_length_limit(client, app):
    limit = app.extensions["alliance_kg"].config.max_query_length
    long_query = SELECT + " #" + "x" * limit
    assert get(client, long_query).status_code == 414
    assert client.post("/sparql", data={"query": long_query}).status_code == 413


def test_missing_query_in_post_is_400(client):
    assert client.post("/sparql", data={"nothing": "here"}).status_code == 400


def test_repeated_query_parameter_is_400(client):
    assert client.get("/sparql?query=ASK{}&query=ASK{}").status_code == 400


@pytest.mark.parametrize("call, status", [
    ('PREFIX b: <bif:> SELECT (b:http_get("{url}") AS ?x) WHERE {{}}', 403),
    ('SELECT (<bif:http_get>("{url}") AS ?x) WHERE {{}}', 403),
    ('SELECT (bif:http_get("{url}") AS ?x) WHERE {{}}', 400),          # bif: is never declared
    ('DEFINE get:soft "soft" SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}', 400)])
def test_store_built_ins_and_pragmas_never_reach_the_network(client, backend, call, status):
    # Virtuoso runs its SQL built-ins (bif:http_get fetches any URL) and crawler pragmas for anyone.
    with stores.listener() as (url, accepted):
        r = get(client, call.format(url=url))
        assert not accepted, "the store made a request"
    if backend != "embedded":   # pyoxigraph knows no such function and fails the query its own way
        assert r.status_code == status and r.mimetype == "application/problem+json"


def test_other_methods_are_405(client):
    assert client.put("/sparql", data=SELECT).status_code == 405


# --- CORS ----------------------------------------------------------------------------------------

def test_cors(client):
    r = get(client, SELECT)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    pre = client.options("/sparql", headers={"Origin": "https://example.org",
                                             "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "Content-Type"})
    assert pre.status_code == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    assert int(pre.headers["Access-Control-Max-Age"]) > 0


# --- caching ---------------------------------------------------------------------------------

def test_etag_revalidation(client):
    first = get(client, SELECT)
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    other_format = get(client, SELECT, "text/csv")
    assert other_format.headers["ETag"] != etag


# --- the default graph and the graph parameters ------------------------------------------------

def test_default_graph_is_the_union_of_asserted_graphs(client):
    q = f"ASK {{ <{ID}Iraq> <{AK}alliedWith> <{ID}Iran> }}"     # only inferred (symmetry)
    assert json.loads(get(client, q).data)["boolean"] is False
    assert json.loads(get(client, q, inferred="true").data)["boolean"] is True


def test_named_graph_parameter_restricts_graph_clauses(client):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    all_graphs = subjects(Result.parse(io.BytesIO(get(client, q).data), format="json"))
    assert all_graphs == expected_graphs()
    only = client.get("/sparql", query_string={"query": q, "named-graph-uri": f"{BASE}graph/actors"})
    assert subjects(Result.parse(io.BytesIO(only.data), format="json")) == {f"{BASE}graph/actors"}


def test_from_selects_our_graphs_and_protocol_parameters_override_it(client):
    q = f"SELECT ?s FROM <{BASE}graph/ontology> WHERE {{ ?s a <{AK}InformalNetwork> }}"
    assert subjects(Result.parse(io.BytesIO(get(client, q).data), format="json")) == set()
    r = client.get("/sparql", query_string={"query": q, "default-graph-uri": f"{BASE}graph/actors"})
    assert subjects(Result.parse(io.BytesIO(r.data), format="json")) == NETWORKS


def test_relative_iris_resolve_against_our_endpoint_on_every_backend(client):
    """Protocol 2.1.4: a remote store is told our endpoint's URL as the query's base (it has no
    parameter for it), so a relative IRI means the same whichever store answers."""
    def bound(query, **kwargs):
        r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"},
                       **kwargs)
        assert r.status_code == 200, r.data
        return json.loads(r.data)["results"]["bindings"][0]["x"]["value"]
    assert bound("SELECT ?x WHERE { BIND(<s> AS ?x) }", base_url="https://kg.example/") == "https://kg.example/s"
    assert bound("BASE <a/> SELECT ?x WHERE { BIND(<s> AS ?x) }", base_url="https://kg.example/") \
        == "https://kg.example/a/s"
    assert bound("BASE <http://other.example/a/> SELECT ?x WHERE { BIND(<s> AS ?x) }") == "http://other.example/a/s"
    r = client.get("/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                   headers={"Accept": "application/n-triples"}, base_url="https://kg.example/")
    assert r.data.decode().split() == ["<https://kg.example/s>", "<https://kg.example/p>",
                                       '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', "."]


def test_unknown_graph_is_empty_not_fetched(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }",
                                            "default-graph-uri": "http://example.org/nothing"})
    assert r.status_code == 200 and json.loads(r.data)["results"]["bindings"] == []


# --- service description -------------------------------------------------------------------------

@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/rdf+xml", "xml")])
def test_service_description(client, accept, fmt):
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    g = rdflib.Graph().parse(data=r.data, format=fmt)
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef("http://localhost/sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in g
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    # The default graph leaves graph/inferred out, so it is not the union of all named graphs.
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) not in g
    formats = set(g.objects(endpoint, SD.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats and len(formats) == 10
    names = {str(n) for n in g.objects(None, SD.name)}
    assert f"{BASE}graph/inferred" in names and f"{BASE}graph/actors" in names
    assert (endpoint, rdflib.RDFS.seeAlso, rdflib.URIRef("http://localhost/.well-known/void")) in g
    assert "RDF merge" in str(g.value(endpoint, rdflib.RDFS.comment))
    assert "inferred=true" in str(g.value(endpoint, rdflib.RDFS.comment))


def test_browsers_get_a_query_page(client):
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html" and "<form" in r.data.decode()
