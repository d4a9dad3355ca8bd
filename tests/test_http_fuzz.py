"""Property-based fuzzing of the HTTP surface: no request, however malformed, gets a 5xx other than 503.

Hypothesis draws methods, paths, Accept and Content-Type values, query fragments and protocol
parameters (well-formed, empty, relative, garbage). The number of examples is bounded and the run
derandomised, so CI runs the same requests every time; raise FUZZ_EXAMPLES locally to search longer.
"""
from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import AK, BASE, ID
from tests.test_sparql_safety import app_with

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "250"))

METHODS = st.one_of(st.sampled_from(["GET", "POST"]),
                    st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]))
# The endpoint is drawn half of the time: it has by far the most to parse.
PATHS = st.one_of(
    st.just("/sparql"),
    st.sampled_from(["/sparql", "/sparql/", "/", "/id/Iran", "/id/Iran.ttl", "/id/nobody", "/claim/x",
                     "/document/000_233c5097a7797f3f", "/graph/actors", "/download/dataset.nq",
                     "/download/../manifest.json", "/downloads", "/ontology", "/ontology.ttl", "/shapes.jsonld",
                     "/.well-known/void", "/id/", "/id/%00", "/id/Iran.xyz", "/q", "/q/aaaaaaaaaaaa", "/q/%00",
                     "/text/000_233c5097a7797f3f", "/text/x", "/id/Iran.html?out=2&in=x", "/claims?page=0"]),
    st.text(alphabet="/abcdefgh.%-_~:?", min_size=1, max_size=30).map(lambda s: "/" + s.lstrip("/")))
MEDIA = st.one_of(st.sampled_from([
    "", "*/*", "text/turtle", "application/sparql-results+json", "text/csv;q=0.5, */*;q=0.1", "text/html",
    "application/ld+json", "application/n-quads", "text/*", "*/json", "application/json;q=abc",
    "application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update",
    "application/sparql-query; charset=UTF-16", "multipart/form-data; boundary=x", "text/plain",
    "application/x-www-form-urlencoded; charset=latin-1", ";;;", "q=1", "text/turtle;q=0"]),
    # any visible ASCII: what a header value can carry on the wire (no CR/LF)
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40))
FRAGMENTS = st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "*", "?s", "?p", "?o", "WHERE", "{", "}", ".", "(", ")",
    "?s ?p ?o", f"<{ID}Iran>", "<s>", "<>", "<http://x y>", "ak:hasProxy", f"PREFIX ak: <{AK}>", "BASE <rel/>",
    "BASE <http://b.example/>", "FROM", "FROM NAMED", f"<{BASE}graph/actors>", "GRAPH ?g", "LIMIT 3",
    "OFFSET -1", "FILTER(?o > 1)", '"x"', '"x"^^<http://www.w3.org/2001/XMLSchema#integer>', "COUNT(*)",
    "AS ?n", "GROUP BY ?s", "ORDER BY ?s", "BIND(1/0 AS ?z)", "VALUES ?s { 1 }", "SERVICE <http://a/>",
    "INSERT DATA", "LOAD <http://a/>", "\u00e9", "\x00", "#", "'''", "geof:distance", "UNION", "OPTIONAL",
    "MINUS", "FILTER NOT EXISTS", "DISTINCT", "REDUCED", "STR(?o)", "LANG(?o)", "YEAR(NOW())"])
WHOLE_QUERIES = st.sampled_from([
    "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "CONSTRUCT WHERE { ?s a ?c } LIMIT 2",
    f"DESCRIBE <{ID}Iran>", "SELECT ?g WHERE { GRAPH ?g {} }", "CONSTRUCT { <s> <p> 1 } WHERE {}",
    f"SELECT * FROM <{BASE}graph/actors> WHERE {{ ?s ?p ?o }} LIMIT 1"])
# Whole queries reach evaluation (where the protocol parameters are used); fragments test the parser.
QUERY = st.one_of(WHOLE_QUERIES, st.lists(FRAGMENTS, min_size=0, max_size=12).map(" ".join))
IRI_VALUES = st.one_of(st.sampled_from(["", " ", "relative", "http://x", f"{BASE}graph/actors", "urn:x",
                                        "http://a b/", "<http://a/>", "_:b", "http://%zz/", "\u00e9://x"]),
                       st.text(max_size=20))
