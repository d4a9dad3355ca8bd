"""The published dataset: complete, conforming, anchored, deterministic, and atomically replaced."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef

from alliance_kg.graph.corpus import REPOSITORY_ROOT as PROJECT_ROOT
from alliance_kg.graph.pipeline import BuildError, build
from tests.helpers import (
    AK,
    BASE,
    ID,
    copy_of_data,
    curated_claims,
    curated_documents,
    edit,
    expected_graphs,
    published_dir,
    published_paths,
)

EXPECTED_FILES = {"dataset.nq", "dataset.trig", "dataset.ttl", "dataset.nt", "dataset.jsonld", "ontology.ttl",
                  "ontology.rdf", "ontology.jsonld", "shapes.ttl", "validation-report.ttl",
                  "validation-report.txt", "void.ttl", "context.jsonld", "manifest.json"}


def dataset(build_dir) -> rdflib.Dataset:
    ds = rdflib.Dataset(default_union=True)
    ds.parse(build_dir / "dataset.nq", format="nquads")
    return ds


@pytest.fixture(scope="module")
def published(build_dir):
    return dataset(build_dir)


def test_build_publishes_every_file(build_dir):
    version = published_dir(build_dir)
    names = {p.name for p in published_paths(build_dir)}
    assert EXPECTED_FILES <= names
    manifest = json.loads((version / "manifest.json").read_text())
    assert version.name == manifest["version"]
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json"}
    for f in manifest["files"]:
        assert hashlib.sha256((version / f["name"]).read_bytes()).hexdigest() == f["sha256"]
        assert (version / f["name"]).stat().st_size == f["bytes"]
        # build/<file> always reads the current version's file
        assert (build_dir / f["name"]).read_bytes() == (version / f["name"]).read_bytes()


def test_void_describes_every_other_file_and_says_which_it_cannot(build_dir):
    void = rdflib.Graph().parse(build_dir / "void.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    urls = {str(u).rsplit("/", 1)[1] for u in void.objects(None, dcat.downloadURL)}
    assert urls == {p.name for p in published_paths(build_dir)} - {"void.ttl", "manifest.json"}
    header = (build_dir / "void.ttl").read_text().split("@prefix", 1)[0]
    assert "void.ttl" in header and "manifest.json" in header


def test_well_over_a_hundred_claims_with_evidence(build_dir):
    counts = json.loads((build_dir / "manifest.json").read_text())["counts"]
    assert counts["claims"] > 100 and counts["evidence"] >= counts["claims"]
    assert counts["documents"] == len(curated_documents()) and counts["actors"] >= 50


@pytest.mark.parametrize("name, fmt", [("dataset.trig", "trig"), ("dataset.ttl", "turtle"),
                                       ("dataset.nt", "nt"), ("dataset.jsonld", "json-ld"),
                                       ("ontology.ttl", "turtle"), ("ontology.rdf", "xml"),
                                       ("ontology.jsonld", "json-ld"), ("void.ttl", "turtle")])
def test_every_serialisation_parses_to_the_same_triples(build_dir, name, fmt):
    quad_format = fmt == "trig" or name == "dataset.jsonld"      # both keep the named graphs
    parsed = rdflib.Dataset() if quad_format else rdflib.Graph()
    parsed.parse(build_dir / name, format=fmt)
    if name.startswith("dataset"):
        nt = rdflib.Graph().parse(build_dir / "dataset.nt", format="nt")
        triples = {q[:3] for q in parsed.quads()} if quad_format else set(parsed)
        assert triples == set(nt)
    else:
        assert len(parsed) > 10


def test_named_graphs(published):
    graphs = {str(g.identifier) for g in published.graphs()}
    assert expected_graphs() <= graphs


def test_every_selector_is_the_text_at_its_offsets_and_never_junk(published):
    q = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX schema: <https://schema.org/> PREFIX ak: <%s>
    SELECT ?doc ?exact ?start ?end WHERE {
      ?t oa:hasSource ?doc ; oa:hasSelector ?q, ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""" % AK
    texts = {str(d): str(t) for d, t in published.query(
        "SELECT ?d ?t WHERE { ?d <https://schema.org/text> ?t }")}
    junk = {}
    for d, s, e in published.query(
            "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?d ?s ?e WHERE { ?d <%sjunkSegment>/oa:hasSelector ?p . "
            "?p oa:start ?s ; oa:end ?e }" % AK):
        junk.setdefault(str(d), []).append((int(s), int(e)))
    rows = list(published.query(q))
    assert len(rows) > 100
    for doc, exact, start, end in rows:
        start, end = int(start), int(end)
        assert texts[str(doc)][start:end] == str(exact)
        assert not any(start < je and js < end for js, je in junk[str(doc)]), f"evidence in junk: {exact}"
    assert len(junk[f"{BASE}document/000_233c5097a7797f3f"]) == 5


def test_a_negated_claim_yields_no_direct_triple(published):
    claim = URIRef(f"{BASE}claim/000_233c5097a7797f3f/kataib-hezbollah-not-hezbollah")
    assert (claim, URIRef(AK + "polarity"), URIRef(AK + "Negated")) in published
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (URIRef(ID + "Kataib_Hezbollah"), org.subOrganizationOf, URIRef(ID + "Hezbollah")) not in published
    # while the affirmed one is there, in its document's graph
    g = published.graph(URIRef(f"{BASE}graph/document/000_233c5097a7797f3f"))
    assert (URIRef(ID + "Kataib_Hezbollah"), org.subOrganizationOf, URIRef(ID + "Popular_Mobilization_Forces")) in g


