"""Building in parts gives what building whole gives: the per-document cache (an incremental build is
byte-identical to a full one), validation in parts (the same results as pyshacl over the union), and
reasoning with owlrl on the schema plus the instance rules (the same inferences as owlrl alone)."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.load import load_turtle
from alliance_kg.graph.pipeline import build, check
from alliance_kg.graph.reason import infer, infer_reference
from alliance_kg.graph.validate import validate
from tests.helpers import AK, BASE, ID, copy_of_data, curated_documents, edit, published_dir

SKOS = "http://www.w3.org/2004/02/skos/core#"
GOVERNMENT = URIRef(ID + "Government_of_Iran")   # governs Iran (actors.yaml)


def synthetic(tmp_path: Path, documents: int) -> BuildConfig:
    """The benchmark's synthetic corpus (bench/build.py), small: documents the seeds do not have, with
    actors, relations, times and hedges spread over them."""
    spec = importlib.util.spec_from_file_location("bench_build", Path(__file__).parents[1] / "bench" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_corpus(tmp_path / "synthetic", documents)


def files(build_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(published_dir(build_dir).iterdir()) if p.is_file()}


def first_claim_id(claims_file: Path) -> str:
    return re.search(r"^  - id: (\S+)$", claims_file.read_text(encoding="utf-8"), re.MULTILINE).group(1)


def note_on_first_claim(claims_file: Path, note: str) -> None:
    claim = first_claim_id(claims_file)
    edit(claims_file, f"  - id: {claim}\n", f"  - id: {claim}\n    note: {note}\n")


def test_an_incremental_build_after_changing_one_document_equals_a_full_build(tmp_path):
    config = copy_of_data(tmp_path)
    documents = curated_documents(config)
    first = build(config)
    assert first.reused == set()          # nothing cached yet
    changed = documents[-1]
    note_on_first_claim(config.claims_dir / f"{changed}.yaml", "Stated three times.")
    incremental = build(config)
    assert incremental.reused == set(documents) - {changed}     # the unchanged documents came from the cache
    after_incremental = files(config.build_dir)
    full = build(config, full=True)
    assert full.reused == set()
    assert files(config.build_dir) == after_incremental
    assert b"Stated three times." in after_incremental["dataset.nq"]
    assert incremental.manifest["version"] != first.manifest["version"]
    again = build(config)                 # nothing changed: every document from the cache, same bytes
    assert again.reused == set(documents) and files(config.build_dir) == after_incremental


def test_incremental_equals_full_on_a_synthetic_corpus_with_a_document_removed_and_one_changed(tmp_path):
    config = synthetic(tmp_path, 5)
    build(config)
    claims = sorted(config.claims_dir.glob("*.yaml"))
    note_on_first_claim(claims[1], "Revised.")
    edit(claims[2], "relation: opposes", "relation: condemns")
    claims[-1].unlink()                   # its document stays listed but has no claims file
    incremental = build(config)
    assert incremental.reused == {p.stem for p in claims[:-1]} - {claims[1].stem, claims[2].stem, claims[-1].stem}
    after_incremental = files(config.build_dir)
    build(config, full=True)
    assert files(config.build_dir) == after_incremental


def test_a_cached_document_still_reports_bad_input(tmp_path):
    config = copy_of_data(tmp_path)
    build(config)
    claims_file = config.claims_dir / f"{curated_documents(config)[0]}.yaml"
    text = claims_file.read_text(encoding="utf-8")
    subject = re.search(r"^    subject: (\S+)$", text, re.MULTILINE).group(1)
    edit(claims_file, f"subject: {subject}\n", "subject: Nowhere_Land\n")
    with pytest.raises(Exception) as failure:   # the same clear error as without a cache
        build(config)
    assert "Nowhere_Land" in str(failure.value) and claims_file.name in str(failure.value)


def canonical(report: Graph) -> set:
    return set(to_canonical_graph(report))


def union_of(checked) -> Graph:
    union = Graph()
    for graph in checked.assembled.graphs().values():
        for triple in graph:
            union.add(triple)
    return union


def test_validation_in_parts_agrees_with_pyshacl_over_the_whole_graph(tmp_path):
    config = copy_of_data(tmp_path)
    first, last = curated_documents(config)[0], curated_documents(config)[-1]
    # A claim of one document that denies one of another document over overlapping years, and one
    # that contradicts an alliance: the cross-document contradiction warnings must find them.
    claims = config.claims_dir / f"{last}.yaml"
    quote = re.search(r'^      - quote: (".*")$', claims.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    claims.write_text(claims.read_text(encoding="utf-8").rstrip("\n") + f"""
  - id: iran-iraq-no-war-1985
    subject: Iran
    relation: atWarWith
    object: Iraq
    polarity: negated
    time: {{start: 1985, end: 1986}}
    evidence:
      - quote: {quote}
  - id: iraq-iran-hostile-1985
    subject: Iraq
    relation: hostileTo
    object: Iran
    time: {{start: 1985}}
    evidence:
      - quote: {quote}
""", encoding="utf-8")
    other = config.claims_dir / f"{first}.yaml"
    other.write_text(other.read_text(encoding="utf-8").rstrip("\n") + f"""
  - id: iran-iraq-war-1984
    subject: Iran
    relation: atWarWith
    object: Iraq
    time: {{start: 1980, end: 1988}}
    evidence:
      - quote: {re.search(r'^      - quote: (".*")$', other.read_text(encoding="utf-8"), re.MULTILINE).group(1)}
