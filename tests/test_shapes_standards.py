"""Shapes and ontology as independent validators read them: bad literals caught, relations checked
against the classes they join, no axioms added to other vocabularies' terms."""
from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.pipeline import ValidationFailed, build
from alliance_kg.graph.validate import validate
from tests.helpers import AK, BASE, ID, copy_of_data, line_of

OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CLAIM = URIRef(f"{BASE}claim/000_233c5097a7797f3f/iran-allied-iraq")
DOC4 = "004_704bd78250eadceb"


def violations(data, shapes):
    return [r for r in validate(data, shapes, {}).results if r.severity == "Violation"]


# --- 7. bad literals: caught, never a crash, never a pass ----------------------------------

BAD_OFFSETS = ["abc", "-3", "1.5", ""]
BAD_YEARS = ["20x3", "203", "2003-01", "+2003", ""]


def test_bad_literals_are_violations(data, shapes):
    """One corrupted copy, validated once: each bad offset and year is reported on its own node."""
    positions = sorted(data.subjects(RDF.type, OA.TextPositionSelector))
    instants = sorted(data.subjects(RDF.type, TIME.Instant))
    expected = []
    for i, (prop, lexical) in enumerate((p, x) for p in (OA.start, OA.end) for x in BAD_OFFSETS):
        node = positions[i]
        data.set((node, prop, Literal(lexical, datatype=data.value(node, prop).datatype)))
        expected.append((str(node), str(prop), lexical))
    for node, lexical in zip(instants, BAD_YEARS):
        data.set((node, TIME.inXSDgYear, Literal(lexical, datatype=XSD.gYear)))
        expected.append((str(node), str(TIME.inXSDgYear), lexical))
    found = {(r.focus, r.path) for r in violations(data, shapes)}
    missed = [e for e in expected if e[:2] not in found]
    assert not missed, [(m[1].rsplit('#')[-1].rsplit('/')[-1], m[2]) for m in missed]


def test_good_years_pass(data, shapes):
    instants = sorted(data.subjects(RDF.type, TIME.Instant))
    good = ("2003", "-0500", "12000", "2003Z", "2003+05:00")
    for node, year in zip(instants, good):
        data.set((node, TIME.inXSDgYear, Literal(year, datatype=XSD.gYear)))
    assert not [r for r in violations(data, shapes) if r.path == str(TIME.inXSDgYear)]


def test_bad_number_of_fighters_is_a_violation(data, shapes):
    claim = next(c for c in data.subjects(RDF.predicate, URIRef(AK + "numberOfFighters")))
    datatype = data.value(claim, RDF.object).datatype
    data.set((claim, RDF.object, Literal("many", datatype=datatype)))
    assert any(r.focus == str(claim) for r in violations(data, shapes))


# --- 8. relations join the classes they accept (closed world) ------------------------------

def build_error(config) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        build(config)
    return caught.value


def test_leader_must_be_a_person_named_at_the_claims_line(tmp_path):
    config = copy_of_data(tmp_path)
    path = config.claims_dir / f"{DOC4}.yaml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"subject: Ali_Khamenei(\n\s+relation: (?:org:headOf|leads))", r"subject: Iran\1", text)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    error = build_error(config)
    line = line_of(path, "id: khamenei-heads-government")
    assert f"claims/{DOC4}.yaml:{line}" in str(error), str(error)
    assert f"{ID}Iran" in str(error) and f"{AK}Person" in str(error)


def test_member_of_needs_a_coalition(tmp_path):
    config = copy_of_data(tmp_path)
    path = config.claims_dir / f"{DOC4}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: hamas-in-axis\n    subject: Hamas\n    relation: memberOf\n    object: Axis_of_Resistance",
                        "  - id: hamas-in-axis\n    subject: Hamas\n    relation: memberOf\n    object: Iraq", 1)
    path.write_text(text, encoding="utf-8")
    error = build_error(config)
    assert f"claims/{DOC4}.yaml:{line_of(path, 'id: hamas-in-axis')}" in str(error)
    assert f"{AK}Coalition" in str(error)


def test_relation_classes_come_from_the_ontology(data, shapes):
    """Every claim whose subject is not of its relation's domain fails, whatever the relation."""
    data.set((CLAIM, RDF.subject, URIRef(f"{ID}Iran_Iraq_War")))   # an event, not an actor
    found = violations(data, shapes)
    assert any(r.focus == str(CLAIM) and f"{ID}Iran_Iraq_War" in r.message for r in found), [r.text() for r in found]


# --- 9. no hijacking of other vocabularies ---------------------------------------------------

@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(BuildConfig.for_corpus().ontology_file)


# The axioms ORG itself states about the ORG terms we restate (W3C ORG, 2014).
ORG_OWN = {(ORG.subOrganizationOf, RDFS.subPropertyOf, ORG.transitiveSubOrganizationOf),
           (ORG.transitiveSubOrganizationOf, RDF.type, OWL.TransitiveProperty),
           (ORG.headOf, RDFS.subPropertyOf, ORG.memberOf),
           (ORG.memberOf, OWL.inverseOf, ORG.hasMember)}
LOGICAL = {RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf, RDFS.subClassOf, OWL.equivalentClass,
           OWL.equivalentProperty, RDF.type}


def test_foreign_terms_carry_only_their_own_axioms(ontology):
    for s, p, o in ontology:
        if isinstance(s, URIRef) and not str(s).startswith("https://w3id.org/alliance-kg/") \
                and p in LOGICAL and not (p == RDF.type and o in (OWL.ObjectProperty, OWL.Class)):
            assert (s, p, o) in ORG_OWN, f"axiom on a foreign term: {s} {p} {o}"
    assert ORG_OWN <= set(ontology)


def test_leadership_is_our_own_sub_property(ontology):
    leads = URIRef(AK + "leads")
    assert (leads, RDFS.subPropertyOf, ORG.headOf) in ontology
    assert (leads, RDFS.domain, URIRef(AK + "Person")) in ontology


def test_ontology_creator_is_a_resource(ontology):
    creators = list(ontology.objects(URIRef("https://w3id.org/alliance-kg/ontology"), DCTERMS.creator))
    assert creators and all(isinstance(c, URIRef) for c in creators)