FORMAT_VALUES = st.one_of(st.sampled_from(["json", "xml", "csv", "tsv", "turtle", "n3", "rdf", "rdf+xml",
                                           "json-ld", "text/turtle", "application/ld+json", "", "bogus",
                                           "html", "*/*"]), st.text(max_size=15))

@st.composite
def protocol_parameters(draw) -> list[tuple[str, str]]:
    """A query (most of the time), graph parameters, format overrides and odd extras, shuffled."""
    params = []
    if draw(st.integers(0, 3)):
        params.append(("query", draw(QUERY)))
    params += draw(st.lists(st.tuples(st.sampled_from(["default-graph-uri", "named-graph-uri", "using-graph-uri"]),
                                      IRI_VALUES), max_size=3))
    params += draw(st.lists(st.tuples(st.sampled_from(["format", "output", "results"]), FORMAT_VALUES), max_size=2))
    params += draw(st.lists(st.one_of(
        st.tuples(st.sampled_from(["inferred", "update", "timeout", "callback", "query"]), st.text(max_size=10)),
        st.tuples(st.text(max_size=8), st.text(max_size=8))), max_size=2))
    return draw(st.permutations(params))


CONTENT_TYPES = st.one_of(st.just("application/x-www-form-urlencoded"), st.just("application/sparql-query"), MEDIA)


@pytest.fixture(scope="module")
def fuzz_app(build_dir):
    # A short timeout keeps the run bounded: a drawn query that runs long is a 503, which is allowed.
    with app_with(build_dir, timeout=2, workers=1, max_rows=50) as app:
        app.testing = True
        yield app


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(method=METHODS, path=PATHS, accept=MEDIA, content_type=CONTENT_TYPES, params=protocol_parameters(),
       in_body=st.booleans(), raw_body=st.binary(max_size=60))
def test_no_5xx_but_503(fuzz_app, method, path, accept, content_type, params, in_body, raw_body):
    body = None
    if method in ("POST", "PUT", "PATCH") and content_type.startswith("application/sparql-query"):
        query = next((v for k, v in params if k == "query"), None)   # the query is the body, the rest in the URL
        body = query.encode() if query is not None and in_body else raw_body
        params = [(k, v) for k, v in params if k != "query"]
    elif method in ("POST", "PUT", "PATCH"):
        body = urlencode(params).encode() if in_body else raw_body
        params = [] if in_body else params
    if params:
        path = f"{path}?{urlencode(params)}"
    headers = {"Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    response = fuzz_app.test_client().open(path, method=method, data=body, headers=headers)
    assert response.status_code < 500 or response.status_code == 503, (
        method, path, headers, body, response.status_code, response.data[:400])


# Every malformed protocol parameter is a 400 that names the parameter.
@pytest.mark.parametrize("name, value", [
    ("default-graph-uri", ""), ("default-graph-uri", "relative/path"), ("named-graph-uri", ""),
    ("named-graph-uri", "http://a b/"), ("default-graph-uri", "<http://a/>"), ("inferred", "perhaps")])
def test_malformed_parameter_is_a_400_naming_it(client, name, value):
    r = client.get("/sparql", query_string={"query": "ASK {}", name: value})
    assert r.status_code == 400, r.data
    assert name in json.loads(r.data)["detail"]


# Parse errors are readable: an undeclared prefix is named with its position and the known prefixes.
def test_unknown_prefix_is_named_with_its_position(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ak:hasProxy ?o }"})
    assert r.status_code == 400
    detail = json.loads(r.data)["detail"]
    assert detail.startswith("unknown prefix 'ak:' at line 1, column 21")
    assert f"PREFIX ak: <{AK}>" in detail and f"PREFIX id: <{ID}>" in detail
    assert "expected one of" not in detail


def test_other_syntax_errors_say_line_and_column(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p }"})
    assert r.status_code == 400
    assert json.loads(r.data)["detail"].startswith("syntax error at line 2, column")
