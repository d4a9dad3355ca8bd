"""The W3C SPARQL 1.1 Protocol test suite, run against /sparql.

Source: w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl (W3C test suite licence / 3-clause BSD).
Each test of that manifest is an HTTP request with the response it must get (a status class, and for
successful queries a boolean or a kind of result: "boolean", "tabular" or "RDF"). They are encoded
below by their manifest name, with the request exactly as the manifest gives it (only the path
prefix `/sparql/` becomes our `/sparql`, as the manifest allows). The three data files of the suite
(one triple each) are built into a dataset of the test's own, served by the real application.

The suite has 20 query tests and 14 update tests. This endpoint is read-only, which the Protocol
allows (a service may implement the query operation only); its 7 update tests that expect success
are checked for the refusal the endpoint documents (403) instead of success, and counted apart.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import rdflib
from rdflib.query import Result

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

TABULAR = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
           "text/csv": "csv", "text/tab-separated-values": "tsv"}
BOOLEAN = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"}
# "expect one of: RDF/XML, Turtle, N-Triples, RDFa" (the manifest's names for these tests)
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str                      # after /sparql, already percent-encoded as in the manifest
    expect: str                    # "true" (2xx + boolean true), "tabular", "boolean", "RDF", "4xx", "read-only"
    content_type: str | None = None
    body: bytes | None = None


def q(text: str) -> str:
    return quote(text, safe="")


def dg(*names: str) -> str:
    return "&".join(f"default-graph-uri={q(KASEI + n)}" for n in names)


def ng(*names: str) -> str:
    return "&".join(f"named-graph-uri={q(KASEI + n)}" for n in names)


FORM, QUERY, UPDATE = "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"
ASK_1_2 = f"ASK {{ <{KASEI}data1.rdf> a ?type . <{KASEI}data2.rdf> a ?type . }}"
ASK_G1_G2 = (f"ASK {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
             f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}")
ASK_FULL = (f"ASK {{\n  <{KASEI}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }}\n"
            f"  GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }}\n}}")
ASK_FROM_3 = (f"ASK FROM <{KASEI}data3.rdf> {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
              f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}")
UPDATE_BODY = (b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nDROP ALL ;\nINSERT DATA { GRAPH <" + KASEI.encode()
               + b"data1.rdf> { <" + KASEI.encode() + b"data1.rdf> a foaf:Document } }")

CASES = [
    # --- query operation -------------------------------------------------------------------
    Case("query_post_form", "POST", "?" + dg("data0.rdf"), "true", FORM, b"query=ASK%20%7B%7D"),
    Case("query_dataset_default_graphs_get", "GET", f"?query={q(ASK_1_2)}&{dg('data1.rdf', 'data2.rdf')}", "true"),
    Case("query_dataset_default_graphs_post", "POST", "?" + dg("data1.rdf", "data2.rdf"), "true", QUERY,
         ASK_1_2.encode()),
    Case("query_dataset_named_graphs_post", "POST", "?" + ng("data1.rdf", "data2.rdf"), "true", QUERY,
         ASK_G1_G2.encode()),
    Case("query_dataset_named_graphs_get", "GET", f"?query={q(ASK_G1_G2)}&{ng('data1.rdf', 'data2.rdf')}", "true"),
    Case("query_dataset_full", "POST", f"?{dg('data3.rdf')}&{ng('data1.rdf', 'data2.rdf')}", "true", QUERY,
         ASK_FULL.encode()),
    Case("query_multiple_dataset", "POST", "?" + ng("data1.rdf", "data2.rdf"), "true", QUERY, ASK_FROM_3.encode()),
    Case("query_get", "GET", f"?query=ASK%20%7B%7D&{dg('data0.rdf')}", "true"),
    Case("query_content_type_select", "POST", "?" + dg("data0.rdf"), "tabular", QUERY, b"SELECT (1 AS ?value) {}"),
    Case("query_content_type_ask", "POST", "?" + dg("data0.rdf"), "boolean", QUERY, b"ASK {}"),
    Case("query_content_type_describe", "POST", "?" + dg("data0.rdf"), "RDF", QUERY, b"DESCRIBE <http://example.org/>"),
    Case("query_content_type_construct", "POST", "?" + dg("data0.rdf"), "RDF", QUERY,
         b"CONSTRUCT { <s> <p> 1 } WHERE {}"),
    Case("query_post_direct", "POST", "", "true", QUERY, b"ASK {}"),
    Case("bad_query_method", "PUT", f"?query=ASK%20%7B%7D&{dg('data0.rdf')}", "4xx", FORM),
    Case("bad_multiple_queries", "GET", "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", "4xx"),
    Case("bad_query_wrong_media_type", "POST", "", "4xx", "text/plain", b"ASK {}"),
    Case("bad_query_missing_form_type", "POST", "", "4xx", None, b"query=ASK%20%7B%7D"),
    Case("bad_query_missing_direct_type", "POST", "", "4xx", None, b"ASK {}"),
    Case("bad_query_non_utf8", "POST", "", "4xx", "application/sparql-query; charset=UTF-16",
         "ASK {}".encode("utf-16")),
    Case("bad_query_syntax", "GET", "?query=ASK%20%7B", "4xx"),
    # --- update operation: refused by this read-only endpoint ------------------------------
    Case("update_dataset_default_graph", "POST", f"?using-graph-uri={q(KASEI + 'data1.rdf')}", "read-only",
         UPDATE, UPDATE_BODY),
    Case("update_dataset_default_graphs", "POST",
         f"?using-graph-uri={q(KASEI + 'data1.rdf')}&using-graph-uri={q(KASEI + 'data2.rdf')}", "read-only",
         UPDATE, UPDATE_BODY),
    Case("update_dataset_named_graphs", "POST",
         f"?using-named-graph-uri={q(KASEI + 'data1.rdf')}&using-named-graph-uri={q(KASEI + 'data2.rdf')}",
         "read-only", UPDATE, UPDATE_BODY),
    Case("update_dataset_full", "POST",
         f"?using-graph-uri={q(KASEI + 'data1.rdf')}&using-named-graph-uri={q(KASEI + 'data2.rdf')}",
         "read-only", UPDATE, UPDATE_BODY),
    Case("update_post_form", "POST", "", "read-only", FORM, b"update=CLEAR+ALL"),
    Case("update_post_direct", "POST", "", "read-only", UPDATE, b"CLEAR ALL"),
    Case("update_base_uri", "POST", "", "read-only", UPDATE,
         b"CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\nINSERT DATA { GRAPH "
         b"<http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }"),
    Case("bad_update_get", "GET", "?update=CLEAR%20ALL", "4xx"),
    Case("bad_multiple_updates", "POST", "", "4xx", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    Case("bad_update_wrong_media_type", "POST", "", "4xx", "text/plain", b"CLEAR NAMED"),
    Case("bad_update_missing_form_type", "POST", "", "4xx", None, b"update=CLEAR%20NAMED"),
    Case("bad_update_non_utf8", "POST", "", "4xx", "application/sparql-update; charset=UTF-16",
         "CLEAR NAMED".encode("utf-16")),
    Case("bad_update_syntax", "POST", "", "4xx", FORM, b"update=CLEAR%20XYZ"),
    Case("bad_update_dataset_conflict", "POST", "?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", "4xx",
         UPDATE, b"PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
                 b"DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
                 b"WHERE {\n    ?person foaf:givenName 'Bill'\n}"),
]


def test_the_suite_is_encoded_whole():
    """34 tests in the manifest (20 query, 14 update): none left out, none twice."""
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)) == 34
    assert sum(n.startswith(("query_", "bad_query_", "bad_multiple_queries")) for n in names) == 20


@pytest.fixture(scope="module")
def suite_app(tmp_path_factory):
    """The application over a dataset of the suite's three graphs (data1..3.nt, one triple each)."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig
    from tests.helpers import BASE

    build = tmp_path_factory.mktemp("w3c") / "build"
    build.mkdir()
    lines = [f"<{KASEI}data{i}.rdf> <{RDF_TYPE}> <{FOAF_DOCUMENT}> <{KASEI}data{i}.rdf> .\n" for i in (1, 2, 3)]
    (build / "dataset.nq").write_text("".join(lines), encoding="utf-8")
    (build / "manifest.json").write_text(json.dumps({
        "version": "w3c-protocol", "base": BASE, "files": [],
        "graphs": {f"{KASEI}data{i}.rdf": 1 for i in (1, 2, 3)}}), encoding="utf-8")
    application = create_app(ServerConfig(build_dir=build, workers=1))
    application.testing = True
    yield application
    application.extensions["alliance_kg"].close()


