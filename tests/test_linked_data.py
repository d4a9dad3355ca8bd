"""Dereferenceable IRIs and the pages: 303s, every format parsed back, 404/400/406, 304, evidence shown."""
from __future__ import annotations

import gzip
import hashlib
import json
import re

import pytest
import rdflib

from tests import stores
from tests.helpers import AK, BASE, ID

pytestmark = stores.BACKENDS   # every test here runs on the embedded engine and on each real store

CLAIM = "/claim/000_233c5097a7797f3f/iran-allied-iraq"
DOCUMENT = "/document/000_233c5097a7797f3f"
RESOURCES = {"entity": "/id/Iran", "claim": CLAIM, "document": DOCUMENT}
RDF_DOCUMENTS = [(".ttl", "turtle", "text/turtle"), (".jsonld", "json-ld", "application/ld+json"),
                 (".nt", "nt", "application/n-triples"), (".rdf", "xml", "application/rdf+xml"),
                 (".trig", "trig", "application/trig"), (".nq", "nquads", "application/n-quads")]


@pytest.mark.parametrize("kind", sorted(RESOURCES))
@pytest.mark.parametrize("accept, extension", [("text/html", ".html"), ("text/turtle", ".ttl"),
                                               ("application/ld+json", ".jsonld"),
                                               ("application/n-triples", ".nt"),
                                               ("application/rdf+xml", ".rdf"),
                                               ("application/trig;q=0.9, text/html;q=0.1", ".trig")])
def test_the_iri_itself_is_303_to_a_document(client, kind, accept, extension):
    path = RESOURCES[kind]
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 303 and r.headers["Location"].endswith(path + extension)
    assert "Accept" in r.headers["Vary"] and r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("kind", sorted(RESOURCES))
@pytest.mark.parametrize("extension, fmt, media_type", RDF_DOCUMENTS)
def test_documents_parse_back_and_describe_the_resource(client, kind, extension, fmt, media_type):
    path = RESOURCES[kind]
    r = client.get(path + extension)
    assert r.status_code == 200 and r.mimetype == media_type
    g = rdflib.Dataset() if fmt in ("trig", "nquads") else rdflib.Graph()
    g.parse(data=r.data, format=fmt)
    triples = {q[:3] for q in g.quads()} if fmt in ("trig", "nquads") else set(g)
    iri = rdflib.URIRef(BASE + path.lstrip("/"))
    assert any(s == iri for s, _, _ in triples)
    assert r.headers["ETag"] and r.headers["Last-Modified"] and "max-age" in r.headers["Cache-Control"]


def test_entity_document_holds_claims_evidence_and_inferences_apart(client):
    ds = rdflib.Dataset()
    ds.parse(data=client.get("/id/Iran.trig").data, format="trig")
    graphs = {str(g.identifier): g for g in ds.graphs()}
    inferred = graphs[BASE + "graph/inferred"]
    assert (rdflib.URIRef(ID + "Iraq"), rdflib.URIRef(AK + "alliedWith"), rdflib.URIRef(ID + "Iran")) in inferred
    doc_graph = graphs[BASE + "graph/document/000_233c5097a7797f3f"]
    claim = rdflib.URIRef(BASE + CLAIM.lstrip("/"))
    assert (claim, rdflib.RDF.subject, rdflib.URIRef(ID + "Iran")) in doc_graph
    exact = rdflib.URIRef(str(claim) + "#evidence-1-quote")
    assert "very close allies" in str(doc_graph.value(exact, rdflib.URIRef("http://www.w3.org/ns/oa#exact")))
    turtle = rdflib.Graph().parse(data=client.get("/id/Iran.ttl").data, format="turtle")
    records = set(turtle.subjects(rdflib.RDF.type, rdflib.URIRef(AK + "Inference")))
    assert records, "triple formats keep inferences marked by their ak:Inference records"


@pytest.mark.parametrize("path, status", [("/id/Nobody", 404), ("/claim/000_233c5097a7797f3f/no-such-claim", 404),
                                          ("/document/nothing", 404), ("/id/Not%20an%20IRI", 400),
                                          ("/claim/only-one-part", 400), ("/graph/elsewhere", 400),
                                          ("/id/Iran.xyz", 406)])
def test_unknown_malformed_and_unknown_format(client, path, status):
    r = client.get(path)
    assert r.status_code == status and r.mimetype == "application/problem+json"


