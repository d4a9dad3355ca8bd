"""Each SHACL shape rejects the bad data it is there for (and the real data conforms)."""
from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from alliance_kg.graph.validate import validate
from tests.helpers import AK, BASE, ID

SH = Namespace("http://www.w3.org/ns/shacl#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
CLAIM = URIRef(f"{BASE}claim/000_233c5097a7797f3f/iran-allied-iraq")


def results(data, shapes, severity="Violation"):
    outcome = validate(data, shapes, {})
    return [r for r in outcome.results if r.severity == severity]


def test_the_real_data_conforms_without_warnings(checked):
    assert checked.outcome.conforms and checked.outcome.warnings == 0, checked.outcome.text()


def test_claim_needs_evidence(data, shapes):
    data.remove((CLAIM, URIRef(AK + "evidence"), None))
    found = results(data, shapes)
    assert any(r.focus == str(CLAIM) and r.path == AK + "evidence" for r in found)


def test_claim_has_exactly_one_subject(data, shapes):
    data.add((CLAIM, RDF.subject, URIRef(ID + "Syria")))
    assert any(r.focus == str(CLAIM) and r.path == str(RDF.subject) for r in results(data, shapes))


def test_claim_relation_must_be_declared(data, shapes):
    data.set((CLAIM, RDF.predicate, URIRef(AK + "befriends")))
    assert any(r.focus == str(CLAIM) and r.path == str(RDF.predicate) for r in results(data, shapes))


def test_claim_modality_from_the_scheme(data, shapes):
    data.set((CLAIM, URIRef(AK + "modality"), URIRef(AK + "Probable")))
    assert any(r.path == AK + "modality" for r in results(data, shapes))


def test_selector_exact_must_match_the_text_at_its_offsets(data, shapes):
    quote = URIRef(str(CLAIM) + "#evidence-1-quote")
    data.set((quote, OA.exact, Literal("Iran and Iraq are very close enemies")))
    found = results(data, shapes)
    assert any(r.value == str(quote) and r.focus == f"{BASE}document/000_233c5097a7797f3f" for r in found)


def test_selector_offsets_ordered(data, shapes):
    position = URIRef(str(CLAIM) + "#evidence-1-position")
    data.set((position, OA.start, Literal(10**6, datatype=XSD.integer)))
    found = results(data, shapes)
    assert any(r.focus == str(position) and r.path == str(OA.start) for r in found)


def test_wikidata_link_form(data, shapes):
    iran = URIRef(ID + "Iran")
    data.add((iran, SCHEMA.sameAs, URIRef("https://www.wikidata.org/wiki/Q794")))
    assert any(r.focus == str(iran) and r.path == str(SCHEMA.sameAs) for r in results(data, shapes))


def test_labels_are_english_and_single(data, shapes):
    iraq = URIRef(ID + "Iraq")
    data.add((iraq, RDFS.label, Literal("Irak", lang="de")))
    assert any(r.focus == str(iraq) and r.path == str(RDFS.label) for r in results(data, shapes))


def test_actor_needs_a_label(data, shapes):
    syria = URIRef(ID + "Syria")
    data.remove((syria, RDFS.label, None))
    data.remove((syria, SKOS.prefLabel, None))
    assert any(r.focus == str(syria) and r.path == str(RDFS.label) for r in results(data, shapes))


def test_years_are_gyears(data, shapes):
    start = URIRef(f"{BASE}claim/000_233c5097a7797f3f/iran-iraq-war#time-start")
    data.set((start, TIME.inXSDgYear, Literal("1980")))
    assert any(r.focus == str(start) for r in results(data, shapes))


def test_hedged_claim_needs_its_cue(data, shapes):
    claim = URIRef(f"{BASE}claim/000_233c5097a7797f3f/pmf-fighters")
    data.remove((claim, URIRef(AK + "hedgeCue"), None))
    assert any(r.focus == str(claim) for r in results(data, shapes))


def _claim(g, doc, name, s, p, o, start, end):
    node = URIRef(f"{BASE}claim/{doc}/{name}")
    t = URIRef(str(node) + "#time")
    g.add((node, RDF.subject, URIRef(ID + s)))
    g.add((node, RDF.predicate, URIRef(AK + p)))
    g.add((node, RDF.object, URIRef(ID + o)))
    g.add((node, URIRef(AK + "polarity"), URIRef(AK + "Affirmed")))
    g.add((node, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(f"{BASE}document/{doc}")))
    g.add((node, URIRef(AK + "validDuring"), t))
    for prop, year, part in ((TIME.hasBeginning, start, "s"), (TIME.hasEnd, end, "e")):
        if year is not None:
            instant = URIRef(f"{node}#{part}")
            g.add((t, prop, instant))
            g.add((instant, TIME.inXSDgYear, Literal(str(year), datatype=XSD.gYear)))
    return node


def test_contradictory_claims_overlapping_in_time_are_a_warning(data, shapes):
    doc = "004_704bd78250eadceb"
    # atWarWith 1980-1989 is in the data; an alliance claimed for 1985-1990 overlaps it.
    overlapping = _claim(data, doc, "test-alliance", "Iran", "alliedWith", "Iraq", 1985, 1990)
    warnings = results(data, shapes, "Warning")
    assert any(r.value == str(overlapping) or str(overlapping) in r.message for r in warnings)
    assert results(data, shapes) == []       # a warning, never a violation


def test_contradictory_claims_that_do_not_overlap_are_fine(data, shapes):
    _claim(data, "004_704bd78250eadceb", "test-alliance", "Iran", "alliedWith", "Iraq", 2003, None)
    assert results(data, shapes, "Warning") == []


def test_annotation_targets_one_passage(data, shapes):
    annotation = URIRef(str(CLAIM) + "#evidence-1")
    data.remove((annotation, OA.hasTarget, None))
    assert any(r.focus == str(annotation) and r.path == str(OA.hasTarget) for r in results(data, shapes))


def test_passage_needs_both_selectors(data, shapes):
    target = URIRef(str(CLAIM) + "#evidence-1-target")
    data.remove((target, OA.hasSelector, URIRef(str(CLAIM) + "#evidence-1-position")))
    assert any(r.focus == str(target) and r.path == str(OA.hasSelector) for r in results(data, shapes))


def test_interval_needs_a_bound(data, shapes):
    interval = URIRef(f"{BASE}claim/000_233c5097a7797f3f/iran-iraq-war#time")
    data.remove((interval, TIME.hasBeginning, None))
    data.remove((interval, TIME.hasEnd, None))
    assert any(r.focus == str(interval) for r in results(data, shapes))


def test_junk_kind_is_from_the_list(data, shapes):
    junk = URIRef(f"{BASE}document/000_233c5097a7797f3f#junk-2")
    data.set((junk, URIRef(AK + "junkKind"), Literal("advertising")))
    assert any(r.focus == str(junk) and r.path == AK + "junkKind" for r in results(data, shapes))


def test_checksum_is_a_sha256(data, shapes):
    checksum = URIRef(f"{BASE}document/000_233c5097a7797f3f#sha256")
    spdx = Namespace("http://spdx.org/rdf/terms#")
    data.set((checksum, spdx.checksumValue, Literal("abc", datatype=XSD.hexBinary)))
    assert any(r.focus == str(checksum) for r in results(data, shapes))


OVERLAP_SHAPE = URIRef(f"{BASE}shapes#OverlapShape")


def test_overlap_warning_comes_from_the_overlap_shape(data, shapes):
    _claim(data, "004_704bd78250eadceb", "test-alliance", "Iran", "alliedWith", "Iraq", 1985, 1990)
    assert {r.shape for r in results(data, shapes, "Warning")} == {str(OVERLAP_SHAPE)}


def test_same_relation_with_opposite_polarity_overlapping_is_a_warning(data, shapes):
    doc = "004_704bd78250eadceb"
    yes = _claim(data, doc, "test-allied", "Iran", "tradesWith", "Syria", 2000, 2010)
    no = _claim(data, doc, "test-not-allied", "Syria", "tradesWith", "Iran", 2005, None)   # symmetric
    data.set((no, URIRef(AK + "polarity"), URIRef(AK + "Negated")))
    for claim in (yes, no):      # the overlap targets select typed claims only
        data.add((claim, RDF.type, URIRef(AK + "Claim")))
    focus = {r.focus for r in results(data, shapes, "Warning") if r.shape == str(OVERLAP_SHAPE)}
    assert {str(yes), str(no)} <= focus


def test_claim_without_time_is_never_compared(data, shapes):
    claim = _claim(data, "004_704bd78250eadceb", "test-alliance", "Iran", "alliedWith", "Iraq", 1985, 1990)
    data.remove((claim, URIRef(AK + "validDuring"), None))
    assert results(data, shapes, "Warning") == []


def test_claim_source_must_be_a_document(data, shapes):
    data.set((CLAIM, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(ID + "Iran")))
    assert any(r.focus == str(CLAIM) and r.path == "http://www.w3.org/ns/prov#wasDerivedFrom"
               for r in results(data, shapes))


def test_claim_has_exactly_one_polarity(data, shapes):
    data.add((CLAIM, URIRef(AK + "polarity"), URIRef(AK + "Negated")))
    assert any(r.focus == str(CLAIM) and r.path == AK + "polarity" for r in results(data, shapes))


def test_inference_record_names_an_owl_rl_rule(data, shapes):
    record = URIRef(f"{BASE}inference/0123456789abcdef")
    data.add((record, RDF.type, URIRef(AK + "Inference")))
    data.add((record, RDF.subject, URIRef(ID + "Iraq")))
    data.add((record, RDF.predicate, URIRef(AK + "alliedWith")))
    data.add((record, RDF.object, URIRef(ID + "Iran")))
    data.add((record, URIRef(AK + "rule"), Literal("prp-symp")))
    assert results(data, shapes) == []
    data.set((record, URIRef(AK + "rule"), Literal("because I said so")))
    assert any(r.focus == str(record) and r.path == AK + "rule" for r in results(data, shapes))
