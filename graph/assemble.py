"""Assemble the curated records and anchored evidence into the RDF dataset (see ontology/MODEL.md).

No blank nodes anywhere: every node has an IRI from graph/iris.py, so two builds of the same input
are identical and every node can be dereferenced.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef

from alliance_kg.graph.anchor import Anchor
from alliance_kg.graph.clean import SourceText
from alliance_kg.graph.curation import ActorRecord, ClaimRecord, Origin, suggest, unknown_actor
from alliance_kg.graph.iris import Iris
from alliance_kg.graph.load import working_graph
from alliance_kg.graph.vocabulary import DCTERMS, OA, ORG, PREFIXES, PROV, SCHEMA, SKOS, SPDX, TIME, WD

SUPPORT_KIND_TERMS = {"financial": "FinancialSupport", "military": "MilitarySupport",
                      "training": "TrainingSupport", "political": "PoliticalSupport",
                      "diplomatic": "DiplomaticSupport", "economic": "EconomicSupport"}
# Relations reused from W3C ORG that claims may use besides the ak:relation hierarchy.
REUSED_RELATIONS = (ORG.subOrganizationOf,)


@dataclass
class ClaimVocabulary:
    """What the ontology lets a claim say: which relations exist and what their objects are."""

    relations: dict[URIRef, str]          # property -> "object" | "datatype"
    ranges: dict[URIRef, URIRef]
    iris: Iris
    ontology: Graph

    @classmethod
    def from_ontology(cls, ontology: Graph, iris: Iris) -> "ClaimVocabulary":
        top = iris.term("relation")
        relations: dict[URIRef, str] = {}
        for prop in ontology.transitive_subjects(RDFS.subPropertyOf, top):
            relations[prop] = "object"
        for prop in REUSED_RELATIONS:
            if (prop, RDF.type, OWL.ObjectProperty) in ontology:
                relations[prop] = "object"
        for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
            if (prop, RDFS.domain, iris.term("Actor")) in ontology:
                relations[prop] = "datatype"
        relations.pop(top, None)
        ranges = {p: r for p in relations for r in ontology.objects(p, RDFS.range)}
        return cls(relations, ranges, iris, ontology)

    def is_support(self, prop: URIRef) -> bool:
        return self.iris.term("supports") in set(self.ontology.transitive_objects(prop, RDFS.subPropertyOf))

    def label(self, prop: URIRef) -> str:
        return str(self.ontology.value(prop, RDFS.label) or self.short(prop))

    def resolve(self, claim: ClaimRecord) -> URIRef:
        name = claim.relation
        if ":" in name:
            prefix, _, local = name.partition(":")
            namespace = self.iris.ONT if prefix == "ak" else PREFIXES.get(prefix)
            if namespace is None:
                raise claim.fields.error("relation", f"unknown prefix {prefix!r} in {name!r}")
            iri = URIRef(f"{namespace}{local}")
        else:
            iri = self.iris.term(name)
        if iri not in self.relations:
            known = [self.short(p) for p in self.relations]
            raise claim.fields.error("relation", f"{name!r} is not a relation of the ontology{suggest(name, known)}")
        return iri

    def short(self, prop: URIRef) -> str:
        text = str(prop)
        if text.startswith(str(self.iris.ONT)):
            return text[len(str(self.iris.ONT)):]
        return "org:" + text[len(str(ORG)):] if text.startswith(str(ORG)) else text


@dataclass
class DocumentPart:
    """One document's share of the build. `graph` is its named graph while the build works on it; what
    the rest of the build needs afterwards is plain data, kept between builds by graph/cache.py."""

    doc_id: str
    key: str                       # the hash of everything the part depends on (graph/cache.py)
    graph: Graph | None            # None once serialised, and for a part taken from the cache
    direct_triples: list           # (s, p, o) of its affirmed claims: the facts reasoning reads
    claims: int
    evidence: int
    index: bytes = b""               # what the shapes spanning documents read of it (N-Triples)
    results: list | None = None    # its validation results (report triples); None: not validated yet
    nquads: bytes = b""            # its named graph as sorted N-Quads lines
    jsonld: list = field(default_factory=list)     # its named graph as compacted JSON-LD node objects
    passages: list = field(default_factory=list)   # its rows of the search index
    claim_rows: list = field(default_factory=list) # its claims, flat, for the search index's facet table


@dataclass
class AssembledDataset:
    """The asserted named graphs: the ontology, the actors, and one part per document."""

    iris: Iris
    ontology: Graph
    actors: Graph
    documents: dict[str, DocumentPart] = field(default_factory=dict)
    origins: dict[URIRef, Origin] = field(default_factory=dict)
    counts: dict = field(default_factory=dict)

    @property
    def direct_triples(self) -> list:
        return [t for doc_id in sorted(self.documents) for t in self.documents[doc_id].direct_triples]

    def graphs(self) -> dict[URIRef, Graph]:
        """Every asserted named graph as an rdflib Graph (parsed back for a cached or serialised part):
        for tests and small corpora, not for the build itself."""
        out = {self.iris.ontology_graph: self.ontology, self.iris.actors_graph: self.actors}
        for doc_id, part in sorted(self.documents.items()):
            if part.graph is not None:
                out[self.iris.document_graph(doc_id)] = part.graph
            else:
                g = Graph()
                g.parse(data=part.nquads.decode("utf-8").replace(f" <{self.iris.document_graph(doc_id)}> .\n", " .\n"),
                        format="nt")
                out[self.iris.document_graph(doc_id)] = g
        return out

    @property
    def dataset(self) -> Dataset:
        ds = Dataset()
        for name, graph in self.graphs().items():
            target = ds.graph(name)
            for triple in graph:
                target.add(triple)
        return ds


def add_actors(g: Graph, actors: dict[str, ActorRecord], iris: Iris, origins: dict) -> None:
    for actor in actors.values():
        node = iris.entity(actor.id)
        origins[node] = actor.origin
        g.add((node, RDF.type, iris.term(actor.cls)))
        g.add((node, RDFS.label, Literal(actor.label, lang="en")))
        g.add((node, SKOS.prefLabel, Literal(actor.label, lang="en")))
        for alt in actor.alt_labels:
            g.add((node, SKOS.altLabel, Literal(alt, lang="en")))
        if actor.description:
            g.add((node, DCTERMS.description, Literal(actor.description, lang="en")))
        if actor.government_of:
            g.add((node, iris.term("governmentOf"), iris.entity(actor.government_of)))
        if actor.wikidata:
            g.add((node, SCHEMA.sameAs, WD[actor.wikidata.qid]))


def add_document(g: Graph, source: SourceText, iris: Iris) -> URIRef:
    record = source.record
    doc = iris.document(record.id)
    g.add((doc, RDF.type, iris.term("SourceDocument")))
    g.add((doc, DCTERMS.title, Literal(record.title, lang=record.language)))
    g.add((doc, RDFS.label, Literal(record.title, lang=record.language)))
    g.add((doc, DCTERMS.identifier, Literal(record.id)))
    g.add((doc, DCTERMS.language, Iris.language(record.language)))
    # The stored text the offsets count into, served at this IRI byte for byte (server/views/resources.py).
    g.add((doc, DCTERMS.source, iris.text(record.id)))
    if record.url:           # the original web address, when the curators know it
        g.add((doc, SCHEMA.url, URIRef(record.url)))
    g.add((doc, SCHEMA.text, Literal(source.text)))
    checksum = Iris.part(doc, "sha256")
    g.add((doc, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(source.sha256, datatype=XSD.hexBinary)))
    for n, segment in enumerate(source.junk, start=1):
        junk = Iris.part(doc, f"junk-{n}")
        selector = Iris.part(doc, f"junk-{n}-position")
        g.add((doc, iris.term("junkSegment"), junk))
        g.add((junk, RDF.type, iris.term("JunkSegment")))
        g.add((junk, iris.term("junkKind"), Literal(segment.kind)))
        g.add((junk, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.TextPositionSelector))
        g.add((selector, OA.start, Literal(segment.start, datatype=XSD.integer)))
        g.add((selector, OA.end, Literal(segment.end, datatype=XSD.integer)))
    return doc


def _object_term(claim: ClaimRecord, relation: URIRef, vocabulary: ClaimVocabulary, iris: Iris,
                 actors: dict[str, ActorRecord]):
    if vocabulary.relations[relation] == "datatype":
        datatype = vocabulary.ranges.get(relation, XSD.string)
        if datatype in (XSD.nonNegativeInteger, XSD.integer, XSD.positiveInteger):
            if not isinstance(claim.object, int) or isinstance(claim.object, bool) or claim.object < 0:
                raise claim.fields.error("object", f"{vocabulary.short(relation)} needs a non-negative whole number, not {claim.object!r}")
        # Integers are published as xsd:integer, whatever the range's derived type (ontology/README.md):
        # stores keep only xsd:integer, and the dumps must equal what the endpoint returns.
        return Literal(claim.object, datatype=XSD.integer if datatype in (XSD.nonNegativeInteger, XSD.positiveInteger)
                       else datatype)
    if not isinstance(claim.object, str) or claim.object not in actors:
        raise claim.fields.error("object", unknown_actor(claim.object, actors))
    return iris.entity(claim.object)


def add_claim(g: Graph, claim: ClaimRecord, anchors: list[Anchor], doc: URIRef, vocabulary: ClaimVocabulary,
              iris: Iris, actors: dict[str, ActorRecord]) -> tuple | None:
    relation = vocabulary.resolve(claim)
    if claim.support and not vocabulary.is_support(relation):
        raise claim.fields.error("support", f"support kinds only qualify 'supports' claims, not {claim.relation!r}")
    subject, obj = iris.entity(claim.subject), _object_term(claim, relation, vocabulary, iris, actors)
    node = iris.claim(claim.document, claim.id)
    # (looked up, not a table of every actor made per claim: that was quadratic in the corpus size)
    subject_label = actors[claim.subject].label
    object_label = actors[claim.object].label if isinstance(claim.object, str) and claim.object in actors else str(claim.object)
    label = f"{subject_label} {vocabulary.label(relation)} {object_label}"
    g.add((node, RDF.type, iris.term("Claim")))
    g.add((node, RDFS.label, Literal(label + (" (denied)" if claim.polarity == "negated" else ""), lang="en")))
    g.add((node, RDF.subject, subject))
    g.add((node, RDF.predicate, relation))
    g.add((node, RDF.object, obj))
    g.add((node, iris.term("modality"), iris.term("Hedged" if claim.modality == "hedged" else "Asserted")))
    g.add((node, iris.term("polarity"), iris.term("Negated" if claim.polarity == "negated" else "Affirmed")))
    if claim.hedge:
        g.add((node, iris.term("hedgeCue"), Literal(claim.hedge)))
    for kind in claim.support:
        g.add((node, iris.term("supportKind"), iris.term(SUPPORT_KIND_TERMS[kind])))
    if claim.note:
        g.add((node, SKOS.editorialNote, Literal(claim.note, lang="en")))
    g.add((node, PROV.wasDerivedFrom, doc))
    if claim.time:
        add_time(g, node, claim, iris)
    for n, anchor in enumerate(anchors, start=1):
        add_evidence(g, node, n, anchor, doc, iris)
    if claim.polarity == "affirmed":
        g.add((subject, relation, obj))
        return subject, relation, obj
    return None


def check_claim(claim: ClaimRecord, vocabulary: ClaimVocabulary, iris: Iris, actors: dict[str, ActorRecord]) -> None:
    """Raise the CurationError add_claim would raise, without adding anything (to report them all first)."""
    relation = vocabulary.resolve(claim)
    if claim.support and not vocabulary.is_support(relation):
        raise claim.fields.error("support", f"support kinds only qualify 'supports' claims, not {claim.relation!r}")
    _object_term(claim, relation, vocabulary, iris, actors)


def add_time(g: Graph, node: URIRef, claim: ClaimRecord, iris: Iris) -> None:
    interval = Iris.part(node, "time")
    g.add((node, iris.term("validDuring"), interval))
    g.add((interval, RDF.type, TIME.Interval))
    t = claim.time
    text = t.text or f"{t.start if t.start is not None else '…'}–{t.end if t.end is not None else '…'}"
    g.add((interval, RDFS.label, Literal(text, lang="en")))
    for key, year, prop in (("start", t.start, TIME.hasBeginning), ("end", t.end, TIME.hasEnd)):
        if year is None:
            continue
        instant = Iris.part(node, f"time-{key}")
        g.add((interval, prop, instant))
        g.add((instant, RDF.type, TIME.Instant))
        g.add((instant, TIME.inXSDgYear, Literal(f"{year:04d}", datatype=XSD.gYear)))


def add_evidence(g: Graph, node: URIRef, n: int, anchor: Anchor, doc: URIRef, iris: Iris) -> None:
    annotation = Iris.part(node, f"evidence-{n}")
    target = Iris.part(node, f"evidence-{n}-target")
    quote = Iris.part(node, f"evidence-{n}-quote")
    position = Iris.part(node, f"evidence-{n}-position")
    g.add((node, iris.term("evidence"), annotation))
    g.add((annotation, RDF.type, OA.Annotation))
    g.add((annotation, OA.motivatedBy, OA.describing))
    g.add((annotation, OA.hasBody, node))
    g.add((annotation, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, doc))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, position))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(anchor.exact)))
    g.add((quote, OA.prefix, Literal(anchor.prefix)))
    g.add((quote, OA.suffix, Literal(anchor.suffix)))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(anchor.start, datatype=XSD.integer)))
    g.add((position, OA.end, Literal(anchor.end, datatype=XSD.integer)))


def assemble_document(iris: Iris, vocabulary: ClaimVocabulary, actors: dict[str, ActorRecord], source: SourceText,
                      claims: list[ClaimRecord], anchors: dict[URIRef, list[Anchor]], key: str = "") -> DocumentPart:
    """One document's named graph: its description and its claims (the claims given are the document's)."""
    g = working_graph()
    doc = add_document(g, source, iris)
    direct, evidence = [], 0
    for claim in claims:
        triple = add_claim(g, claim, anchors[iris.claim(claim.document, claim.id)], doc, vocabulary, iris, actors)
        evidence += len(claim.evidence)
        if triple:
            direct.append(triple)
    return DocumentPart(source.record.id, key, g, direct, len(claims), evidence)


def actors_graph(iris: Iris, actors: dict[str, ActorRecord], origins: dict) -> Graph:
    g = working_graph()
    add_actors(g, actors, iris, origins)
    return g


def add_origins(source: SourceText, claims: list[ClaimRecord], iris: Iris, origins: dict) -> None:
    """The curated file and line of every node a document's graph describes (for validation messages)."""
    origins[iris.document(source.record.id)] = source.record.origin
    for claim in claims:
        node = iris.claim(claim.document, claim.id)
        origins[node] = claim.origin
        for n, evidence in enumerate(claim.evidence, start=1):
            for suffix in ("", "-target", "-quote", "-position"):
                origins[Iris.part(node, f"evidence-{n}{suffix}")] = evidence.origin


def by_document(sources: dict[str, SourceText], claims: list[ClaimRecord]) -> dict[str, list[ClaimRecord]]:
    out: dict[str, list[ClaimRecord]] = {doc_id: [] for doc_id in sorted(sources)}
    for claim in claims:
        out[claim.document].append(claim)
    return out