def test_unacceptable_accept_is_406(client):
    r = client.get("/id/Iran", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in json.loads(r.data)["acceptable"]


def test_application_json_gets_json_ld(client):
    """A JSON client asking for an IRI gets its JSON-LD description (as /sparql answers a CONSTRUCT)."""
    r = client.get("/id/Iran", headers={"Accept": "application/json"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/id/Iran.jsonld")
    data = client.get(r.headers["Location"]).data
    assert (rdflib.URIRef(ID + "Iran"), None, None) in rdflib.Graph().parse(data=data, format="json-ld")
    construct = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"},
                           headers={"Accept": "application/json"})
    assert construct.status_code == 200 and construct.mimetype == "application/ld+json"


def test_actor_index_lists_every_curated_actor(client):
    import yaml

    from alliance_kg.graph.corpus import Corpus
    curated = yaml.safe_load(Corpus.default().actors_file.read_text(encoding="utf-8"))["actors"]
    page = client.get("/id/").data.decode()
    links = set(re.findall(r'href="(/id/[^"]+)"', page.split("<main", 1)[1]))
    assert links == {f"/id/{a['id']}.html" for a in curated}
    assert 'href="/id/"' in client.get("/").data.decode()


@pytest.mark.parametrize("path", ["/id/Iran.ttl", CLAIM + ".html", DOCUMENT + ".jsonld", "/ontology.ttl", "/"])
def test_revalidation_is_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    by_etag = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304
    by_date = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304


@pytest.mark.parametrize("accept, extension, fmt", [("text/html", ".html", None), ("text/turtle", ".ttl", "turtle"),
                                                    ("application/rdf+xml", ".rdf", "xml"),
                                                    ("application/ld+json", ".jsonld", "json-ld")])
def test_ontology_negotiates(client, accept, extension, fmt):
    r = client.get("/ontology", headers={"Accept": accept})
    assert r.status_code == 303 and r.headers["Location"].endswith("/ontology" + extension)
    doc = client.get("/ontology" + extension)
    assert doc.status_code == 200
    if fmt:
        g = rdflib.Graph().parse(data=doc.data, format=fmt)
        assert (rdflib.URIRef(AK + "alliedWith"), rdflib.RDF.type, rdflib.OWL.SymmetricProperty) in g
    else:
        assert b"allied with" in doc.data


def test_shapes_page_and_report(client):
    assert client.get("/shapes", headers={"Accept": "text/turtle"}).headers["Location"].endswith("/shapes.ttl")
    page = client.get("/shapes.html").data.decode()
    assert "Conforms: yes" in page and "sh:NodeShape" in page


def test_entity_page_shows_evidence_inferences_picture_and_jsonld(client):
    page = client.get("/id/Iran.html").data.decode()
    assert "Iran and Iraq are very close allies supporting each other against the Islamic State." in page
    assert 'href="/document/000_233c5097a7797f3f.html#iran-allied-iraq--evidence-1"' in page
    assert "inferred" in page and "prp-symp" in page
    assert "<svg" in page and "Q794" in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    g = rdflib.Graph().parse(data=block, format="json-ld")
    assert (rdflib.URIRef(ID + "Iran"), rdflib.RDFS.label, rdflib.Literal("Iran", lang="en")) in g


def test_hedged_and_denied_claims_are_marked(client):
    kh = client.get("/id/Kataib_Hezbollah.html").data.decode()
    assert "denied" in kh
    pmf = client.get("/id/Popular_Mobilization_Forces.html").data.decode()
    assert "hedged: “an estimated”" in pmf


def test_document_page_highlights_evidence_and_sets_junk_apart(client):
    page = client.get(DOCUMENT + ".html").data.decode()
    assert 'id="iran-allied-iraq--evidence-1"' in page
    assert page.count('<mark class="evidence">') > 30
    assert page.count('class="junk"') == 5 and "Usa Vs Iran" in page
    assert "e77d9d634fa1be8f5ceeb3c1f70bc3daa73707465a08979d9bf41eb17a3c9709" in page


def test_claim_page(client):
    page = client.get(CLAIM + ".html").data.decode()
    assert "Iran allied with Iraq" in page and "very close allies" in page


def test_home_page_counts_network_and_links(client):
    page = client.get("/").data.decode()
    assert "<svg" in page and page.count('class="edge') > 50
    for link in ('href="/sparql"', 'href="/downloads"', 'href="/ontology"', 'href="/.well-known/void"'):
        assert link in page
    assert "133" in page or "claims" in page


SD_NAME = rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#name")
AK_NS = "https://w3id.org/alliance-kg/ontology#"


def test_void_and_dcat(client):
    g = rdflib.Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
                             format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef(BASE + "dataset")
    assert (dataset, rdflib.RDF.type, dcat.Dataset) in g and (dataset, void.sparqlEndpoint, None) in g
    # Only the data files are distributions of the dataset; the others distribute what they hold.
    downloads = {str(u).rsplit("/", 1)[1] for d in g.objects(dataset, dcat.distribution)
                 for u in g.objects(d, dcat.downloadURL)}
    assert downloads == {"dataset.nq", "dataset.trig", "dataset.ttl", "dataset.nt", "dataset.jsonld"}
    assert not [s for s, _, _ in g.triples((None, SD_NAME, None)) if (s, rdflib.RDF.type, void.Dataset) in g]
    names = {str(o) for o in g.objects(None, SD_NAME)}
    assert {BASE + "graph/inferred", BASE + "graph/actors", BASE + "graph/ontology"} <= names
    vocabularies = {str(v) for v in g.objects(dataset, void.vocabulary)}
    assert {AK_NS, "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2006/time#",
            "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/", "http://spdx.org/rdf/terms#"} <= vocabularies
    assert (None, dcat.endpointURL, rdflib.URIRef(BASE + "sparql")) in g
    as_jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(rdflib.Graph().parse(data=as_jsonld.data, format="json-ld")) == len(g)


def test_downloads_list_and_gzip(client, build_dir):
    page = client.get("/downloads").data.decode()
    manifest = json.loads((build_dir / "manifest.json").read_text())
    for f in manifest["files"]:
        assert f["name"] in page and f["sha256"] in page
    plain = client.get("/download/dataset.ttl")
    assert plain.mimetype == "text/turtle" and "Content-Encoding" not in plain.headers
    assert hashlib.sha256(plain.data).hexdigest() == next(f["sha256"] for f in manifest["files"]
                                                          if f["name"] == "dataset.ttl")
    zipped = client.get("/download/dataset.ttl", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert client.get("/download/nothing.txt").status_code == 404
