"""The one place IRIs are minted (and recognised).

Every IRI the dataset contains that is ours is built here from the configured base, so that the
pipeline, the server and the tests agree on its shape:

    <base>id/<Name>                          an actor, place or event
    <base>document/<doc>                     a source document
    <base>claim/<doc>/<slug>                 a claim made by that document
    <base>claim/<doc>/<slug>#evidence-<n>    its n-th piece of evidence (and -target, -quote, -position)
    <base>claim/<doc>/<slug>#time            its time interval (and -start, -end)
    <base>document/<doc>#junk-<n>            a segment of the document that is web junk
    <base>text/<doc>                         the document's stored text, byte for byte (its dcterms:source:
                                             what the evidence offsets count into and the SHA-256 is of)
    <base>graph/<name>                       a named graph (ontology, actors, inferred, document/<doc>)
    <base>inference/<hash>                   the record of why a triple was inferred
    <base>ontology#<Term>                    an ontology term; <base>ontology is the ontology itself
    <base>shapes#<Shape>                     a SHACL shape
    <base>dataset, <base>sparql              the dataset (VoID/DCAT) and its SPARQL service
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef

from alliance_kg.graph.config import DEFAULT_BASE

# Names that appear in IRI paths: kept to a safe, readable alphabet so that no IRI needs escaping.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")

class InvalidName(ValueError):
    """A name that cannot become part of one of our IRIs."""


def check_name(name: str, what: str = "name") -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InvalidName(f"{what} {name!r} must match {NAME_PATTERN.pattern}")
    return name


@dataclass(frozen=True)
class ParsedIri:
    """What one of our IRIs denotes: kind is one of the keys of Iris.KINDS."""

    kind: str
    key: str          # the path after the kind's prefix, e.g. "Iran" or "000_x/iran-allied-iraq"
    fragment: str | None = None


class Iris:
    KINDS = ("id", "document", "text", "claim", "graph", "inference", "ontology", "shapes", "dataset", "sparql")

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {base!r}")
        self.base = base
        self.ONT = Namespace(base + "ontology#")
        self.SHAPES = Namespace(base + "shapes#")
        self.ontology = URIRef(base + "ontology")
        self.shapes = URIRef(base + "shapes")
        self.dataset = URIRef(base + "dataset")
        self.sparql = URIRef(base + "sparql")
        self.ontology_graph = self.graph("ontology")
        self.actors_graph = self.graph("actors")
        self.inferred_graph = self.graph("inferred")

    # -- minting -------------------------------------------------------------------------------
    def entity(self, name: str) -> URIRef:
        return URIRef(f"{self.base}id/{check_name(name, 'actor id')}")

    def document(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}document/{check_name(doc_id, 'document id')}")

    def text(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}text/{check_name(doc_id, 'document id')}")

    def claim(self, doc_id: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}claim/{check_name(doc_id, 'document id')}/{check_name(slug, 'claim id')}")

    @staticmethod
    def language(code: str) -> URIRef:
        """A language as a resource (dcterms:language's range is dcterms:LinguisticSystem): the Library
        of Congress's ISO 639-1 IRI for a two-letter code, ISO 639-2 for a three-letter one."""
        code = code.strip().lower()
        scheme = "iso639-1" if len(code) == 2 else "iso639-2"
        return URIRef(f"http://id.loc.gov/vocabulary/{scheme}/{code}")

    @staticmethod
    def part(resource: URIRef, fragment: str) -> URIRef:
        """A sub-resource that lives on its parent's page (evidence, selectors, time, junk)."""
        return URIRef(f"{resource}#{fragment}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    def document_graph(self, doc_id: str) -> URIRef:
        return self.graph(f"document/{check_name(doc_id, 'document id')}")

    def inference(self, s: URIRef, p: URIRef, o) -> URIRef:
        digest = hashlib.sha256(f"{s.n3()} {p.n3()} {o.n3()}".encode()).hexdigest()[:16]
        return URIRef(f"{self.base}inference/{digest}")

    def term(self, local: str) -> URIRef:
        return self.ONT[local]

    # -- recognising ---------------------------------------------------------------------------
    def parse(self, iri: str) -> ParsedIri | None:
        """Which of our IRIs this is, or None when it is not under our base."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base):]
        rest, _, fragment = rest.partition("#")
        kind, _, key = rest.partition("/")
        if kind not in self.KINDS:
            return None
        return ParsedIri(kind=kind, key=key, fragment=fragment or None)
