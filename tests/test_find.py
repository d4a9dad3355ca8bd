"""Find, compare and cite (issue 13): the search index and box, pair pages, the claims browser, its
downloads and evidence packs, and the JSON API with its OpenAPI description.

Expectations are computed from the curated data (graph/data/actors.yaml, claims/*.yaml) and the
ontology, or by running SPARQL over the build; no count of the seed corpus is written here.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
import zipfile
from collections import Counter
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import rdflib
import yaml

from alliance_kg.graph.corpus import REPOSITORY_CORPUS, Corpus
from alliance_kg.graph.search_index import FILE_NAME, match_expression
from alliance_kg.graph.vocabulary import relations
from tests.helpers import BASE, ID, published_dir

CLAIM = BASE + "claim/"


# --- the curated data, as the tests read it ------------------------------------------------------

@pytest.fixture(scope="module")
def curated():
    corpus = Corpus.open(REPOSITORY_CORPUS)
    actors = yaml.safe_load(corpus.actors_file.read_text(encoding="utf-8"))["actors"]
    claims = []
    for path in sorted(corpus.claims_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in data["claims"]:
            time = c.get("time") or {}
            claims.append({**c, "document": data["document"], "iri": f"{CLAIM}{data['document']}/{c['id']}",
                           "modality": c.get("modality", "asserted"), "polarity": c.get("polarity", "affirmed"),
                           "object": str(c["object"]), "dated": bool(time), "begin": time.get("start"),
                           "end": time.get("end")})
    return {"actors": actors, "claims": claims, "ids": {a["id"] for a in actors}}


def tie_of(relation: str) -> str:
    found = relations().get(relation)
    return found.tie if found else "other"


def api(client, path: str, **params):
    response = client.get(path + ("?" + urlencode(params, doseq=True) if params else ""))
    assert response.status_code == 200, response.data[:500]
    assert response.content_type.startswith("application/json")
    return response.get_json()


# --- the index, as the build writes it -------------------------------------------------------------

def test_the_build_writes_the_search_index_and_lists_it(build_dir, curated):
    published = published_dir(build_dir)
    manifest = json.loads((published / "manifest.json").read_text())
    listed = {f["name"]: f for f in manifest["files"]}
    assert listed[FILE_NAME]["media_type"] == "application/vnd.sqlite3"
    db = sqlite3.connect(f"file:{published / FILE_NAME}?mode=ro", uri=True)
    names = {(iri, name) for iri, name in db.execute("SELECT iri, name FROM names")}
    for actor in curated["actors"]:
        for name in [actor["label"], *actor.get("altLabels", [])]:
            assert (ID + actor["id"], name) in names
    quotes = {(claim, quote) for claim, quote in db.execute(
        "SELECT e.claim, p.quote FROM evidence e JOIN passages p ON p.rowid = e.passage")}
    expected = {(c["iri"], e["quote"]) for c in curated["claims"] for e in c["evidence"]}
    assert quotes == expected


@pytest.mark.parametrize("typed, expected", [
    ("iran", '"iran"'), ('"close allies" iraq', '"close allies" "iraq"'), ("NEAR(a b) OR c*", '"NEAR a" "b" "OR" "c"'),
    ('"', None), ("  ", None), ("Hez", '"Hez"')])
def test_what_is_typed_becomes_a_safe_fts5_query(typed, expected):
    assert match_expression(typed) == expected


# --- autocomplete and search ----------------------------------------------------------------------

def test_autocomplete_finds_every_actor_by_every_name_as_typed(client, curated):
    for actor in curated["actors"]:
        for name in [actor["label"], *actor.get("altLabels", [])]:
            found = api(client, "/api/autocomplete", q=name)["actors"]
            assert ID + actor["id"] in [a["iri"] for a in found], (name, found)
            hit = next(a for a in found if a["iri"] == ID + actor["id"])
            assert hit["label"] == actor["label"] and hit["page"] == f"/id/{actor['id']}.html"


def test_autocomplete_completes_the_last_word_and_lists_an_actor_once(client, curated):
    actor = next(a for a in curated["actors"] if len(a["label"]) >= 6 and a.get("altLabels"))
    found = api(client, "/api/autocomplete", q=actor["label"][:4])["actors"]
    iris = [a["iri"] for a in found]
    assert ID + actor["id"] in iris
    assert len(iris) == len(set(iris))
    assert api(client, "/api/autocomplete", q="")["actors"] == []


def test_full_text_search_finds_every_quote_and_its_claims(client, curated):
    claims_of: dict[str, set[str]] = {}
    for c in curated["claims"]:
        for e in c["evidence"]:
            claims_of.setdefault(e["quote"], set()).add(c["iri"])
    for quote, claims in claims_of.items():
        words = re.findall(r"\w+", quote)
        found = api(client, "/api/search", q='"' + " ".join(words) + '"')
        passages = [p for p in found["passages"] if p["quote"] == quote]
        assert passages, quote
        assert {c["claim"] for p in passages for c in p["claims"]} >= claims
        assert found["total"] >= 1


def test_matches_are_highlighted_in_the_quote(client, curated):
    word = "allies"
    expected = sum(1 for q in {e["quote"] for c in curated["claims"] for e in c["evidence"]}
                   if re.search(rf"\b{word}\b", q, re.IGNORECASE))
    found = api(client, "/api/search", q=word)
    assert found["total"] >= expected > 0
    for p in found["passages"]:
        assert p["matches"], p
        for start, end in p["matches"]:
            assert p["quote"][start:end].lower().startswith("all")   # "allies", stemmed: "ally", "allied"
    page = client.get("/search?" + urlencode({"q": word}))
    assert page.status_code == 200
    assert re.search(r"<mark>allies</mark>", page.get_data(as_text=True), re.IGNORECASE)


def test_search_pages_through_all_passages(client):
    first = api(client, "/api/search", q="Iran")
    total, size = first["total"], first["page_size"]
    seen = []
    for page in range(1, (total + size - 1) // size + 1):
        seen += [(p["document"], p["start"], p["end"]) for p in api(client, "/api/search", q="Iran", page=page)["passages"]]
    assert len(seen) == total == len(set(seen))


@pytest.mark.parametrize("q", ['NEAR("', "a OR", "*", '"unbalanced', "col:umn", "^x", "AND AND", "\x00"])
def test_search_input_never_breaks_the_index(client, q):
    for path in ("/search", "/api/search", "/api/autocomplete"):
        response = client.get(path + "?" + urlencode({"q": q}))
        assert response.status_code == 200, (path, q, response.data[:300])


def test_search_refuses_what_is_not_a_search(client):
    limit = client.application.extensions["alliance_kg"].config.max_search_length
    assert client.get("/api/search?q=" + "a" * (limit + 1)).status_code == 400
    assert client.get("/api/autocomplete?q=" + "a" * (limit + 1)).status_code == 400
    assert client.get("/api/search?q=").status_code == 400
    assert client.get("/api/search?q=iran&page=0").status_code == 400
    assert client.get("/search?q=iran&page=x").content_type == "application/problem+json; charset=utf-8"


def test_every_page_has_the_search_box(client):
    for path in ("/", "/id/Iran.html", "/claims", "/search"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r'<form class="site-search" action="/search" method="get"', html), path


# --- the pair page -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def busiest_pair(curated):
    counts = Counter(frozenset((c["subject"], c["object"])) for c in curated["claims"]
                     if c["object"] in curated["ids"] and c["subject"] != c["object"])
    return sorted(max(counts, key=counts.get))


def between(curated, a, b):
    return [c for c in curated["claims"] if {c["subject"], c["object"]} == {a, b} and a != b]


def test_the_pair_api_has_every_claim_between_the_two_dated_apart(client, curated, busiest_pair):
    a, b = busiest_pair
    expected = between(curated, a, b)
    found = api(client, f"/api/pair/{a}/{b}")
    assert {r["iri"] for r in found["dated"]} == {c["iri"] for c in expected if c["dated"]}
    assert {r["iri"] for r in found["undated"]} == {c["iri"] for c in expected if not c["dated"]}
    begins = [r["begin"] if r["begin"] is not None else -10**6 for r in found["dated"]]
    assert begins == sorted(begins)
    assert api(client, f"/api/pair/{b}/{a}")["dated"] == found["dated"]


def test_the_pair_counts_independent_documents_for_and_against(client, curated, busiest_pair):
    a, b = busiest_pair
    found = api(client, f"/api/pair/{a}/{b}")
    for tally in found["relations"]:
        relation = tally["relation_key"]
        symmetric = relations()[relation].symmetric if relation in relations() else False
        mine = [c for c in between(curated, a, b) if c["relation"] == relation and
                (symmetric or tally["subject_label"] == next(x["label"] for x in curated["actors"] if x["id"] == c["subject"]))]
        supporting = {c["document"] for c in mine if c["polarity"] == "affirmed"}
        denying = {c["document"] for c in mine if c["polarity"] == "negated"}
        assert tally["supporting_documents"] == sorted(f"{BASE}document/{d}" for d in supporting)
        assert tally["denying_documents"] == sorted(f"{BASE}document/{d}" for d in denying)
        assert tally["claims"] == len(mine)
        assert tally["hedged_claims"] == sum(c["modality"] == "hedged" for c in mine)
    assert sum(t["claims"] for t in found["relations"]) == len(between(curated, a, b))


def test_the_pair_page_draws_the_time_axis_and_marks_each_claim(client, curated, busiest_pair):
    a, b = busiest_pair
    expected = between(curated, a, b)
    html = client.get(f"/pair/{a}/{b}").get_data(as_text=True)
    assert html.count('class="axis-bar') == sum(c["dated"] for c in expected)
    for c in expected:
        assert f'href="/claim/{c["document"]}/{c["id"]}.html"' in html
    if any(c["polarity"] == "negated" for c in expected):
        assert 'class="badge denied"' in html
    if any(c["modality"] == "hedged" for c in expected):
        assert 'class="badge hedged"' in html
    assert 'class="badge asserted"' in html
    assert html.count('<li class="dated">') == sum(c["dated"] for c in expected)


def test_entity_pages_link_to_their_pairs(client, busiest_pair):
    a, b = busiest_pair
    assert f'href="/pair/{a}/{b}"' in client.get(f"/id/{a}.html").get_data(as_text=True)


@pytest.mark.parametrize("path, status", [("/pair/Iran/Nobody_Here", 404), ("/pair/Iran/Iran", 400),
                                          ("/api/pair/Iran/no%20such", 400), ("/pair/Iran/Nobody_Here/evidence.zip", 404)])
def test_a_bad_pair_is_a_problem(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.content_type.startswith("application/problem+json")


# --- the claims browser ----------------------------------------------------------------------------

def expected_selection(curated, **chosen):
    def accepts(c):
        values = {"tie": tie_of(c["relation"]), "relation": c["relation"], "subject": c["subject"],
                  "object": c["object"], "modality": c["modality"], "polarity": c["polarity"], "document": c["document"]}
        return all(values[k] in v for k, v in chosen.items())
    return {c["iri"] for c in curated["claims"] if accepts(c)}


def all_pages(client, path="/api/claims", **params):
    first = api(client, path, **params)
    iris = [r["iri"] for r in first["claims"]]
    for page in range(2, first["pages"] + 1):
        iris += [r["iri"] for r in api(client, path, page=page, **params)["claims"]]
    assert len(iris) == len(set(iris)) == first["total"]
    return first, set(iris)


STATES = [dict(), dict(tie=["hostile"]), dict(tie=["cooperative"], polarity=["negated"]),
          dict(subject=["Iran"], modality=["hedged"]), dict(tie=["hostile", "other"], object=["Israel", "United_States"]),
          dict(relation=["alliedWith", "supports"], document=["000_233c5097a7797f3f"])]


@pytest.mark.parametrize("state", STATES)
def test_facets_select_what_the_curated_data_says(client, curated, state):
    _, iris = all_pages(client, **state)
    assert iris == expected_selection(curated, **state)


@pytest.mark.parametrize("state", STATES[1:4])
def test_facet_counts_are_what_choosing_a_value_would_give(client, curated, state):
    found = api(client, "/api/claims", **state)
    for name, values in found["facets"].items():
        for v in values[:4]:
            changed = {**state, name: sorted(set(state.get(name, [])) ^ {v["value"]})}
            changed = {k: x for k, x in changed.items() if x}
            if not v["chosen"]:
                assert v["count"] == len(expected_selection(curated, **{**state, name: [v["value"]]})), (name, v)
            assert 'href="/claims' in client.get("/claims?" + urlencode(changed, doseq=True)).get_data(as_text=True)


def test_the_period_keeps_claims_whose_interval_meets_it(client, curated):
    start, stop = 2000, 2010

    def meets(c):
        return c["dated"] and (c["end"] is None or c["end"] >= start) and (c["begin"] is None or c["begin"] <= stop)

    _, iris = all_pages(client, **{"from": start, "to": stop})
    assert iris == {c["iri"] for c in curated["claims"] if meets(c)}
    _, with_undated = all_pages(client, **{"from": start, "to": stop, "undated": "1"})
    assert with_undated == iris | {c["iri"] for c in curated["claims"] if not c["dated"]}
    assert client.get("/claims?from=soon").status_code == 400


@pytest.mark.parametrize("state", STATES + [{"from": "1990", "to": "2005"}, {"to": "1999", "undated": "1"}])
def test_the_stated_sparql_selects_the_same_claims(client, build_dir, state):
    found = api(client, "/api/claims", **state)
    store = ox.Store()
    store.bulk_load(path=str(published_dir(build_dir) / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    inferred = ox.NamedNode(BASE + "graph/inferred")
    asserted = [g for g in store.named_graphs() if g != inferred]
    rows = store.query(found["sparql"], default_graph=asserted)
    _, iris = all_pages(client, **state)
    assert {r["claim"].value for r in rows} == iris


def test_every_facet_state_is_a_url_and_pages_link_on(client, curated):
    html = client.get("/claims?tie=hostile").get_data(as_text=True)
    assert 'href="/claims"' in html                             # clear
    assert 'href="/claims?tie=cooperative&amp;tie=hostile"' in html   # add a value
    total = len(expected_selection(curated, tie=["hostile"]))
    if total > 25:
        assert 'rel="next" href="/claims?tie=hostile&amp;page=2"' in html
    assert client.get("/claims?page=999").status_code == 404


def test_downloads_hold_the_selection(client, curated):
    state = {"subject": ["Iran"], "tie": ["cooperative"]}
    expected = expected_selection(curated, **state)
    query = urlencode(state, doseq=True)
    response = client.get("/claims.csv?" + query)
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.data.count(b"\r\n") == len(expected) + 1
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["claim"] for r in rows} == expected
    response = client.get("/claims.jsonld?" + query)
    assert response.content_type.startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=response.data, format="json-ld")
    claims = {str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(BASE + "ontology#Claim"))}
    assert claims == expected
    quotes = {str(q) for q in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#exact"))}
    assert quotes == {e["quote"] for c in curated["claims"] if c["iri"] in expected for e in c["evidence"]}


def test_packs_over_the_bound_are_refused_with_a_reason_and_csv_still_has_every_claim(build_dir, curated, busiest_pair):
    """A JSON-LD download or evidence pack is compacted through rdflib, seconds per thousand claims: over
    max_pack_claims it is refused (and its links are not offered); CSV, fast, keeps every claim."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    a, b = busiest_pair
    pair_claims = len(between(curated, a, b))
    limit = pair_claims - 1
    app = create_app(ServerConfig(build_dir=build_dir, max_pack_claims=limit))
    try:
        client = app.test_client()
        for url in ("/claims.jsonld", "/claims.zip", f"/pair/{a}/{b}/evidence.zip"):
            response = client.get(url)
            assert response.status_code == 400, url
            problem = response.get_json()
            assert problem["limit"] == limit and problem["claims"] >= pair_claims and "/downloads" in problem["detail"]
        csv_rows = list(csv.DictReader(io.StringIO(client.get("/claims.csv").get_data(as_text=True))))
        assert len(csv_rows) == len(curated["claims"])
        page = client.get("/claims").get_data(as_text=True)
        assert "/claims.zip" not in page and f"hold up to {limit} claims" in page
        assert "evidence.zip" not in client.get(f"/pair/{a}/{b}").get_data(as_text=True)
        # within the bound, the links are there and answer
        few = f"subject={a}&object={b}"
        assert 0 < len([c for c in curated["claims"] if c["subject"] == a and c["object"] == b]) <= limit
        assert f'/claims.zip?{few.replace("&", "&amp;")}' in client.get(f"/claims?{few}").get_data(as_text=True)
        assert client.get(f"/claims.zip?{few}").status_code == 200
    finally:
        app.extensions["alliance_kg"].close()