""", encoding="utf-8")
    checked = check(config)
    assert checked.outcome.warnings >= 1, checked.outcome.text()   # the contradiction spans two documents
    shapes = load_turtle(config.shapes_file, config.base)
    whole = validate(union_of(checked), shapes, checked.assembled.origins)
    assert checked.outcome.text() == whole.text()
    assert canonical(checked.outcome.report) == canonical(whole.report)


def test_validation_in_parts_agrees_on_violations_of_every_kind(tmp_path):
    config = copy_of_data(tmp_path)
    first, last = curated_documents(config)[0], curated_documents(config)[-1]
    checked = check(config)
    assembled, iris = checked.assembled, checked.iris
    # Break one thing of each kind: a document-local violation (a claim without its subject), a
    # spanning one (an actor with two preferred labels) and an actor-level fact asserted by a document.
    claim = URIRef(f"{BASE}claim/{first}/{first_claim_id(config.claims_dir / f'{first}.yaml')}")
    assembled.documents[first].graph.remove((claim, RDF.subject, None))
    assembled.actors.add((URIRef(ID + "Iran"), URIRef(SKOS + "prefLabel"), Literal("Persia", lang="en")))
    assembled.documents[last].graph.add((GOVERNMENT, URIRef(AK + "governmentOf"), URIRef(ID + "Hamas")))
    assembled.documents[last].direct_triples.append((GOVERNMENT, URIRef(AK + "governmentOf"), URIRef(ID + "Hamas")))
    # and a claim whose relation's domain its subject lacks (a SPARQL-targeted, document-local shape)
    other = URIRef(f"{BASE}claim/{last}/{first_claim_id(config.claims_dir / f'{last}.yaml')}")
    graph = assembled.documents[last].graph
    graph.remove((other, RDF.predicate, None))
    graph.add((other, RDF.predicate, URIRef(AK + "leads")))
    shapes = load_turtle(config.shapes_file, config.base)
    whole = validate(union_of(checked), shapes, assembled.origins)
    assert whole.violations >= 4 and "the domain of" in whole.text(), whole.text()
    from alliance_kg.graph.validate import base_graph, merge_reports, outcome_of, shape_split, validate_documents, validate_spanning
    local, spanning = shape_split(shapes, iris)
    base = base_graph(checked.ontology, assembled.actors)
    parts = list(assembled.documents.values())
    orphans = validate_documents(checked.ontology, assembled.actors, parts, shapes, local)
    report = merge_reports([t for p in parts for t in p.results] + orphans,
                           validate_spanning(base, assembled.actors, parts, shapes, spanning))
    outcome = outcome_of(report, assembled.origins)
    assert outcome.text() == whole.text()
    assert canonical(outcome.report) == canonical(whole.report)


def test_validation_in_parts_agrees_on_a_synthetic_corpus(tmp_path):
    config = synthetic(tmp_path, 4)
    checked = check(config)
    whole = validate(union_of(checked), load_turtle(config.shapes_file, config.base), checked.assembled.origins)
    assert whole.text() == checked.outcome.text()
    assert canonical(whole.report) == canonical(checked.outcome.report)


@pytest.mark.parametrize("corpus", ["seeds", "synthetic"])
def test_reasoning_by_instance_rules_equals_owlrl(corpus, tmp_path):
    config = BuildConfig.for_corpus(build_dir=tmp_path / "build") if corpus == "seeds" else synthetic(tmp_path, 6)
    checked = check(config)
    assembled = checked.assembled
    reference = infer_reference(checked.ontology, assembled.actors, assembled.direct_triples, checked.iris)
    fast = infer(checked.ontology, assembled.actors, assembled.direct_triples, checked.iris)
    assert reference and {i.rule for i in reference} >= {"prp-symp", "prp-dom", "cax-sco"}
    assert fast == reference


def test_owlrl_reasons_alone_when_the_ontology_uses_more_than_the_instance_rules(tmp_path):
    config = BuildConfig.for_corpus(build_dir=tmp_path / "build")
    checked = check(config)
    assembled, iris = checked.assembled, checked.iris
    ontology = Graph()
    for t in checked.ontology:
        ontology.add(t)
    # An equivalence the instance rules do not apply: Iran's allies become its partners too.
    ontology.add((iris.term("alliedWith"), URIRef("http://www.w3.org/2002/07/owl#equivalentProperty"), iris.term("cooperatesWith")))
    reference = infer_reference(ontology, assembled.actors, assembled.direct_triples, iris)
    assert infer(ontology, assembled.actors, assembled.direct_triples, iris) == reference


def test_a_changed_actor_rebuilds_every_document_and_still_equals_a_full_build(tmp_path):
    config = copy_of_data(tmp_path)
    build(config)
    text = config.actors_file.read_text(encoding="utf-8")
    label = re.search(r"^    label: (.+)$", text, re.MULTILINE).group(1)
    edit(config.actors_file, f"    label: {label}\n", f"    label: {label} (renamed)\n")
    incremental = build(config)
    assert incremental.reused == set()    # actor labels are in every claim's label: no document is reused
    after_incremental = files(config.build_dir)
    assert "(renamed)".encode() in after_incremental["dataset.nq"]
    build(config, full=True)
    assert files(config.build_dir) == after_incremental
