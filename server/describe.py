"""What the pages and the linked-data documents say about a resource, fetched through the engine.

Only the engine's small interface is used (select), so the same code works over a remote store.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from alliance_kg.graph.vocabulary import PREFIXES
from alliance_kg.server.app import site

SPARQL_PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(PREFIXES.items()))


def _prefixes() -> str:
    iris = site().iris
    return f"{SPARQL_PREFIXES}\nPREFIX ak: <{iris.ONT}>\n"


def value(term) -> str | None:
    return None if term is None else term.value


# --- RDF: the quads a document about a resource holds ------------------------------------------

# A claim node and everything that hangs off it (its time, evidence, targets, selectors), as the
# model's fixed-length paths (ontology/MODEL.md) rather than `(…)*`: the same answer on a standard
# store, and also right on Virtuoso, which drops the zero-length matches of `*` from a variable start.
CLAIM_PART_PATHS = ("ak:validDuring", "ak:validDuring/time:hasBeginning", "ak:validDuring/time:hasEnd",
                    "ak:evidence", "ak:evidence/oa:hasTarget", "ak:evidence/oa:hasTarget/oa:hasSelector")


def claim_parts(claim: str) -> str:
    """A group binding ?s to the claim (a term or a variable) and to each of its parts."""
    return " UNION ".join([f"{{ {claim} a ak:Claim . BIND({claim} AS ?s) }}"] +
                          [f"{{ {claim} {path} ?s }}" for path in CLAIM_PART_PATHS])


def quads_about(iri: str, kind: str) -> list[ox.Quad]:
    """The quads of a resource's document, with their named graphs (the inferred ones apart).

    Each pattern starts from the resource: a claim or inference record is found by its rdf:subject or
    rdf:object and its type checked after (FILTER EXISTS), and a document's fragments are read in the
    graphs that describe it. Written the other way (every ak:Claim, every ak:Inference, every quad
    filtered by name), they cost 0.75 s per actor and 3.3 s per document at 100x, 8 and 10 ms this way.
    A fragment of a document is taken to live in a graph that describes the document itself."""
    e = f"<{iri}>"   # written into each pattern: SPARQL scopes a FILTER to its own group
    if kind == "id":
        pattern = f"""
          {{ GRAPH ?g {{ {e} ?p ?o }} BIND({e} AS ?s) }}
          UNION {{ GRAPH ?g {{ ?s ?p {e} }} BIND({e} AS ?o) FILTER(?p != rdf:subject && ?p != rdf:object) }}
          UNION {{ GRAPH ?cg {{ ?claim rdf:subject|rdf:object {e} FILTER EXISTS {{ ?claim a ak:Claim }} }}
                   GRAPH ?g {{ {claim_parts("?claim")} ?s ?p ?o }} }}
          UNION {{ GRAPH ?g {{ ?s rdf:subject|rdf:object {e} FILTER EXISTS {{ ?s a ak:Inference }} ?s ?p ?o }} }}"""
    elif kind == "claim":
        pattern = f"{{ GRAPH ?g {{ {claim_parts(e)} ?s ?p ?o }} }}"
    elif kind == "graph":
        pattern = f"{{ GRAPH {e} {{ ?s ?p ?o }} BIND({e} AS ?g) }}"
    else:   # a document: its own description, its junk segments and checksum (fragments of it)
        pattern = f"""{{ SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {e} ?p0 ?o0 }} }} }}
                      GRAPH ?g {{ ?s ?p ?o }} FILTER(?s = {e} || STRSTARTS(STR(?s), "{iri}#"))"""
    rows = site().engine.select(f"{_prefixes()} SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {pattern} }}", graphs="all")
    quads = {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}
    return sorted(quads, key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate), str(q.object)))


def graph_sample(iri: str, limit: int) -> tuple[int, list[ox.Quad]]:
    """How many triples a named graph holds, and `limit` of them (sorted), for its page: reading the
    whole graph to show a part of it took 10 s for the inferred graph at 100x."""
    e = f"<{iri}>"
    count = int(site().engine.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {e} {{ ?s ?p ?o }} }}", graphs="all")[0]["n"].value)
    rows = site().engine.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {e} {{ ?s ?p ?o }} }} LIMIT {limit}", graphs="all")
    quads = {ox.Quad(r["s"], r["p"], r["o"], ox.NamedNode(iri)) for r in rows}
    return count, sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


def exists(iri: str) -> bool:
    return site().engine.ask(f"ASK {{ {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} UNION {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} }}",
                             graphs="all")


# --- structured data for the pages ----------------------------------------------------------------

@dataclass
class Evidence:
    annotation: str
    quote: str
    document: str
    document_title: str
    start: int
    end: int


@dataclass
class Statement:
    """subject – relation – object, each with the label a page shows."""

    subject: str
    subject_label: str
    relation: str
    relation_label: str
    object: str
    object_label: str


@dataclass
class ClaimView(Statement):
    iri: str
    label: str
    object_is_iri: bool
    modality: str
    hedge: str | None
    polarity: str
    time: str | None
    support: list[str] = field(default_factory=list)
    note: str | None = None
    document: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def hedged(self) -> bool:
        return self.modality.endswith("Hedged")

    @property
    def denied(self) -> bool:
        return self.polarity.endswith("Negated")


@dataclass
class Inferred(Statement):
    rule: str                        # the OWL 2 RL rule names, comma-separated


# Relations the ontology does not label (they are RDF's own), in the words the pages use.
RELATION_WORDS = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "is a"}


def inferred_about(iri: str) -> list[Inferred]:
    rows = site().engine.select(_prefixes() + f"""
      SELECT ?s ?sLabel ?p ?pLabel ?o ?oLabel ?rule WHERE {{
        # the entity bound in each branch: the records are found through the index, not all filtered
        {{ GRAPH ?g {{ ?r rdf:subject <{iri}> ; a ak:Inference ; rdf:predicate ?p ; rdf:object ?o ; ak:rule ?rule }}
           BIND(<{iri}> AS ?s) }}
        UNION {{ GRAPH ?g {{ ?r rdf:object <{iri}> ; a ak:Inference ; rdf:predicate ?p ; rdf:subject ?s ; ak:rule ?rule }}
                 BIND(<{iri}> AS ?o) }}
        OPTIONAL {{ ?s rdfs:label ?sLabel }} OPTIONAL {{ ?p rdfs:label ?pLabel }} OPTIONAL {{ ?o rdfs:label ?oLabel }}
      }} ORDER BY ?pLabel ?sLabel ?oLabel""", graphs="all")
    # One row per sentence a reader sees: a fact derived twice (two records or two rules), or through
    # two properties of one meaning (ak:hasMember and org:hasMember), lists its rules together.
    ours = str(site().iris.ONT)
    facts: dict[tuple[str, str, str], Inferred] = {}
    for r in rows:
        s, p, o = r["s"].value, r["p"].value, r["o"].value
        relation = RELATION_WORDS.get(p) or value(r.get("pLabel")) or p
        fact = facts.get((s, relation, o))
        if fact is None:
            facts[(s, relation, o)] = Inferred(s, value(r.get("sLabel")) or s, p, relation, o,
                                               value(r.get("oLabel")) or o, r["rule"].value)
            continue
        if p.startswith(ours) and not fact.relation.startswith(ours):
            fact.relation = p       # link the ontology's own property
        if r["rule"].value not in fact.rule.split(", "):
            fact.rule = ", ".join(sorted(fact.rule.split(", ") + [r["rule"].value]))
    return list(facts.values())


@dataclass
class EntityView:
    iri: str
    label: str
    classes: list[tuple[str, str]]
    alt_labels: list[str]
    description: str | None
    wikidata: str | None
    inferred: list[Inferred]     # its claims are paged from the facet table (server/finding.py listing)


def entity(iri: str) -> EntityView | None:
    rows = site().engine.select(_prefixes() + f"""
      SELECT ?label ?class ?classLabel ?alt ?description ?wikidata WHERE {{
        <{iri}> rdfs:label ?label ; a ?class .
        OPTIONAL {{ ?class rdfs:label ?classLabel }}
        OPTIONAL {{ <{iri}> skos:altLabel ?alt }}
        OPTIONAL {{ <{iri}> dcterms:description ?description }}
        OPTIONAL {{ <{iri}> schema:sameAs ?wikidata }}
      }}""")
    if not rows:
        return None
    classes = sorted({(r["class"].value, value(r.get("classLabel")) or r["class"].value) for r in rows})
    alts = sorted({r["alt"].value for r in rows if "alt" in r})
    return EntityView(iri, rows[0]["label"].value, classes, alts, value(rows[0].get("description")),
                      value(rows[0].get("wikidata")), inferred_about(iri))


@dataclass
class DocumentView:
    iri: str
    title: str
    identifier: str
    text: str
    sha256: str
    source: str
    junk: list[tuple[int, int, str]]
    claims: list[ClaimView] = field(default_factory=list)    # filled by the page (server/finding.py views)


def document(iri: str) -> DocumentView | None:
    rows = site().engine.select(_prefixes() + f"""
      SELECT ?title ?id ?text ?sha ?source WHERE {{
        <{iri}> a ak:SourceDocument ; dcterms:title ?title ; dcterms:identifier ?id ; schema:text ?text ;
                spdx:checksum/spdx:checksumValue ?sha ; dcterms:source ?source .
      }}""")
    if not rows:
        return None
    junk = site().engine.select(_prefixes() + f"""
      SELECT ?start ?end ?kind WHERE {{ <{iri}> ak:junkSegment ?j . ?j ak:junkKind ?kind ;
        oa:hasSelector/oa:start ?start ; oa:hasSelector/oa:end ?end }} ORDER BY ?start""")
    r = rows[0]
    return DocumentView(iri, r["title"].value, r["id"].value, r["text"].value, r["sha"].value, r["source"].value,
                        [(int(j["start"].value), int(j["end"].value), j["kind"].value) for j in junk])


def stored_text(iri: str) -> tuple[str, str] | None:
    """The text of the document whose dcterms:source is `iri`, and its recorded SHA-256 (hex)."""
    rows = site().engine.select(_prefixes() + f"""
      SELECT ?text ?sha WHERE {{ ?doc a ak:SourceDocument ; dcterms:source <{iri}> ; schema:text ?text ;
                                      spdx:checksum/spdx:checksumValue ?sha }}""")
    return (rows[0]["text"].value, rows[0]["sha"].value) if rows else None


@dataclass
class ActorEntry:
    iri: str
    label: str
    kinds: list[str]
    claims: int


def actors() -> list[ActorEntry]:
    """Every actor, place and event of the actors graph, by label, with how many claims name it."""
    graph = site().iris.actors_graph
    rows = site().engine.select(_prefixes() + f"""
      SELECT ?a ?label (GROUP_CONCAT(DISTINCT ?kind; SEPARATOR="\\u001f") AS ?kinds) (COUNT(DISTINCT ?claim) AS ?claims) WHERE {{
        GRAPH <{graph}> {{ ?a rdfs:label ?label ; a ?class }}
        OPTIONAL {{ ?class rdfs:label ?kind }}
        OPTIONAL {{ ?claim a ak:Claim ; rdf:subject|rdf:object ?a }}
      }} GROUP BY ?a ?label""", graphs="all")
    entries = [ActorEntry(r["a"].value, r["label"].value, sorted(k for k in r["kinds"].value.split("\x1f") if k),
                          int(r["claims"].value)) for r in rows]
    return sorted(entries, key=lambda e: (e.label.casefold(), e.iri))