def send(client, case: Case):
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    return client.open("/sparql" + case.path, method=case.method, data=case.body, headers=headers)


def check(response, case: Case) -> None:
    status = response.status_code
    media_type = response.mimetype
    if case.expect == "4xx":
        assert 400 <= status < 500, (case.name, status, response.data[:300])
        return
    if case.expect == "read-only":
        assert status == 403, (case.name, status, response.data[:300])
        return
    assert 200 <= status < 400, (case.name, status, response.data[:500])
    if case.expect in ("true", "boolean"):
        assert media_type in BOOLEAN, (case.name, media_type)
        answer = Result.parse(io.BytesIO(response.data), format=BOOLEAN[media_type]).askAnswer
        assert isinstance(answer, bool)
        if case.expect == "true":
            assert answer is True, case.name
    elif case.expect == "tabular":
        assert media_type in TABULAR, (case.name, media_type)
        rows = list(Result.parse(io.BytesIO(response.data), format=TABULAR[media_type]))
        assert [int(row[0]) for row in rows] == [1]
    elif case.expect == "RDF":
        assert media_type in RDF_TYPES, (case.name, media_type)
        rdflib.Graph().parse(data=response.data, format=RDF_TYPES[media_type])
    else:  # pragma: no cover - a typo in the table above
        raise AssertionError(case.expect)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_w3c_protocol(suite_app, case):
    check(send(suite_app.test_client(), case), case)


def test_relative_iris_resolve_against_the_endpoint(suite_app):
    """query_content_type_construct, checked to the triple: `<s>` is the endpoint's URL resolved."""
    case = next(c for c in CASES if c.name == "query_content_type_construct")
    r = suite_app.test_client().open("/sparql" + case.path, method="POST", data=case.body,
                                     headers={"Content-Type": QUERY, "Accept": "application/n-triples"},
                                     base_url="http://www.example")
    assert r.status_code == 200, r.data
    graph = rdflib.Graph().parse(data=r.data, format="nt")
    assert set(graph) == {(rdflib.URIRef("http://www.example/s"), rdflib.URIRef("http://www.example/p"),
                           rdflib.Literal(1))}
