""""Why inferred?": /why/<hash> shows an inferred triple, the OWL 2 RL rule that derived it, the
triples it was derived from, and for each of those the quoted claims that state it (or, when it is
inferred too, a link to its own explanation). <hash> is that of the inference record
<base>inference/<hash> (graph/iris.py mints it); entity pages link each inferred fact here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template
from rdflib import URIRef

from alliance_kg.graph.formats import HTML
from alliance_kg.server import describe, finding, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.problems import problem
from alliance_kg.server.views.resources import finish

bp = Blueprint("why", __name__)

HASH = re.compile(r"^[0-9a-f]{16}$")

# One step back for each rule the build names (graph/reason.py `justify`), as a SPARQL pattern over
# every graph binding the premises ?ps ?pp ?po. `s p o` is the inferred triple. Each pattern begins with
# the premise triple written with what is already bound (?s, ?p, ?o): a BIND before its triple leaves
# that triple unbound to the engine, which then scanned every triple (2.1 s at 100x for a domain rule).
PREMISES = {
    "prp-symp": "?o ?p ?s . BIND(?o AS ?ps) BIND(?p AS ?pp) BIND(?s AS ?po)",
    "prp-inv1": "?pp owl:inverseOf ?p . ?o ?pp ?s . BIND(?o AS ?ps) BIND(?s AS ?po)",
    "prp-inv2": "?p owl:inverseOf ?pp . ?o ?pp ?s . BIND(?o AS ?ps) BIND(?s AS ?po)",
    "prp-trp": "{ ?s ?p ?x . ?x ?p ?o . FILTER(?x != ?s && ?x != ?o) BIND(?s AS ?ps) BIND(?p AS ?pp) BIND(?x AS ?po) }"
               " UNION { ?s ?p ?x . ?x ?p ?o . FILTER(?x != ?s && ?x != ?o) BIND(?x AS ?ps) BIND(?p AS ?pp) BIND(?o AS ?po) }",
    # The stated triple may use a sub-property of the one the axiom names, and a domain or range may
    # name a sub-class of the inferred type: the triples in between are true but not published
    # (graph/reason.py keeps only informative inferences), so the patterns walk the hierarchies.
    "prp-spo1": "?s ?pp ?o . ?pp rdfs:subPropertyOf+ ?p . FILTER(?pp != ?p) BIND(?s AS ?ps) BIND(?o AS ?po)",
    "prp-dom": "?s ?pp ?po . ?pp rdfs:subPropertyOf* ?q . ?q rdfs:domain/rdfs:subClassOf* ?o . BIND(?s AS ?ps)",
    "prp-rng": "?ps ?pp ?s . ?pp rdfs:subPropertyOf* ?q . ?q rdfs:range/rdfs:subClassOf* ?o . BIND(?s AS ?po)",
    "cax-sco": "?s rdf:type ?d . ?d rdfs:subClassOf+ ?o . FILTER(?d != ?o) BIND(?s AS ?ps) BIND(rdf:type AS ?pp) BIND(?d AS ?po)",
}
RULE_NAMES = {
    "prp-symp": "the relation is symmetric (owl:SymmetricProperty): stated one way, it holds the other way",
    "prp-inv1": "the relation is the inverse (owl:inverseOf) of one stated the other way round",
    "prp-inv2": "the relation is the inverse (owl:inverseOf) of one stated the other way round",
    "prp-trp": "the relation is transitive (owl:TransitiveProperty): two links make a chain",
    "prp-spo1": "a more specific relation (rdfs:subPropertyOf) was stated",
    "prp-dom": "the domain (rdfs:domain) of a relation the subject takes part in",
    "prp-rng": "the range (rdfs:range) of a relation that points at the subject",
    "cax-sco": "a more specific class (rdfs:subClassOf) was stated",
}
PREMISES_SHOWN = 20   # a domain rule may have hundreds of premises; a few make the point


@dataclass
class Premise:
    subject: str
    subject_label: str
    predicate: str
    predicate_label: str
    object: str
    object_label: str
    inferred_hash: str | None = None          # when the premise is itself inferred
    claims: list = field(default_factory=list)  # ClaimViews that state it


def explain(digest: str) -> dict | None:
    iris = site().iris
    record = f"{iris.base}inference/{digest}"
    prefixes = describe._prefixes()
    rows = site().engine.select(prefixes + f"""
      SELECT ?s ?p ?o ?rule ?sLabel ?pLabel ?oLabel WHERE {{
        <{record}> a ak:Inference ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ak:rule ?rule .
        OPTIONAL {{ ?s rdfs:label ?sLabel }} OPTIONAL {{ ?p rdfs:label ?pLabel }} OPTIONAL {{ ?o rdfs:label ?oLabel }} }}""",
                                graphs="all")
    if not rows:
        return None
    r = rows[0]
    label = lambda row, name, term: row[name].value if row.get(name) is not None else render_helpers.local_name(row[term].value)
    rule = r["rule"].value
    fact = {"s": r["s"].value, "p": r["p"].value, "o": r["o"].value, "rule": rule, "rule_text": RULE_NAMES.get(rule, ""),
            "s_label": label(r, "sLabel", "s"), "p_label": label(r, "pLabel", "p"), "o_label": label(r, "oLabel", "o")}
    premises: list[Premise] = []
    pattern = PREMISES.get(rule)
    if pattern:
        found = site().engine.select(prefixes + f"""
          SELECT DISTINCT ?ps ?pp ?po ?psLabel ?ppLabel ?poLabel ?stated WHERE {{
            VALUES (?s ?p ?o) {{ ({r["s"]} {r["p"]} {r["o"]}) }}
            {pattern}
            FILTER(!(?ps = ?s && ?pp = ?p && ?po = ?o))
            BIND(EXISTS {{ ?c rdf:subject ?ps ; rdf:predicate ?pp ; rdf:object ?po ; ak:polarity ak:Affirmed }} AS ?stated)
            OPTIONAL {{ ?ps rdfs:label ?psLabel }} OPTIONAL {{ ?pp rdfs:label ?ppLabel }} OPTIONAL {{ ?po rdfs:label ?poLabel }}
          }} ORDER BY DESC(?stated) ?pp ?ps ?po LIMIT {PREMISES_SHOWN}""", graphs="all")   # quoted premises first
        for f in found:
            premises.append(Premise(f["ps"].value, label(f, "psLabel", "ps"), f["pp"].value, label(f, "ppLabel", "pp"),
                                    f["po"].value, label(f, "poLabel", "po")))
    for premise in premises:
        if not premise.object.startswith(("http://", "https://")):
            continue
        premise.claims = stated(premise.subject, premise.predicate, premise.object)
        if not premise.claims:
            inferred = site().engine.select(prefixes + f"""SELECT ?r WHERE {{ ?r a ak:Inference ; rdf:subject <{premise.subject}> ;
                rdf:predicate <{premise.predicate}> ; rdf:object <{premise.object}> }}""", graphs="all")
            if inferred:
                premise.inferred_hash = inferred[0]["r"].value.rsplit("/", 1)[1]
    return {"fact": fact, "premises": premises, "record": record, "shown": PREMISES_SHOWN}


def stated(subject: str, predicate: str, obj: str) -> list:
    """The affirmed claims that state a triple, as the pages show claims (from the claims' table: a
    query joining every claim's parts over the default graph took 0.2 s per premise at 100x)."""
    rows = [r for r in finding.table().by_subject.get(subject, [])
            if r.relation == predicate and r.object == obj and r.object_is_iri and r.polarity == "affirmed"]
    return finding.views(sorted(rows, key=lambda r: r.iri))


@bp.route("/why/<digest>", methods=["GET", "HEAD"])
def why_page(digest: str):
    if not HASH.match(digest):
        return problem(400, f"{digest!r} is not the hash of an inference record")
    found = explain(digest)
    if found is None:
        return problem(404, f"{site().iris.base}inference/{digest} is not an inference record of the dataset")
    body = render_template("why.html", w=found, iri=None, h=render_helpers)
    return finish(Response(body, content_type=HTML.content_type), "why", digest)


def why_link(fact) -> str | None:
    """The /why/ page of an inferred fact shown on an entity page (describe.Inferred), by its record's hash."""
    if not fact.object.startswith(("http://", "https://")):
        return None
    record = site().iris.inference(URIRef(fact.subject), URIRef(fact.relation), URIRef(fact.object))
    return "/why/" + str(record).rsplit("/", 1)[1]


@bp.app_context_processor
def why_helpers():
    return {"why_link": why_link}