def test_the_evidence_pack_lets_a_reader_check_every_quote(client, app, curated, build_dir, busiest_pair):
    a, b = busiest_pair
    response = client.get(f"/pair/{a}/{b}/evidence.zip")
    assert response.status_code == 200 and response.content_type == "application/zip"
    assert client.get(f"/pair/{a}/{b}/evidence.zip").data == response.data   # the same bytes again
    version = app.extensions["alliance_kg"].dataset.version
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = {n.split("/", 1)[1] for n in archive.namelist()}
    assert names == {"README.txt", "claims.jsonld", "claims.csv", "evidence.csv", "documents.csv", "query.rq"}
    read = lambda name: archive.read(f"evidence-{version}/{name}").decode("utf-8")
    assert version in read("README.txt")
    expected = {c["iri"] for c in between(curated, a, b)}
    assert {r["claim"] for r in csv.DictReader(io.StringIO(read("claims.csv")))} == expected
    corpus = Corpus.open(REPOSITORY_CORPUS)
    documents = {d["id"]: d for d in yaml.safe_load(corpus.documents_file.read_text(encoding="utf-8"))["documents"]}
    for row in csv.DictReader(io.StringIO(read("documents.csv"))):
        assert row["sha256"] == documents[row["identifier"]]["sha256"]
    texts = {}
    for row in csv.DictReader(io.StringIO(read("evidence.csv"))):
        document = row["document"].rsplit("/", 1)[1]
        if document not in texts:
            texts[document] = (corpus.documents_dir / documents[document]["file"]).read_text(encoding="utf-8")
        assert texts[document][int(row["start"]):int(row["end"])] == row["quote"]
    store = ox.Store()
    store.bulk_load(path=str(published_dir(build_dir) / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    asserted = [g for g in store.named_graphs() if g != ox.NamedNode(BASE + "graph/inferred")]
    assert {r["claim"].value for r in store.query(read("query.rq"), default_graph=asserted)} == expected


# --- the API's description -------------------------------------------------------------------------

def test_the_api_is_described_by_a_valid_openapi_document(client):
    from openapi_spec_validator import validate

    response = client.get("/api/openapi.json")
    assert response.content_type.startswith("application/vnd.oai.openapi+json")
    spec = response.get_json()
    validate(spec)
    page = html.unescape(client.get("/api").get_data(as_text=True))
    for path, item in spec["paths"].items():
        # the page documents each operation from the description: its summary and every parameter
        assert f"GET {path}" in page and item["get"]["summary"] in page
        for parameter in item["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in page and parameter["description"] in page


@pytest.mark.parametrize("path, schema", [("/api/autocomplete?q=ir", "Autocomplete"), ("/api/search?q=allies", "Search"),
                                          ("/api/pair/Iran/Iraq", "Pair"), ("/api/claims?tie=hostile", "Claims")])
def test_answers_follow_the_described_schemas(client, path, schema):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    spec = client.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:api", Resource.from_contents(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **spec}))
    validator = Draft202012Validator({"$ref": f"urn:api#/components/schemas/{schema}"}, registry=registry)
    body = client.get(path).get_json()
    errors = list(validator.iter_errors(body))
    assert not errors, errors[:3]
    operation = next(op["get"] for p, op in spec["paths"].items() if path.startswith(p.split("{")[0]))
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)


# --- citations -------------------------------------------------------------------------------------

def test_a_claim_page_offers_its_citation_naming_the_dataset_version(client, app, curated):
    import html as html_lib

    version = app.extensions["alliance_kg"].dataset.version
    corpus = Corpus.open(REPOSITORY_CORPUS)
    documents = {d["id"]: d for d in yaml.safe_load(corpus.documents_file.read_text(encoding="utf-8"))["documents"]}
    claim = max(curated["claims"], key=lambda c: len(c["evidence"]))
    page = client.get(f"/claim/{claim['document']}/{claim['id']}.html").get_data(as_text=True)
    section = page[page.index('<section class="cite"'):]
    assert f"{claim['iri']}?version={version}" in section
    bibtex = html_lib.unescape(re.search(r'<pre class="citation bibtex">(.*?)</pre>', section, re.S).group(1))
    assert bibtex.startswith("@misc{") and f"dataset version {version}" in bibtex
    annotations = json.loads(html_lib.unescape(re.search(r'<pre class="citation annotation">(.*?)</pre>', section, re.S).group(1)))
    annotations = annotations if isinstance(annotations, list) else [annotations]
    assert {a["target"]["selector"][0]["exact"] for a in annotations} == {e["quote"] for e in claim["evidence"]}
    text = (corpus.documents_dir / documents[claim["document"]]["file"]).read_text(encoding="utf-8")
    for a in annotations:
        assert a["@context"] == "http://www.w3.org/ns/anno.jsonld" and a["type"] == "Annotation" and a["body"] == claim["iri"]
        quote, position = a["target"]["selector"]
        assert text[position["start"]:position["end"]] == quote["exact"]
        assert text[:position["start"]].endswith(quote.get("prefix", "")) and text[position["end"]:].startswith(quote.get("suffix", ""))
    assert "version-notice" not in section
    older = client.get(f"/claim/{claim['document']}/{claim['id']}.html?version=0000").get_data(as_text=True)
    assert "version-notice" in older


# --- contradictions on the pair page (the seeds have none: rows of the test's own) --------------------

def _row(iri, s, o, polarity, begin=None, end=None, dated=True, relation="alliedWith", symmetric=True):
    from alliance_kg.server.finding import Row

    return Row(iri=iri, label=iri, subject=ID + s, subject_key=s, subject_label=s, relation=relation,
               relation_key=relation, relation_label=relation, tie="cooperative", symmetric=symmetric,
               object=ID + o, object_key=o, object_label=o, object_is_iri=True, modality="asserted",
               polarity=polarity, document="d", document_key="d", document_title="d", begin=begin, end=end,
               time="t" if dated else None)


def test_contradictions_are_opposite_polarities_whose_times_overlap():
    from alliance_kg.server.finding import contested

    yes = _row("yes", "A", "B", "affirmed", begin=2003)                    # since 2003
    no_overlap = _row("no1", "B", "A", "negated", end=2000)                # before 2000: no overlap
    no_overlapping = _row("no2", "B", "A", "negated", begin=1990, end=2010)
    undated = _row("no3", "A", "B", "negated", dated=False)               # unknown time: never compared
    other_way = _row("no4", "B", "A", "negated", begin=2005, relation="supports", symmetric=False)
    assert contested([yes, no_overlap, no_overlapping, undated, other_way]) == [(yes, no_overlapping)]
    assert contested([_row("y", "A", "B", "affirmed", begin=2005, relation="supports", symmetric=False),
                      other_way]) == []


# --- why inferred? -----------------------------------------------------------------------------------

def test_each_inferred_fact_links_to_why_with_its_rule_and_premises(client, curated, busiest_pair):
    actor = busiest_pair[0]
    page = client.get(f"/id/{actor}.html").get_data(as_text=True)
    links = re.findall(r'class="[^"]*\bwhy\b[^"]*" href="(/why/[0-9a-f]{16})"', page)
    assert links and len(links) == page.count('class="inferred-fact"')
    claim_pages = {f'/claim/{c["document"]}/{c["id"]}.html': c for c in curated["claims"]}
    for link in links:
        why = client.get(link)
        assert why.status_code == 200, link
        html = why.get_data(as_text=True)
        assert html.count('<li class="premise">') >= 1, link
        rule = re.search(r"<dt>Rule</dt><dd><code>([a-z0-9-]+)</code>", html).group(1)
        if rule == "prp-symp":   # stated the other way round: the quoted claim that says so is shown
            quoted = [claim_pages[p] for p in re.findall(r'class="relation" href="([^"]+)"', html) if p in claim_pages]
            assert quoted and all(c["polarity"] == "affirmed" and relations()[c["relation"]].symmetric for c in quoted)
    assert client.get("/why/0000000000000000").status_code == 404
    assert client.get("/why/not-a-hash").status_code == 400


def test_a_premise_shows_every_affirmed_claim_that_states_it_with_its_quotes(app, curated):
    from alliance_kg.server.finding import relation_iri
    from alliance_kg.server.views.why import stated

    expected: dict[tuple, set[str]] = {}
    for c in curated["claims"]:
        if c["polarity"] == "affirmed" and c["object"] in curated["ids"]:
            key = (ID + c["subject"], c["relation"], ID + c["object"])
            expected.setdefault(key, set()).add(c["iri"])
    assert expected
    with app.test_request_context():
        for (s, relation, o), claims in expected.items():
            views = stated(s, relation_iri(relation), o)
            assert {v.iri for v in views} == claims, (s, relation, o)
            assert all(v.evidence and all(e.quote for e in v.evidence) for v in views)
        assert stated(ID + "Iran", relation_iri("alliedWith"), ID + "Nobody") == []


# --- a reload: the search index and the facet table are the new version's -------------------------

def test_after_a_reload_search_and_facets_answer_for_the_new_version(tmp_path, build_dir, curated):
    import shutil

    from alliance_kg.graph import release
    from alliance_kg.graph.iris import Iris
    from alliance_kg.graph.search_index import write_search_index
    from tests.test_sparql_safety import app_with

    out = tmp_path / "build"
    release.publish(out, lambda target: shutil.copytree(published_dir(build_dir), target) and
                    json.loads((target / "manifest.json").read_text()))
    claim = next(c for c in curated["claims"] if len(c["evidence"]) == 1)
    quote = claim["evidence"][0]["quote"]

    def without_the_claim(target):   # a new version: the same data minus one claim's type and evidence
        shutil.copytree(published_dir(build_dir), target)
        nquads = [line for line in (target / "dataset.nq").read_text(encoding="utf-8").splitlines(keepends=True)
                  if not line.startswith(f"<{claim['iri']}>")]
        (target / "dataset.nq").write_text("".join(nquads), encoding="utf-8")
        write_search_index(target / FILE_NAME, Iris(BASE), list(ox.parse("".join(nquads).encode(), format=ox.RdfFormat.N_QUADS)))
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        manifest["version"] = "f" * 16
        (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return manifest

    phrase = '"' + " ".join(re.findall(r"\w+", quote)) + '"'
    with app_with(out, reload_interval=0) as app:
        client = app.test_client()
        before = api(client, "/api/search", q=phrase)
        assert claim["iri"] in {c["claim"] for p in before["passages"] for c in p["claims"]}
        assert claim["iri"] in all_pages(client, document=[claim["document"]])[1]
        release.publish(out, without_the_claim)
        assert app.extensions["alliance_kg"].reload() is True
        after = api(client, "/api/search", q=phrase)
        assert after["version"] == "f" * 16 != before["version"]
        assert claim["iri"] not in {c["claim"] for p in after["passages"] for c in p["claims"]}
        assert claim["iri"] not in all_pages(client, document=[claim["document"]])[1]
