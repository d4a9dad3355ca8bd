"""The ontology: well-formed OWL, documented terms, and no axiom that makes history contradictory."""
from __future__ import annotations

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from graph.config import BuildConfig

AK = Namespace("https://w3id.org/alliance-kg/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY = URIRef("https://w3id.org/alliance-kg/ontology")


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(BuildConfig().ontology_file)


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
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False).expand(g)
    assert (None, RDF.type, OWL.Nothing) not in g
    assert (iran, OWL.sameAs, iraq) not in g
    assert (iraq, AK.cooperativeTie, iran) in g and (iraq, AK.hostileTie, iran) in g


def test_wikidata_link_is_schema_sameAs_not_owl_sameAs(ontology):
    comment = str(ontology.value(ONTOLOGY, RDFS.comment))
    assert "schema:sameAs" in comment and "owl:sameAs" in comment and "skos:exactMatch" in comment
