"""OWL 2 RL reasoning with owlrl, publishing only the inferences that tell a user something.

owlrl's closure is fed a copy holding just the ontology, the actors and the direct triples: quotes,
offsets and document texts cannot take part in any relation inference, and one of owlrl's steps
compares every literal with every other, so leaving them out keeps the cost proportional to the
number of facts. The asserted graphs are never touched.

owlrl is the reference engine, but its fixpoint walks every triple of the graph once per round in pure
Python (minutes at 100× the seeds). `infer` therefore lets owlrl close the ontology alone (the schema:
sub-properties, sub-classes, domains, ranges, inverses, all entailed) and applies the instance rules
of OWL 2 RL that this schema can trigger (prp-dom, prp-rng, prp-symp, prp-trp, prp-spo1, prp-inv1/2,
cax-sco) itself, over indexed sets. When the ontology or the data use anything else that OWL 2 RL
reasons with (equality, class expressions, keys, chains, functional properties with two values...),
the whole closure is left to owlrl. tests/test_reasoning_engines.py shows both give the same
inferences, rules included, on the seeds and on a synthetic corpus.
"""
from __future__ import annotations

from collections import defaultdict
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


def infer_reference(ontology: Graph, actors: Graph, direct_triples, iris: Iris) -> list[Inference]:
    """The inferences as owlrl alone finds them (the reference for `infer`)."""
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


# What OWL 2 RL reasons with besides the rules `Closure` applies: if the schema or the data use any of
# it, `infer` leaves the closure to owlrl.
OTHER_VOCABULARY = {OWL[name] for name in (
    "sameAs", "differentFrom", "AllDifferent", "equivalentClass", "equivalentProperty", "intersectionOf", "unionOf",
    "complementOf", "oneOf", "someValuesFrom", "allValuesFrom", "hasValue", "maxCardinality", "maxQualifiedCardinality",
    "onProperty", "hasKey", "propertyChainAxiom", "disjointWith", "AllDisjointClasses", "propertyDisjointWith",
    "AllDisjointProperties", "AsymmetricProperty", "IrreflexiveProperty", "InverseFunctionalProperty",
    "NegativePropertyAssertion", "Nothing")}


