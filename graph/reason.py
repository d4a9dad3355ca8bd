"""OWL 2 RL reasoning with owlrl, publishing only the inferences that tell a user something.

owlrl's closure is fed a copy holding just the ontology, the actors and the direct triples: quotes,
offsets and document texts cannot take part in any relation inference, and one of owlrl's steps
compares every literal with every other, so leaving them out keeps the cost proportional to the
number of facts. The asserted graphs are never touched.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import _toPythonMapping

from alliance_kg.graph.iris import Iris

NON_USER_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")


@dataclass(frozen=True)
class Inference:
    triple: tuple
    rule: str          # OWL 2 RL rule name (OWL 2 Profiles, section 4.3)


@contextmanager
def rdflib_literal_parsing_kept():
    """owlrl swaps rdflib's process-wide table of literal parsers for its own and restores it only in
    part: its xsd:gYear parser stays and rejects valid years such as "2003+05:00", so every later
    SHACL run in the process would call them ill-typed. Put the table back exactly as it was."""
    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


def closure(ontology: Graph, actors: Graph, direct_triples) -> Graph:
    g = Graph()
    for source in (ontology, actors):
        for triple in source:
            g.add(triple)
    for triple in direct_triples:
        g.add(triple)
    with rdflib_literal_parsing_kept():
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return g


def _informative(triple, entity_prefix: str, top_relation: URIRef, ontology_ns: str) -> bool:
    s, p, o = triple
    if not (isinstance(s, URIRef) and str(s).startswith(entity_prefix)):
        return False
    if p == RDF.type:
        # Our own classes only: foaf:Agent, prov:Agent or schema:Place follow from them by the
        # ontology's subclass axioms for any consumer that wants them, and would triple the graph.
        return isinstance(o, URIRef) and str(o).startswith(ontology_ns)
    if p == top_relation or str(p).startswith(NON_USER_NAMESPACES):
        return False    # "related somehow", sameAs-to-self and friends: true but useless
    return isinstance(o, URIRef) and str(o).startswith(entity_prefix) or isinstance(o, Literal)


def justify(triple, g: Graph) -> str | None:
    """The first OWL 2 RL rule that derives this triple from other triples of the closure."""
    s, p, o = triple
    if p == RDF.type:
        for q in g.subjects(RDFS.domain, o):
            if next(g.objects(s, q), None) is not None:
                return "prp-dom"
        for q in g.subjects(RDFS.range, o):
            if next(g.subjects(q, s), None) is not None:
                return "prp-rng"
        for d in g.subjects(RDFS.subClassOf, o):
            if d != o and (s, RDF.type, d) in g:
                return "cax-sco"
        return None
    if (p, RDF.type, OWL.SymmetricProperty) in g and (o, p, s) in g:
        return "prp-symp"
    for q in g.subjects(OWL.inverseOf, p):      # q owl:inverseOf p, o q s  =>  s p o
        if (o, q, s) in g:
            return "prp-inv1"
    for q in g.objects(p, OWL.inverseOf):       # p owl:inverseOf q, o q s  =>  s p o
        if (o, q, s) in g:
            return "prp-inv2"
    if (p, RDF.type, OWL.TransitiveProperty) in g:
        for x in g.objects(s, p):
            if x not in (s, o) and (x, p, o) in g:
                return "prp-trp"
    for q in g.subjects(RDFS.subPropertyOf, p):
        if q != p and (s, q, o) in g:
            return "prp-spo1"
    return None


def infer(ontology: Graph, actors: Graph, direct_triples, iris: Iris) -> list[Inference]:
    asserted = set(ontology) | set(actors) | set(direct_triples)
    g = closure(ontology, actors, direct_triples)
    entity_prefix = iris.base + "id/"
    top = iris.term("relation")
    found = []
    for triple in g:
        if triple in asserted or not _informative(triple, entity_prefix, top, str(iris.ONT)):
            continue
        rule = justify(triple, g)
        if rule is not None:    # a triple no rule explains is an owlrl artefact (axiomatic), not news
            found.append(Inference(triple, rule))
    found.sort(key=lambda i: tuple(t.n3() for t in i.triple))
    return found


def add_inferences(g: Graph, inferences: list[Inference], iris: Iris) -> None:
    for inference in inferences:
        s, p, o = inference.triple
        g.add((s, p, o))
        record = iris.inference(s, p, o)
        g.add((record, RDF.type, iris.term("Inference")))
        g.add((record, RDF.subject, s))
        g.add((record, RDF.predicate, p))
        g.add((record, RDF.object, o))
        g.add((record, iris.term("rule"), Literal(inference.rule)))
