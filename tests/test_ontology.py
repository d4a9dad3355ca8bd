"""The ontology: well-formed OWL, documented terms, and no axiom that makes history contradictory."""
from __future__ import annotations

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.reason import rdflib_literal_parsing_kept

AK = Namespace("https://w3id.org/alliance-kg/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY = URIRef("https://w3id.org/alliance-kg/ontology")


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(BuildConfig.for_corpus().ontology_file)


def test_ontology_header(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionIRI, DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.created,
                 VANN.preferredNamespacePrefix):
        assert ontology.value(ONTOLOGY, prop) is not None, prop


def test_every_term_has_a_label_a_definition_and_is_defined_by(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(AK))}
    assert len(terms) > 60
    for term in terms:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, SKOS.definition) is not None, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_no_axiom_can_make_history_contradictory(ontology):
    for forbidden in (OWL.propertyDisjointWith, OWL.disjointWith, OWL.AllDisjointClasses,
                      OWL.AsymmetricProperty, OWL.IrreflexiveProperty):
        assert (None, None, forbidden) not in ontology and (None, forbidden, None) not in ontology


def test_war_then_alliance_stays_consistent(ontology):
    g = Graph()
    g += ontology
    iran, iraq = URIRef("urn:x:Iran"), URIRef("urn:x:Iraq")
    g.add((iran, RDF.type, AK.State))
    g.add((iraq, RDF.type, AK.State))
    g.add((iran, AK.atWarWith, iraq))
    g.add((iran, AK.alliedWith, iraq))
    with rdflib_literal_parsing_kept():   # as the build does: owlrl leaves rdflib changed otherwise
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False).expand(g)
    assert (None, RDF.type, OWL.Nothing) not in g
    assert (iran, OWL.sameAs, iraq) not in g
    assert (iraq, AK.cooperativeTie, iran) in g and (iraq, AK.hostileTie, iran) in g


def test_wikidata_link_is_schema_sameAs_not_owl_sameAs(ontology):
    comment = str(ontology.value(ONTOLOGY, RDFS.comment))
    assert "schema:sameAs" in comment and "owl:sameAs" in comment and "skos:exactMatch" in comment


# One tiny graph, closed once under OWL 2 RL: each axiom kind the data relies on must fire.
X = Namespace("urn:x:")
ORG = Namespace("http://www.w3.org/ns/org#")


@pytest.fixture(scope="module")
def closed(ontology):
    g = Graph()
    g += ontology
    g.add((X.Iran, AK.alliedWith, X.Iraq))                    # symmetric
    g.add((X.Iran, AK.hasProxy, X.KataibHezbollah))           # inverse proxyOf
    g.add((X.Houthis, AK.memberOf, X.Axis))                   # inverse + ORG super-properties
    g.add((X.Brigade, ORG.subOrganizationOf, X.PMF))          # transitive part-of
    g.add((X.PMF, ORG.subOrganizationOf, X.IraqiArmy))
    g.add((X.Iran, AK.atWarWith, X.Iraq))                     # atWarWith ⊑ hostileTo ⊑ hostileTie
    g.add((X.Iran, AK.shieldsDiplomatically, X.Syria))        # ⊑ supports ⊑ cooperativeTie
    g.add((X.Hezbollah, AK.operatesIn, X.Lebanon))            # domain Actor, range Place
    g.add((X.Houthis, AK.carriedOut, X.RedSeaAttack))         # range Event
    g.add((X.IranianGovernment, AK.governmentOf, X.Iran))     # domain Government, range State
    with rdflib_literal_parsing_kept():   # as the build does: owlrl leaves rdflib changed otherwise
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False).expand(g)
    return g


@pytest.mark.parametrize("s, p, o", [
    (X.Iraq, AK.alliedWith, X.Iran),
    (X.Iraq, AK.atWarWith, X.Iran),
    (X.KataibHezbollah, AK.proxyOf, X.Iran),
    (X.Axis, AK.hasMember, X.Houthis),
    (X.Houthis, ORG.memberOf, X.Axis),
    (X.Axis, ORG.hasMember, X.Houthis),
    (X.Brigade, ORG.transitiveSubOrganizationOf, X.IraqiArmy),
    (X.Iran, AK.hostileTo, X.Iraq),
    (X.Iran, AK.hostileTie, X.Iraq),
    (X.Iran, AK.supports, X.Syria),
    (X.Iran, AK.cooperativeTie, X.Syria),
    (X.Iran, AK.cooperativeTie, X.KataibHezbollah),
    (X.Hezbollah, RDF.type, AK.Actor),
    (X.Lebanon, RDF.type, AK.Place),
    (X.RedSeaAttack, RDF.type, AK.Event),
    (X.IranianGovernment, RDF.type, AK.Government),
    (X.Iran, RDF.type, AK.State),
    (X.Iran, RDF.type, AK.Place),                             # State ⊑ Place
])
def test_each_axiom_kind_fires_under_owl_rl(closed, s, p, o):
    assert (s, p, o) in closed


def test_the_tiny_graph_stays_consistent(closed):
    assert (None, RDF.type, OWL.Nothing) not in closed
    assert not any(a != b for a, b in closed.subject_objects(OWL.sameAs) if str(a).startswith("urn:x:"))
    # proxyOf is not symmetric: the proxy does not get a proxy of its own
    assert (X.KataibHezbollah, AK.hasProxy, X.Iran) not in closed
