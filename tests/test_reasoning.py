"""OWL 2 RL reasoning: each kind of inference, its rule record, and nothing that tells a user nothing."""
from __future__ import annotations

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.pipeline import check
from tests.helpers import AK, BASE, ID

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
INFERRED = URIRef(BASE + "graph/inferred")


@pytest.fixture(scope="module")
def inferred(build_dir):
    ds = rdflib.Dataset()
    ds.parse(build_dir / "dataset.nq", format="nquads")
    return ds.graph(INFERRED)


def rule_for(g, s, p, o):
    records = [r for r in g.subjects(RDF.subject, URIRef(ID + s))
               if g.value(r, RDF.predicate) == p and g.value(r, RDF.object) == o]
    assert len(records) == 1, f"no single inference record for {s} {p} {o}"
    return str(g.value(records[0], URIRef(AK + "rule")))


@pytest.mark.parametrize("s, p, o, rule", [
    ("Iraq", AK + "alliedWith", ID + "Iran", "prp-symp"),                     # symmetric
    ("Hezbollah", AK + "proxyOf", ID + "Iran", "prp-inv1"),                   # inverse
    ("Syrian_government", AK + "memberOf", ID + "Axis_of_Resistance", "prp-inv2"),        # inverse, other way
    ("Kataib_Hezbollah", str(ORG.transitiveSubOrganizationOf), ID + "Government_of_Iraq", "prp-trp"),  # transitive
    ("Iran", AK + "cooperativeTie", ID + "Iraq", "prp-spo1"),                 # property hierarchy
    ("Iraq", AK + "hostileTie", ID + "Islamic_State", "prp-spo1"),
    ("Popular_Mobilization_Forces", str(RDF.type), AK + "Actor", "prp-dom"),  # class from a domain
])
def test_each_kind_of_inference_with_its_rule(inferred, s, p, o, rule):
    p, o = URIRef(p), URIRef(o)
    assert (URIRef(ID + s), p, o) in inferred
    assert rule_for(inferred, s, p, o) == rule


def test_class_membership_from_a_range(inferred):
    rules = {str(inferred.value(r, URIRef(AK + "rule"))) for r in inferred.subjects(RDF.type, URIRef(AK + "Inference"))}
    assert "prp-rng" in rules and "cax-sco" in rules


def test_no_tautologies(inferred):
    for s, p, o in inferred:
        assert p != OWL.sameAs
        assert o not in (OWL.Thing, RDFS.Resource)
        assert not (p == RDF.type and isinstance(s, Literal))
        assert str(s).startswith((ID, BASE + "inference/")), f"inference about a non-entity: {s}"
    assert not any(p == RDF.type and not str(o).startswith(AK) for s, p, o in inferred)


def test_every_inferred_triple_has_a_record_and_nothing_was_already_asserted(build_dir, inferred):
    ds = rdflib.Dataset(default_union=True)
    ds.parse(build_dir / "dataset.nq", format="nquads")
    asserted = {q[:3] for q in ds.quads() if q[3] != INFERRED}
    facts = [(s, p, o) for s, p, o in inferred if not str(s).startswith(BASE + "inference/")]
    assert facts and not any(t in asserted for t in facts)
    assert len(set(inferred.subjects(RDF.type, URIRef(AK + "Inference")))) == len(set(facts))


def test_history_stays_consistent(inferred):
    assert (None, RDF.type, OWL.Nothing) not in inferred
    assert (URIRef(ID + "Iraq"), URIRef(AK + "alliedWith"), URIRef(ID + "Iran")) in inferred
    assert (URIRef(ID + "Iraq"), URIRef(AK + "atWarWith"), URIRef(ID + "Iran")) in inferred


def test_reasoning_never_changes_the_asserted_graphs(build_dir):
    checked = check(BuildConfig.for_corpus())
    before = {q for q in checked.assembled.dataset.quads((None, None, None, None))}
    published = rdflib.Dataset()
    published.parse(build_dir / "dataset.nq", format="nquads")
    after = {q for q in published.quads((None, None, None, None)) if q[3] != INFERRED}
    assert {(s, p, o, URIRef(g.identifier) if hasattr(g, "identifier") else g) for s, p, o, g in before} == after
