"""Pages for every screen and every crawler: the one response policy (errors by negotiation,
compression, caching), assets under content-hashed names, what crawlers read (meta, robots.txt,
sitemap.xml, the schema.org Dataset), the entity page's size and facts, the ontology page, the plain
query form, and the network picture (parallel ties apart, labels apart, the year control)."""
from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import brotli
import pyoxigraph
import pytest
import rdflib

from tests.helpers import BASE, ID

ENTITY, CLAIM = "/id/Iran.html", "/claim/000_233c5097a7797f3f/iran-allied-iraq.html"
DOCUMENT = "/document/000_233c5097a7797f3f.html"
PAGES = ["/", ENTITY, CLAIM, DOCUMENT, "/sparql", "/downloads", "/shapes.html"]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _select(build_dir, query: str) -> set[str]:
    """One-column answers of a query over the published dump (pyoxigraph: the expectation computed
    from the data itself, not from the server's own queries)."""
    store = pyoxigraph.Store()
    store.bulk_load(path=str(build_dir / "dataset.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    return {row[0].value for row in store.query(query, use_default_graph_as_union=True)}


# --- errors: one policy, by negotiation --------------------------------------------------------

@pytest.mark.parametrize("path, status", [("/id/Nobody", 404), ("/id/Not%20an%20IRI", 400), ("/id/Iran.xyz", 406),
                                          ("/no/such/page", 404), ("/?year=not-a-year", 400)])
def test_errors_are_pages_for_browsers_and_problems_for_programs(client, path, status):
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == status and page.mimetype == "text/html"
    text = page.data.decode()
    assert f"<h1>{status} ·" in text and 'href="/"' in text and 'name="robots" content="noindex"' in text
    problem = client.get(path, headers={"Accept": "application/json"})
    assert problem.status_code == status and problem.mimetype == "application/problem+json"
    body = json.loads(problem.data)
    assert body["status"] == status and body["detail"] in text.replace("&#39;", "'").replace("&#34;", '"')
    assert "Accept" in page.headers["Vary"] and "Accept" in problem.headers["Vary"]


def test_a_406_page_lists_the_documents_there_are(client):
    text = client.get("/id/Iran.xyz", headers={"Accept": BROWSER}).data.decode()
    for extension in (".ttl", ".jsonld", ".nt"):
        assert f'href="/id/Iran{extension}"' in text


def test_method_not_allowed_still_says_what_is_allowed(client):
    r = client.delete("/id/Iran.ttl")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


# --- compression and caching ---------------------------------------------------------------------

@pytest.mark.parametrize("path, headers", [("/", {}), (ENTITY, {}), ("/id/Iran.ttl", {}), ("/sitemap.xml", {}),
                                           ("/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%2050",
                                            {"Accept": "application/sparql-results+json"})])
@pytest.mark.parametrize("coding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_text_responses_are_compressed_by_accept_encoding(client, path, headers, coding, decompress):
    plain = client.get(path, headers=headers)
    packed = client.get(path, headers={**headers, "Accept-Encoding": coding})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == coding
    assert decompress(packed.data) == plain.data and len(packed.data) < len(plain.data)
    for r in (plain, packed):
        assert "Accept-Encoding" in r.headers["Vary"]
    # a compressed representation has its own strong validator, and revalidates to 304
    assert plain.headers["ETag"] != packed.headers["ETag"] and not packed.headers["ETag"].startswith("W/")
    again = client.get(path, headers={**headers, "Accept-Encoding": coding, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == packed.headers["ETag"]


def test_brotli_is_preferred_and_identity_is_honoured(client):
    assert client.get("/", headers={"Accept-Encoding": "gzip, br"}).headers["Content-Encoding"] == "br"
    assert client.get("/", headers={"Accept-Encoding": "br;q=0, gzip"}).headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/", headers={"Accept-Encoding": "identity"}).headers


def test_downloads_keep_their_own_gzip(client, build_dir):
    r = client.get("/download/dataset.ttl", headers={"Accept-Encoding": "gzip, br"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(r.data) == (build_dir / "dataset.ttl").read_bytes()


def _asset_urls(client) -> set[str]:
    found = set()
    for path in PAGES:
        text = client.get(path, headers={"Accept": BROWSER}).data.decode()
        found |= set(re.findall(r'(?:href|src|data-script|data-style)="(/static/[^"]+)"', text))
    return found


def test_assets_have_content_hashed_names_and_are_immutable(client):
    from alliance_kg.server.assets import STATIC

    urls = _asset_urls(client)
    names = {re.sub(r"\.[0-9a-f]{12}(\.[a-z]+)$", r"\1", u[len("/static/"):]) for u in urls}
    assert {"style.css", "favicon.svg", "query.js", "network.js"} <= names
    for url in urls:
        match = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})(\.[a-z]+)", url)
        assert match, f"{url} has no content hash in its name"
        data = (STATIC / (match.group(1) + match.group(3))).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:12] == match.group(2)
        r = client.get(url)
        assert r.status_code == 200 and r.data == data
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/style.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    stale = client.get("/static/style.000000000000.css")
    assert stale.status_code == 302 and re.fullmatch(r"/static/style\.[0-9a-f]{12}\.css", stale.headers["Location"])
    assert client.get("/static/nothing.css").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_a_large_asset_is_compressed_once(client, app):
    url = next(u for u in _asset_urls(client) if "yasgui.min" in u and u.endswith(".js"))
    first = client.get(url, headers={"Accept-Encoding": "br"})
    second = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br" and first.data == second.data
    assert any(key.endswith(url) for key in app.extensions["compress"].cache._store)


# --- what crawlers read ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES + ["/ontology.html"])
def test_every_page_has_a_description_a_canonical_link_an_icon_and_a_language(client, path):
    text = client.get(path, headers={"Accept": BROWSER}).data.decode()
    assert '<html lang="en">' in text and 'name="viewport"' in text
    description = re.search(r'<meta name="description" content="([^"]+)">', text)
    assert description and 50 <= len(description.group(1)) <= 300
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', text).group(1)
    svg = client.get(icon)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    ET.fromstring(svg.data)   # well-formed
    if path != "/ontology.html":
        assert f'<link rel="canonical" href="http://localhost{path}">' in text


def test_favicon_ico_leads_to_the_svg(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.headers["Location"].endswith(".svg")


def test_robots_txt_points_at_the_sitemap(client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    lines = r.data.decode().splitlines()
    assert "User-agent: *" in lines and "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Disallow: /sparql?" in lines


def test_sitemap_lists_every_entity_claim_and_document_page(client, build_dir):
    r = client.get("/sitemap.xml")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(r.data)
    locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    assert all(u.find("s:lastmod", ns).text for u in root.findall("s:url", ns)) and len(locs) == len(set(locs))
    # the expectation, from the published data itself
    ak = BASE + "ontology#"
    claims = _select(build_dir, f"SELECT ?x WHERE {{ ?x a <{ak}Claim> }}")
    documents = _select(build_dir, f"SELECT ?x WHERE {{ ?x a <{ak}SourceDocument> }}")
    entities = _select(build_dir, "SELECT ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                                  f'FILTER(STRSTARTS(STR(?x), "{ID}")) }}')
    expected = {"http://localhost/" + iri[len(BASE):] + ".html" for iri in claims | documents | entities}
    assert expected <= set(locs) and "http://localhost/" in locs
    for loc in sorted(expected)[::15] + ["http://localhost/"]:
        assert client.get(loc[len("http://localhost"):], headers={"Accept": BROWSER}).status_code == 200, loc


def test_home_page_describes_the_dataset_for_dataset_search(client, build_dir):
    text = client.get("/").data.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL).group(1)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org/" and data["@type"] == "Dataset"
    assert data["name"] and len(data["description"]) >= 50
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["@type"] == "Organization" and data["creator"]["name"]
    assert re.match(r"\d{4}-\d\d-\d\dT", data["dateModified"])
    manifest = json.loads((build_dir / "manifest.json").read_text())
    dumps = {f["name"]: f for f in manifest["files"] if f["name"].startswith("dataset.")}
    got = {d["name"]: d for d in data["distribution"]}
    assert set(got) == set(dumps)
    for name, d in got.items():
        assert d["@type"] == "DataDownload" and d["encodingFormat"] == dumps[name]["media_type"]
        assert d["sha256"] == dumps[name]["sha256"] and d["contentUrl"] == f"http://localhost/download/{name}"
        assert client.get(d["contentUrl"][len("http://localhost"):]).status_code == 200


# --- the entity page ------------------------------------------------------------------------------

def list_pages(client, path: str, section: str) -> list[str]:
    """The HTML of one list of an entity page (its <section id=…>) on every page, by its `next` links."""
    out = []
    while path:
        text = client.get(path).data.decode()
        part = re.search(rf'<section class="[^"]*" id="{section}">(.*?)</section>', text, re.DOTALL).group(1)
        out.append(part)
        following = re.search(r'<a rel="next" href="([^"]+)"', part)
        path = following.group(1).replace("&amp;", "&").split("#")[0] if following else None
    return out


# Bytes an entity page may take besides its lists (header, network picture, JSON-LD, sources), and per
# item of a list at most on average (a claim with its quote and citation, an inferred fact, a pair link):
# a page's size follows from the page size, however many claims the corpus holds about the actor.
PAGE_FIXED_BYTES, CLAIM_BYTES, FACT_BYTES, PAIR_BYTES = 40_000, 1_500, 400, 120


def test_entity_page_size_follows_from_the_page_size(app, client):
    size = app.extensions["alliance_kg"].config.entity_page_size
    r = client.get(ENTITY)
    text = r.data.decode()
    assert text.count('<li class="claim') <= 2 * size and text.count('<li class="inferred-fact') <= size
    assert len(r.data) <= PAGE_FIXED_BYTES + size * (2 * CLAIM_BYTES + FACT_BYTES + PAIR_BYTES)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL).group(1)
    data = json.loads(block)
    assert isinstance(data["@context"], dict) and data["@id"] in ("id:Iran", ID + "Iran")
    g = rdflib.Graph().parse(data=block, format="json-ld")
    assert (rdflib.URIRef(ID + "Iran"), rdflib.RDFS.label, rdflib.Literal("Iran", lang="en")) in g
    assert '<link rel="alternate" type="application/ld+json" href="/id/Iran.jsonld">' in text


@pytest.fixture(scope="module")
def small_pages(build_dir):
    """The app with entity pages of 4 items per list, so that the seeds' actors need several pages."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    application = create_app(ServerConfig(build_dir=build_dir, entity_page_size=4, workers=1))
    yield application.test_client()
    application.extensions["alliance_kg"].close()


@pytest.mark.parametrize("actor", ["Iran", "Hezbollah", "Iraq"])
def test_entity_pages_page_through_every_claim_once_with_counts_per_relation(small_pages, build_dir, actor):
    iri = ID + actor
    ak = "https://w3id.org/alliance-kg/ontology#"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    store = pyoxigraph.Store()
    store.bulk_load(path=str(build_dir / "dataset.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    for section, facet, pattern in (("outgoing", "subject", f"?c <{rdf}subject> <{iri}>"),
                                    ("incoming", "object", f"?c <{rdf}object> <{iri}> FILTER NOT EXISTS {{ ?c <{rdf}subject> <{iri}> }}")):
        rows = list(store.query(f"SELECT DISTINCT ?c ?p WHERE {{ ?c a <{ak}Claim> ; <{rdf}predicate> ?p . {pattern} }}",
                                use_default_graph_as_union=True))
        expected = {r["c"].value[len(BASE):] for r in rows}
        pages = list_pages(small_pages, f"/id/{actor}.html", section)
        seen = [href[1:-len(".html")] for part in pages for href in re.findall(r'<a class="relation" href="([^"]+)"', part)]
        assert all(part.count('<li class="claim') <= 4 for part in pages)
        assert len(seen) == len(set(seen)) and set(seen) == expected, section
        assert len(pages) == max(1, -(-len(expected) // 4))
        per_relation: dict[str, int] = {}
        for r in rows:
            per_relation[r["p"].value] = per_relation.get(r["p"].value, 0) + 1
        links = re.findall(rf'<a href="/claims\?relation=([^"&]+)&amp;{facet}={actor}">[^<]+</a>&nbsp;\((\d+)\)', pages[0])
        keys = {unquote(key): int(n) for key, n in links}
        assert {(ak + key if ":" not in key else key): n for key, n in keys.items()} == \
            {(p if p.startswith(ak) else "org:" + p.rsplit("#", 1)[1]): n for p, n in per_relation.items()}
        if expected:
            assert f'<a href="/claims?{facet}={actor}">All {len(expected)} in the claims browser</a>' in pages[0]


def test_a_list_of_claims_shows_each_claims_first_quote_and_folds_the_rest(client, build_dir):
    """Every quote of every listed claim is on the page; beyond the first, they are in a <details> that
    says how many (read without script), so a list of claims stays scannable."""
    import html

    oa, ak = "http://www.w3.org/ns/oa#", "https://w3id.org/alliance-kg/ontology#"
    store = pyoxigraph.Store()
    store.bulk_load(path=str(build_dir / "dataset.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    quotes: dict[str, set[str]] = {}
    for r in store.query(f"SELECT ?c ?exact WHERE {{ ?c <{ak}evidence>/<{oa}hasTarget>/<{oa}hasSelector>/<{oa}exact> ?exact }}",
                         use_default_graph_as_union=True):
        quotes.setdefault(r["c"].value[len(BASE):], set()).add(r["exact"].value)
    page = client.get("/id/Iran.html").get_data(as_text=True)
    items = re.findall(r'<li class="claim[^"]*">(.*?)</ul>(?:\s*<details class="more-evidence"><summary>(\d+) more quotes?'
                       r'</summary>(.*?)</details>)?\s*</li>', page, re.DOTALL)
    assert items
    folded = 0
    for shown, more, hidden in items:
        claim = re.search(r'<a class="relation" href="/([^"]+)\.html"', shown).group(1)
        first = {html.unescape(q) for q in re.findall(r"<blockquote><a [^>]*>“(.*?)”</a></blockquote>", shown)}
        rest = {html.unescape(q) for q in re.findall(r"<blockquote><a [^>]*>“(.*?)”</a></blockquote>", hidden)}
        assert len(first) == 1 and first | rest == quotes[claim], claim
        assert int(more or 0) == len(rest) == len(quotes[claim]) - 1
        folded += bool(rest)
    assert folded   # Iran has claims with several quotes


@pytest.mark.parametrize("graph", ["inferred", "actors"])
def test_a_named_graph_page_counts_its_triples_and_shows_at_most_its_share(client, build_dir, graph, monkeypatch):
    from alliance_kg.server.views import resources

    name = BASE + "graph/" + graph
    triples = {(q.subject, q.predicate, q.object) for q in pyoxigraph.parse(path=str(build_dir / "dataset.nq"),
                                                                              format=pyoxigraph.RdfFormat.N_QUADS)
               if q.graph_name == pyoxigraph.NamedNode(name)}
    page = client.get(f"/graph/{graph}.html").get_data(as_text=True)
    assert f"<p>{len(triples)} triples." in page
    assert ("of them are shown" in page) == (len(triples) > resources.GRAPH_PAGE_TRIPLES)
    monkeypatch.setattr(resources, "GRAPH_PAGE_TRIPLES", 10)
    page = client.get(f"/graph/{graph}.html?again").get_data(as_text=True)
    assert f"<p>{len(triples)} triples. 10 of them are shown" in page
    shown = pyoxigraph.parse(re.search(r'<pre class="turtle"[^>]*>(.*?)</pre>', page, re.DOTALL).group(1)
                             .replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&quot;", '"')
                             .replace("&#39;", "'").replace("&amp;", "&"), format=pyoxigraph.RdfFormat.TURTLE)
    shown = {(t.subject, t.predicate, t.object) for t in shown}
    assert len(shown) == 10 and shown <= triples


def test_entity_page_asks_for_pages_that_exist(small_pages):
    assert small_pages.get("/id/Iran.html?out=0", headers={"Accept": "application/json"}).status_code == 400
    assert small_pages.get("/id/Iran.html?in=x", headers={"Accept": "application/json"}).status_code == 400
    assert small_pages.get("/id/Iran.html?inferred=999", headers={"Accept": "application/json"}).status_code == 404
    first, second = small_pages.get("/id/Iran.html"), small_pages.get("/id/Iran.html?out=2")
    assert first.status_code == second.status_code == 200 and first.headers["ETag"] != second.headers["ETag"]


def test_entity_page_inferred_facts_have_words_and_no_duplicates(small_pages):
    facts = [f for part in list_pages(small_pages, ENTITY, "inferred")
             for f in re.findall(r'<li class="inferred-fact">(.*?)</li>', part, re.DOTALL)]
    assert facts
    sentences = [re.sub(r"<[^>]+>", "", f).rsplit(" ", 1)[0].strip() for f in facts]
    assert len(sentences) == len(set(sentences)), "an inferred fact is listed twice"
    assert not any("http://" in s or "https://" in s for s in sentences), "a raw IRI among inferred facts"
    assert "Iran is a actor" in sentences or "Iran is a state" in sentences or any(s.startswith("Iran is a ") for s in sentences)
    assert "CRINK has member Iran" in sentences


def test_document_page_hash_can_wrap(client):
    text = client.get(DOCUMENT).data.decode()
    assert re.search(r"<dd><code>[0-9a-f]{64}</code></dd>", text)
    css = client.get("/static/style.css").data.decode()
    assert "dl.facts dd code" in css and "break-all" in css


# --- a document's stored text: its dcterms:source ---------------------------------------------------

def test_each_document_source_is_an_iri_that_gives_the_exact_bytes(client, build_dir):
    from alliance_kg.graph.corpus import Corpus
    from alliance_kg.graph.curation import load_documents

    corpus = Corpus.default()
    records = {r.id: r for r in load_documents(corpus.documents_file)}
    store = pyoxigraph.Store()
    store.bulk_load(path=str(build_dir / "dataset.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    rows = list(store.query("SELECT ?doc ?id ?source ?sha WHERE { ?doc <http://purl.org/dc/terms/identifier> ?id ; "
                            "<http://purl.org/dc/terms/source> ?source ; <http://spdx.org/rdf/terms#checksum>/"
                            "<http://spdx.org/rdf/terms#checksumValue> ?sha }", use_default_graph_as_union=True))
    assert {r["id"].value for r in rows} == set(records)
    for r in rows:
        source = r["source"]
        assert isinstance(source, pyoxigraph.NamedNode) and source.value.startswith(BASE)
        assert re.match(r"^[a-z][a-z0-9+.-]*://", source.value), "dcterms:source must be an absolute IRI"
        got = client.get("/" + source.value[len(BASE):])
        assert got.status_code == 200 and got.headers["Content-Type"] == "text/plain; charset=utf-8"
        record = records[r["id"].value]
        digest = hashlib.sha256(got.data).hexdigest()
        assert digest == r["sha"].value == record.sha256
        assert got.data == (corpus.documents_dir / record.file).read_bytes()
        assert client.get("/" + source.value[len(BASE):], headers={"If-None-Match": got.headers["ETag"]}).status_code == 304
        assert f'href="/{source.value[len(BASE):]}"' in client.get(f"/document/{r['id'].value}.html").data.decode()


def test_evidence_offsets_count_into_the_served_text(client, build_dir):
    store = pyoxigraph.Store()
    store.bulk_load(path=str(build_dir / "dataset.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    oa = "http://www.w3.org/ns/oa#"
    rows = list(store.query(f"SELECT ?source ?exact ?start ?end WHERE {{ ?t <{oa}hasSource> ?doc ; <{oa}hasSelector> ?q, ?p . "
                            f"?q <{oa}exact> ?exact . ?p <{oa}start> ?start ; <{oa}end> ?end . "
                            "?doc <http://purl.org/dc/terms/source> ?source }", use_default_graph_as_union=True))
    assert rows
    texts: dict[str, str] = {}
    for r in rows:
        path = "/" + r["source"].value[len(BASE):]
        text = texts.setdefault(path, client.get(path).data.decode("utf-8"))
        assert text[int(r["start"].value):int(r["end"].value)] == r["exact"].value


@pytest.mark.parametrize("path, status", [("/text/nothing_here", 404), ("/text/not%20a%20name", 400)])
def test_a_text_that_is_not_there_is_a_problem(client, path, status):
    assert client.get(path, headers={"Accept": "application/json"}).status_code == status


# --- the ontology page and the query page ---------------------------------------------------------

def test_ontology_page_is_one_of_the_site(client):
    text = client.get("/ontology.html").data.decode()
    assert re.search(r"<title>alliance-kg ontology · alliance-kg</title>", text)
    assert re.findall(r"<h1>(.*?)</h1>", text) == ["alliance-kg ontology"]
    assert '<html lang="en">' in text and 'name="viewport"' in text
    assert '<a class="brand" href="/">' in text and 'href="/static/style.css"' in text
    assert client.get("/static/style.css").status_code == 200


def test_query_page_has_a_labelled_form_without_script(client):
    text = client.get("/sparql", headers={"Accept": BROWSER}).data.decode()
    assert "<noscript>" not in text
    form = re.search(r'<form method="post" action="/sparql" class="plain-query".*?</form>', text, re.DOTALL).group(0)
    for control in re.findall(r"<(?:textarea|select)[^>]*\bid=\"([^\"]+)\"", form):
        assert f'<label for="{control}">' in form
    assert 'name="query"' in form and 'type="submit"' in form or "<button" in form


def test_the_plain_form_runs_a_query(client):
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }", "format": "json"})
    assert r.status_code == 200 and json.loads(r.data)["boolean"] is True


# --- the network picture --------------------------------------------------------------------------

def _edges(svg: str) -> list[tuple[str, str]]:
    """(path data, tooltip) of every tie drawn."""
    return re.findall(r'<path class="edge [a-z ]+" d="([^"]+)"[^>]*><title>([^<]*)</title>', svg)


def _svg(text: str) -> str:
    return re.search(r"<svg.*?</svg>", text, re.DOTALL).group(0)


@pytest.mark.parametrize("path", ["/", ENTITY])
def test_parallel_ties_are_drawn_apart(client, path):
    edges = _edges(_svg(client.get(path).data.decode()))
    assert edges
    paths = [d for d, _ in edges]
    assert len(paths) == len(set(paths)), "two ties drawn on the same line"
    between = [d for d, title in edges if re.match(r"(Iran [→–] Iraq|Iraq [→–] Iran) ", title)]
    # several ties between Iran and Iraq: at most the middle one straight, the others bowed apart
    assert len(between) >= 3 and sum("Q" not in d for d in between) <= 1


@pytest.mark.parametrize("path", ["/", ENTITY])
def test_labels_do_not_collide(client, path):
    from alliance_kg.server.network.svg import CHAR_WIDTH, LABEL_SIZE

    svg = _svg(client.get(path).data.decode())
    boxes = []
    nodes = svg[svg.index('<g class="nodes">'):svg.index('<g class="legend"')]
    for x, y, cls, label in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"(?: class="([a-z]+)")?>([^<]*)</text>', nodes):
        w = len(label.replace("&#39;", "'").replace("&amp;", "&")) * CHAR_WIDTH
        x, y = float(x), float(y)
        left = x - w / 2 if not cls.strip() else (x if cls.strip() == "start" else x - w)
        boxes.append((label, left, y - LABEL_SIZE + 2, left + w, y + 2))
    assert len(boxes) > 10
    for a, b in itertools.combinations(boxes, 2):
        overlap = min(a[3], b[3]) - max(a[1], b[1]) > 0.5 and min(a[4], b[4]) - max(a[2], b[2]) > 0.5
        assert not overlap, f"labels {a[0]!r} and {b[0]!r} overlap"


def test_network_is_a_group_of_links_not_an_image(client):
    for path in ("/", ENTITY):
        svg = _svg(client.get(path).data.decode())
        assert 'role="img"' not in svg and 'role="group"' in svg and "aria-labelledby" in svg
        assert '<a href="/id/' in svg


def test_the_network_in_a_year_follows_the_claims_intervals(client):
    def ties(year: int) -> set[str]:
        return {title for _, title in _edges(_svg(client.get(f"/?year={year}").data.decode()))}

    in_1985, in_2010 = ties(1985), ties(2010)
    assert "Iran – Iraq (hostility)" in in_1985 and "Iran – Iraq (alliance)" not in in_1985
    assert "Government of Iraq – Iran (alliance)" in in_2010 and "Iran – Iraq (hostility)" not in in_2010
    every = {title for _, title in _edges(_svg(client.get("/").data.decode()))}
    assert in_1985 < every and in_2010 < every
    page = client.get("/id/Iran.html?year=1985").data.decode()
    assert 'name="year"' in page and 'value="1985"' in page
    assert "Iran – Iraq (hostility)" in page and "Iran – Iraq (alliance)" not in _svg(page)
    assert client.get("/?year=1200").status_code == 400