def test_claim_carries_time_modality_and_support(published):
    published_all = published
    claim = URIRef(f"{BASE}claim/000_233c5097a7797f3f/iran-iraq-war")
    time = rdflib.Namespace("http://www.w3.org/2006/time#")
    published = published.graph(URIRef(f"{BASE}graph/document/000_233c5097a7797f3f"))
    interval = published.value(claim, URIRef(AK + "validDuring"))
    begin = published.value(published.value(interval, time.hasBeginning), time.inXSDgYear)
    end = published.value(published.value(interval, time.hasEnd), time.inXSDgYear)
    assert (str(begin), str(end)) == ("1980", "1989")
    hedged = URIRef(f"{BASE}claim/000_233c5097a7797f3f/pmf-fighters")
    assert published.value(hedged, URIRef(AK + "modality")) == URIRef(AK + "Hedged")
    assert published.value(hedged, RDF.object) == Literal(200000, datatype=rdflib.XSD.integer)
    support = URIRef(f"{BASE}claim/004_704bd78250eadceb/iran-ties-hamas")
    published = published_all
    kinds = set(published.objects(support, URIRef(AK + "supportKind")))
    assert kinds == {URIRef(AK + k) for k in ("FinancialSupport", "MilitarySupport", "TrainingSupport")}


def test_two_builds_are_byte_identical_even_with_another_hash_seed(build_dir, tmp_path):
    other = tmp_path / "again"
    env = dict(os.environ, PYTHONHASHSEED="4242", ALLIANCE_KG_BUILD=str(other))
    subprocess.run([sys.executable, "-m", "alliance_kg.cli", "build"], cwd=PROJECT_ROOT, env=env, check=True,
                   capture_output=True)
    for path in published_paths(build_dir):
        assert (published_dir(other) / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs"


def test_a_failed_build_keeps_the_previous_dataset(tmp_path):
    config = copy_of_data(tmp_path)
    build(config)
    before = published_files(config.build_dir)
    edit(config.claims_dir / "000_233c5097a7797f3f.yaml", "object: Iraq", "object: Irak")
    with pytest.raises(BuildError):
        build(config)
    assert published_files(config.build_dir) == before
    assert [p.name for p in (config.build_dir / "versions").iterdir() if p.name.startswith(".")] == []   # no half-written dirs


def test_a_build_that_fails_while_writing_keeps_the_previous_dataset(tmp_path, monkeypatch):
    config = copy_of_data(tmp_path)
    build(config)
    before = published_files(config.build_dir)
    import alliance_kg.graph.publish

    def exploding_void(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(alliance_kg.graph.publish, "void_description", exploding_void)
    with pytest.raises(OSError):
        build(config)
    assert published_files(config.build_dir) == before
    assert [p.name for p in (config.build_dir / "versions").iterdir() if p.name.startswith(".")] == []


def published_files(build_dir) -> dict:
    version = published_dir(build_dir)
    return {"version": version.name, **{p.name: p.read_bytes() for p in published_paths(build_dir)}}


def test_another_base_moves_every_published_file_onto_it(tmp_path):
    from alliance_kg.graph.config import BuildConfig
    out = tmp_path / "elsewhere"
    build(BuildConfig.for_corpus(build_dir=out, base="http://localhost:8000/"))
    for path in published_paths(out):   # as bytes: the search index (search.sqlite) is not text
        assert b"w3id.org/alliance-kg" not in path.read_bytes(), path.name
    assert (URIRef("http://localhost:8000/id/Iran"), URIRef("http://localhost:8000/ontology#alliedWith"),
            URIRef("http://localhost:8000/id/Iraq")) in set(dataset(out).triples((None, None, None)))


def test_a_third_document_needs_no_test_changed(tmp_path):
    """Curating one more document changes the counts, the named graphs and the claims per document;
    the expectations the tests use are computed from the curated data, so they follow."""
    import shutil

    from alliance_kg.graph.localquery import LocalDataset
    config = copy_of_data(tmp_path)
    documents = tmp_path / "documents"
    shutil.copytree(config.documents_dir, documents)
    shutil.copy(documents / "000_233c5097a7797f3f.txt", documents / "900_a_third.txt")
    first = config.documents_file.read_text(encoding="utf-8").split("  - id: 004_704bd78250eadceb")[0].split("documents:\n")[1]
    with config.documents_file.open("a", encoding="utf-8") as f:
        f.write(first.replace("000_233c5097a7797f3f", "900_a_third").replace('title: "', 'title: "A third: '))
    claims = (config.claims_dir / "000_233c5097a7797f3f.yaml").read_text(encoding="utf-8")
    (config.claims_dir / "900_a_third.yaml").write_text(claims.replace("document: 000_233c5097a7797f3f",
                                                                       "document: 900_a_third"), encoding="utf-8")
    config = config.with_documents(documents)
    manifest = build(config).manifest
    assert manifest["counts"]["documents"] == len(curated_documents(config)) == len(curated_documents()) + 1
    assert set(manifest["graphs"]) == expected_graphs(config)
    queries = config.queries_dir
    rows = LocalDataset.open(config.build_dir).execute((queries / "6-claims-per-document.rq").read_text(encoding="utf-8"))
    assert {s["document"].value.rsplit("/", 1)[1]: int(s["claims"].value) for s in rows} == curated_claims(config)
