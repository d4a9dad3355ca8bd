"""The one vocabulary module: the namespaces we use, their prefixes, and what the ontology says of
its relations (which are symmetric, which are cooperative or hostile).

Prefixes are one table so that Turtle, JSON-LD, SPARQL and the query UI agree. Relation facts are
read from the ontology itself (ontology/alliance.ttl), never restated in code: a property declared
owl:SymmetricProperty is drawn without an arrowhead, one under ak:hostileTie is hostile, and so on.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

# The vocabularies we reuse (our own ak: and id: depend on the base IRI: see graph/iris.py).
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "spdx": "http://spdx.org/rdf/terms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "wd": "http://www.wikidata.org/entity/",
}

SKOS = Namespace(PREFIXES["skos"])
DCTERMS = Namespace(PREFIXES["dcterms"])
PROV = Namespace(PREFIXES["prov"])
OA = Namespace(PREFIXES["oa"])
TIME = Namespace(PREFIXES["time"])
ORG = Namespace(PREFIXES["org"])
SCHEMA = Namespace(PREFIXES["schema"])
SPDX = Namespace(PREFIXES["spdx"])
WD = Namespace(PREFIXES["wd"])
VOID = Namespace(PREFIXES["void"])
DCAT = Namespace(PREFIXES["dcat"])
SD = Namespace(PREFIXES["sd"])
SH = Namespace(PREFIXES["sh"])

# The published ontology's own IRI: relation facts are read under it and rebased by callers.
ONTOLOGY_NAMESPACE = "https://w3id.org/alliance-kg/ontology#"


@dataclass(frozen=True)
class Relation:
    """What the ontology says of one property that ties two actors."""

    local_name: str
    tie: str              # "cooperative", "hostile" or "other" (from ak:cooperativeTie / ak:hostileTie)
    symmetric: bool       # owl:SymmetricProperty: no direction to draw or to read
    ancestors: frozenset  # local names of every ak: super-property, transitively
    # The ak: relation that declares itself owl:inverseOf this one (proxyOf → hasProxy): a statement
    # with this relation is the same fact as one with that relation turned around. None otherwise.
    inverse_of: str | None = None


@lru_cache(maxsize=4)
def relations(ontology_file: Path | None = None) -> dict[str, Relation]:
    """Every ak: relation below ak:relation, by local name, read from the ontology."""
    if ontology_file is None:
        from alliance_kg.graph.config import packaged_ontology_dir
        ontology_file = packaged_ontology_dir() / "alliance.ttl"
    graph = Graph().parse(ontology_file, format="turtle")
    ak = Namespace(ONTOLOGY_NAMESPACE)

    def local(term) -> str | None:
        return str(term)[len(ONTOLOGY_NAMESPACE):] if str(term).startswith(ONTOLOGY_NAMESPACE) else None

    out = {}
    for prop in graph.subjects(RDFS.subPropertyOf * "+", ak.relation):  # type: ignore[operator]
        name = local(prop)
        if name is None or prop == ak.relation:
            continue
        ancestors = frozenset(filter(None, (local(a) for a in graph.transitive_objects(prop, RDFS.subPropertyOf)
                                            if a != prop)))
        tie = "cooperative" if "cooperativeTie" in ancestors else "hostile" if "hostileTie" in ancestors else "other"
        inverse_of = next(filter(None, (local(s) for s in graph.subjects(OWL.inverseOf, prop))), None)
        out[name] = Relation(name, tie, (prop, RDF.type, OWL.SymmetricProperty) in graph, ancestors, inverse_of)
    return out


def is_symmetric(iri: URIRef | str, ontology_namespace: str) -> bool:
    """Is this relation (an IRI under our base's ontology namespace) declared symmetric?"""
    iri = str(iri)
    if not iri.startswith(ontology_namespace):
        return False
    relation = relations().get(iri[len(ontology_namespace):])
    return bool(relation and relation.symmetric)


@lru_cache(maxsize=1)
def organization_classes() -> frozenset:
    """Local names of our classes under org:Organization: what ak:leads accepts as its object."""
    from alliance_kg.graph.config import packaged_ontology_dir
    graph = Graph().parse(packaged_ontology_dir() / "alliance.ttl", format="turtle")
    return frozenset(str(c)[len(ONTOLOGY_NAMESPACE):] for c in graph.transitive_subjects(RDFS.subClassOf, ORG.Organization)
                     if str(c).startswith(ONTOLOGY_NAMESPACE))
