"""The example-query gallery at /sparql and short links to shared queries (/q/<id>): the text by
content negotiation, the page with the query filled in, and a store that is bounded and never overwrites."""
from __future__ import annotations

import html
import json
import re

import pytest

from alliance_kg.graph.corpus import Corpus
from alliance_kg.server.shared_queries import ID_PATTERN, Conflict, Refused, SharedQueries, normalize, query_id

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
QUERY = "PREFIX ak: <https://w3id.org/alliance-kg/ontology#>\nSELECT ?c WHERE { ?c a ak:Claim } LIMIT 3\n"


@pytest.fixture(scope="module")
def share_app(build_dir, tmp_path_factory):
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    directory = tmp_path_factory.mktemp("shared")
    application = create_app(ServerConfig(build_dir=build_dir, shared_queries=str(directory),
                                          shared_queries_per_minute=6, workers=1))
    yield application, directory
    application.extensions["alliance_kg"].close()


@pytest.fixture()
def web(share_app):
    return share_app[0].test_client()


def corpus_examples() -> list[tuple[str, str]]:
    """(title, text) of each tour query, read from the corpus (not from the server)."""
    out = []
    for path in sorted(Corpus.default().queries_dir.glob("*.rq")):
        first, _, rest = path.read_text(encoding="utf-8").partition("\n")
        out.append((first.removeprefix("# title:").strip(), rest.lstrip("\n")))
    return out


def test_the_gallery_lists_every_example_with_its_short_link(web):
    page = web.get("/sparql", headers={"Accept": BROWSER}).data.decode()
    gallery = re.search(r'<section class="gallery" id="gallery".*?</section>', page, re.DOTALL).group(0)
    listed = re.findall(r'<li><a href="/q/([a-z2-7]+)">([^<]+)</a>', gallery)
    expected = corpus_examples()
    assert [html.unescape(title) for _, title in listed] == [title for title, _ in expected]
    assert [qid for qid, _ in listed] == [query_id(text) for _, text in expected]


@pytest.mark.parametrize("index", range(len(corpus_examples())))
def test_each_example_opens_in_the_form_and_gives_its_text(web, index):
    title, text = corpus_examples()[index]
    qid = query_id(text)
    page = web.get(f"/q/{qid}", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.data.decode()
    form = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', body, re.DOTALL).group(1)
    assert html.unescape(form) == normalize(text)                      # the plain form, no script needed
    tabs = json.loads(re.search(r'<script id="examples" type="application/json">(.*?)</script>', body, re.DOTALL).group(1))
    assert tabs[0]["id"] == qid and tabs[0]["text"] == normalize(text)   # the editor's first tab
    assert html.escape(title, quote=False) in body or html.escape(title) in body
    raw = web.get(f"/q/{qid}", headers={"Accept": "application/sparql-query"})
    assert raw.status_code == 200 and raw.headers["Content-Type"] == "application/sparql-query"
    assert raw.data.decode("utf-8") == normalize(text) and "Accept" in raw.headers["Vary"]
    assert web.get(f"/q/{qid}", headers={"Accept": "text/plain"}).mimetype == "text/plain"


def test_a_form_gets_a_short_link_that_opens_the_query(web, share_app):
    r = web.post("/q", data={"query": QUERY, "format": "json"}, headers={"Accept": BROWSER})
    assert r.status_code == 303
    path = r.headers["Location"].replace("http://localhost", "")
    assert re.fullmatch(r"/q/[a-z2-7]{12}", path) and path == f"/q/{query_id(QUERY)}"
    page = web.get(path, headers={"Accept": BROWSER}).data.decode()
    assert html.unescape(re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1)) == QUERY
    assert "Short link:" in page
    stored = list(share_app[1].rglob("*.rq"))
    assert any(p.read_text(encoding="utf-8") == QUERY for p in stored)


def test_a_script_shares_a_query_and_reads_it_back(web):
    text = QUERY.replace("LIMIT 3", "LIMIT 4")
    first = web.post("/q", data=text.encode(), content_type="application/sparql-query")
    assert first.status_code == 201 and first.mimetype == "application/json"
    answer = json.loads(first.data)
    assert ID_PATTERN.match(answer["id"]) and first.headers["Location"] == answer["url"]
    # the same query, written with CRLF, trailing blanks and blank lines around, is the same link
    again = web.post("/q", data=("\r\n" + text.replace("\n", "  \r\n")).encode(), content_type="application/sparql-query")
    assert again.status_code == 200 and json.loads(again.data)["id"] == answer["id"]
    back = web.get(f"/q/{answer['id']}", headers={"Accept": "application/sparql-query"})
    assert back.data.decode() == text


@pytest.mark.parametrize("body, content_type, status", [
    ("", "application/sparql-query", 400),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "application/sparql-query", 400),
    ("just words", "application/sparql-query", 400),
    ("SELECT * WHERE { ?s ?p ?o }", "text/turtle", 415),
    ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 20_000, "application/sparql-query", 413),
])
def test_what_is_not_a_query_to_keep_is_refused(web, body, content_type, status):
    r = web.post("/q", data=body.encode(), content_type=content_type, headers={"Accept": "application/json"})
    assert r.status_code == status and r.mimetype == "application/problem+json"


@pytest.mark.parametrize("path, status", [("/q/ABCDEFGHIJKL", 400), ("/q/short", 400), ("/q/..%2F..%2Fetc", 404),
                                          ("/q/aaaaaaaaaaaa", 404)])
def test_a_link_that_is_not_one_is_a_problem(web, path, status):
    assert web.get(path, headers={"Accept": "application/json"}).status_code == status


def test_one_address_stores_a_bounded_number_a_minute(web):
    statuses = [web.post("/q", data=f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {n}".encode(),
                         content_type="application/sparql-query", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code
                for n in range(1, 9)]
    assert statuses[:6] == [201] * 6 and statuses[6:] == [429, 429]
    late = web.post("/q", data=b"SELECT * WHERE { ?s ?p ?o } LIMIT 99", content_type="application/sparql-query",
                    environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert late.status_code == 429 and int(late.headers["Retry-After"]) > 0
    # another address is not held up; a query already stored is answered without counting
    assert web.post("/q", data=b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", content_type="application/sparql-query",
                    environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200


def test_the_store_is_bounded_and_never_overwrites(tmp_path):
    store = SharedQueries(tmp_path, max_files=2, max_bytes=10_000, per_minute=100)
    a, new = store.put("SELECT * { ?s ?p ?o }", "x")
    assert new and store.get(a) == "SELECT * { ?s ?p ?o }\n"
    store.put("ASK { ?s ?p ?o }", "x")
    with pytest.raises(Refused) as full:
        store.put("ASK { ?s ?p 1 }", "x")
    assert full.value.status == 507
    # a file already under an id is never replaced: another text for it is a conflict
    text = "SELECT ?x { ?x ?p ?o }"
    path = SharedQueries(tmp_path / "other", 10, 10_000, 100).path(query_id(text))
    path.parent.mkdir(parents=True)
    path.write_text("something else\n", encoding="utf-8")
    with pytest.raises(Conflict):
        SharedQueries(tmp_path / "other", 10, 10_000, 100).put(text, "x")
    assert path.read_text(encoding="utf-8") == "something else\n"
    small = SharedQueries(tmp_path / "small", max_files=10, max_bytes=30, per_minute=100)
    with pytest.raises(Refused):
        small.put("SELECT * WHERE { ?subject ?predicate ?object }", "x")
    with pytest.raises(ValueError):
        small.path("../../etc/pw")