class Closure:
    """The OWL 2 RL closure of facts under a schema already closed by owlrl (`schema`), by the instance
    rules prp-dom, prp-rng, prp-symp, prp-trp, prp-spo1, prp-inv1, prp-inv2 and cax-sco."""

    def __init__(self, schema: Graph):
        self.schema = schema
        self.super_props: dict = defaultdict(set)
        for p, q in schema.subject_objects(RDFS.subPropertyOf):
            if p != q:
                self.super_props[p].add(q)
        self.super_classes: dict = defaultdict(set)
        for c, d in schema.subject_objects(RDFS.subClassOf):
            if c != d:
                self.super_classes[c].add(d)
        self.domains: dict = defaultdict(set)
        for p, c in schema.subject_objects(RDFS.domain):
            self.domains[p].add(c)
        self.ranges: dict = defaultdict(set)
        for p, c in schema.subject_objects(RDFS.range):
            self.ranges[p].add(c)
        self.inverses: dict = defaultdict(set)
        for p, q in schema.subject_objects(OWL.inverseOf):
            self.inverses[p].add(q)
            self.inverses[q].add(p)
        self.symmetric = set(schema.subjects(RDF.type, OWL.SymmetricProperty))
        self.transitive = set(schema.subjects(RDF.type, OWL.TransitiveProperty))
        self.functional = set(schema.subjects(RDF.type, OWL.FunctionalProperty))
        self.triples: set = set()
        self.objects: dict = defaultdict(set)     # (s, p) -> objects
        self.subjects: dict = defaultdict(set)    # (p, o) -> subjects

    @staticmethod
    def applicable(triples) -> bool:
        """No OWL vocabulary outside the engine's rules (owlrl's reflexive axioms, such as x owl:sameAs x
        or C owl:equivalentClass C, entail nothing new)."""
        return not any((p in OTHER_VOCABULARY or o in OTHER_VOCABULARY) and s != o for s, p, o in triples)

    def add_all(self, triples) -> None:
        todo = [t for t in triples if t not in self.triples]
        for t in todo:
            self._store(t)
        while todo:
            s, p, o = todo.pop()
            new = []
            if p == RDF.type:
                new.extend((s, RDF.type, d) for d in self.super_classes.get(o, ()))
            new.extend((s, RDF.type, c) for c in self.domains.get(p, ()))
            if not isinstance(o, Literal):
                new.extend((o, RDF.type, c) for c in self.ranges.get(p, ()))
            new.extend((s, q, o) for q in self.super_props.get(p, ()))
            if p in self.symmetric:
                new.append((o, p, s))
            new.extend((o, q, s) for q in self.inverses.get(p, ()))
            if p in self.transitive:
                new.extend((s, p, z) for z in list(self.objects.get((o, p), ())))
                new.extend((x, p, o) for x in list(self.subjects.get((p, s), ())))
            for t in new:
                if t not in self.triples:
                    self._store(t)
                    todo.append(t)

    def _store(self, t) -> None:
        s, p, o = t
        self.triples.add(t)
        self.objects[(s, p)].add(o)
        self.subjects[(p, o)].add(s)

    def consistent_with_rules(self) -> bool:
        """False when the facts make owlrl do what this engine does not (equality from a functional
        property with two values, or any OWL vocabulary outside these rules among the facts)."""
        for (s, p), values in self.objects.items():
            if p in self.functional and len(values) > 1:
                return False
        return self.applicable(self.triples)

    def justify(self, triple) -> str | None:
        """`justify` over this closure: the same rules, in the same order."""
        s, p, o = triple
        schema = self.schema
        if p == RDF.type:
            for q in schema.subjects(RDFS.domain, o):
                if self.objects.get((s, q)):
                    return "prp-dom"
            for q in schema.subjects(RDFS.range, o):
                if self.subjects.get((q, s)):
                    return "prp-rng"
            for d in schema.subjects(RDFS.subClassOf, o):
                if d != o and (s, RDF.type, d) in self.triples:
                    return "cax-sco"
            return None
        if p in self.symmetric and (o, p, s) in self.triples:
            return "prp-symp"
        for q in schema.subjects(OWL.inverseOf, p):
            if (o, q, s) in self.triples:
                return "prp-inv1"
        for q in schema.objects(p, OWL.inverseOf):
            if (o, q, s) in self.triples:
                return "prp-inv2"
        if p in self.transitive:
            for x in self.objects.get((s, p), ()):
                if x not in (s, o) and (x, p, o) in self.triples:
                    return "prp-trp"
        for q in schema.subjects(RDFS.subPropertyOf, p):
            if q != p and (s, q, o) in self.triples:
                return "prp-spo1"
        return None


def infer(ontology: Graph, actors: Graph, direct_triples, iris: Iris, schema: Graph | None = None) -> list[Inference]:
    """The informative inferences and the rule of each (see the module's docstring). `schema`: owlrl's
    closure of the ontology alone, if the caller has it already."""
    schema = schema if schema is not None else closure(ontology, Graph(), [])
    if not Closure.applicable(schema):
        return infer_reference(ontology, actors, direct_triples, iris)
    asserted = set(ontology) | set(actors) | set(direct_triples)
    engine = Closure(schema)
    engine.add_all(schema)
    engine.add_all(asserted)
    if not engine.consistent_with_rules():
        return infer_reference(ontology, actors, direct_triples, iris)
    entity_prefix = iris.base + "id/"
    top = iris.term("relation")
    found = []
    for triple in engine.triples:
        if triple in asserted or not _informative(triple, entity_prefix, top, str(iris.ONT)):
            continue
        rule = engine.justify(triple)
        if rule is not None:
            found.append(Inference(triple, rule))
    found.sort(key=lambda i: tuple(t.n3() for t in i.triple))
    return found
def inference_triples(inferences: list[Inference], iris: Iris) -> list[tuple]:
    """The inferred graph: each inferred triple, and its record naming the rule."""
    out = []
    for inference in inferences:
        s, p, o = inference.triple
        record = iris.inference(s, p, o)
        out += [(s, p, o), (record, RDF.type, iris.term("Inference")), (record, RDF.subject, s),
                (record, RDF.predicate, p), (record, RDF.object, o), (record, iris.term("rule"), Literal(inference.rule))]
    return out


def add_inferences(g: Graph, inferences: list[Inference], iris: Iris) -> None:
    for triple in inference_triples(inferences, iris):
        g.add(triple)
