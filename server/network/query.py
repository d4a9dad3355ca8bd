"""Which ties the network shows: actors and the relations between them, read from the dataset.

Kinds of tie group relations for the legend's colours; whether a tie has a direction
(owl:SymmetricProperty) and whether it is cooperative, hostile or other (ak:cooperativeTie,
ak:hostileTie) is the ontology's word, read through graph/vocabulary.py. Each edge keeps its relation,
so a reader can filter the picture by relation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from alliance_kg.graph.vocabulary import is_symmetric, relations
from alliance_kg.server.app import site

# Kinds of tie, in legend order: (key, legend text, colour, relations as ontology local names).
TIE_KINDS = (
    ("alliance", "alliance & cooperation", "#1a7f37",
     ("alliedWith", "cooperatesWith", "alignedWith", "seeksAlignmentWith", "tradesWith")),
    ("support", "support & proxy", "#0b5cad", ("supports", "shieldsDiplomatically", "supportedFoundingOf",
                                               "hasProxy", "proxyOf")),
    ("membership", "membership & part of", "#8250df", ("memberOf", "hasMember")),
    ("hostility", "hostility & war", "#cf222e", ("hostileTo", "atWarWith", "opposes", "condemns", "invaded",
                                                 "attacked", "oppresses", "warns", "sanctions")),
)
ORG_PART_OF = "http://www.w3.org/ns/org#subOrganizationOf"
# Node colours by kind of actor (the most specific class wins, in this order).
NODE_KINDS = (("State", "#57606a"), ("Government", "#6e7781"), ("SecurityForce", "#9a6700"),
              ("Militia", "#bc4c00"), ("NonStateArmedGroup", "#bc4c00"), ("Coalition", "#8250df"),
              ("InternationalOrganization", "#0969da"), ("PoliticalMovement", "#1f883d"), ("Person", "#bf3989"))


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    directed: bool
    relation: str = ""               # the property's IRI


def relation_name(iri: str) -> str:
    """The short name a relation goes by in the picture: its local name (memberOf, subOrganizationOf)."""
    return re.split(r"[#/]", iri)[-1]


def tie_of(iri: str) -> str:
    """cooperative, hostile or other, as the ontology classifies the relation (other if not ours)."""
    relation = relations().get(relation_name(iri))
    return relation.tie if relation is not None and iri.startswith(str(site().iris.ONT)) else "other"


@dataclass
class Network:
    labels: dict[str, str]
    kinds: dict[str, str]            # node -> class local name used for colouring
    edges: list[Edge]


def _kind_of_relation() -> dict[str, tuple[str, bool]]:
    ont = str(site().iris.ONT)
    table = {}
    for key, _, _, names in TIE_KINDS:
        for name in names:
            table[ont + name] = (key, not is_symmetric(ont + name, ont))
    table[ORG_PART_OF] = ("membership", True)
    return table


def _edge(source: str, relation: str, target: str, kinds: dict[str, tuple[str, bool]], ont: str) -> Edge:
    """One fact as one edge, however it was stated: a relation that the ontology names as the inverse
    of another (proxyOf of hasProxy) is turned around into that one, and a symmetric relation's two
    ends are put in order, so that A proxyOf B and B hasProxy A, or A alliedWith B and B alliedWith A,
    are drawn once."""
    known = relations().get(relation_name(relation)) if relation.startswith(ont) else None
    if known is not None and known.inverse_of and ont + known.inverse_of in kinds:
        source, relation, target = target, ont + known.inverse_of, source
    kind, directed = kinds[relation]
    if not directed and target < source:
        source, target = target, source
    return Edge(source, target, kind, directed, relation)


def actors() -> set[str]:
    """Every actor: an instance of ak:Actor or of one of its subclasses."""
    ont = str(site().iris.ONT)
    # Two small queries rather than `?x a/rdfs:subClassOf* ak:Actor` in the network's query: evaluated
    # for each end of each tie, the path cost 3 s of the network's 3.2 s at 100x. Classes are few.
    classes = [r["c"].value for r in site().engine.select(f"""
      SELECT DISTINCT ?c WHERE {{ {{ BIND(<{ont}Actor> AS ?c) }}
                                 UNION {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ <{ont}Actor> }} }}""")]
    return {r["x"].value for r in site().engine.select(
        f"SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {' '.join(f'<{c}>' for c in classes)} }} ?x a ?c }}")}


def load_network() -> Network:
    relation_kinds = _kind_of_relation()
    ont = str(site().iris.ONT)
    values = " ".join(f"<{r}>" for r in relation_kinds)
    among = actors()
    rows = site().engine.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
    edges = sorted({_edge(r["s"].value, r["p"].value, r["o"].value, relation_kinds, ont) for r in rows
                    if r["s"].value != r["o"].value and r["s"].value in among and r["o"].value in among},
                   key=lambda e: (e.source, e.target, e.kind, e.relation))
    nodes = sorted({e.source for e in edges} | {e.target for e in edges})
    classes = site().engine.select(f"""
      SELECT ?x ?label ?class WHERE {{ VALUES ?x {{ {' '.join(f'<{n}>' for n in nodes)} }}
        ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label ; a ?class }}""")
    labels, kinds = {}, {}
    order = [k for k, _ in NODE_KINDS]
    for r in classes:
        labels[r["x"].value] = r["label"].value
        local = r["class"].value[len(ont):] if r["class"].value.startswith(ont) else ""
        if local in order and (r["x"].value not in kinds or order.index(local) < order.index(kinds[r["x"].value])):
            kinds[r["x"].value] = local
    return Network(labels, kinds, edges)


def most_connected(network: Network, limit: int) -> Network:
    """The network among its `limit` actors with the most neighbours (then by label, for the same
    choice every time); the whole network when it has no more actors than that."""
    if len(network.labels) <= limit:
        return network
    neighbours: dict[str, set[str]] = {node: set() for node in network.labels}
    for e in network.edges:
        neighbours.setdefault(e.source, set()).add(e.target)
        neighbours.setdefault(e.target, set()).add(e.source)
    keep = set(sorted(neighbours, key=lambda n: (-len(neighbours[n]), network.labels.get(n, n), n))[:limit])
    return Network({n: label for n, label in network.labels.items() if n in keep},
                   {n: kind for n, kind in network.kinds.items() if n in keep},
                   [e for e in network.edges if e.source in keep and e.target in keep])


# --- the network in a given year -----------------------------------------------------------------

@dataclass(frozen=True)
class Tie:
    """One affirmed claim's tie and the years its claim gives (None: that end is open)."""

    edge: Edge
    dated: bool                      # does the claim say when at all?
    begin: int | None
    end: int | None

    def holds_in(self, year: int, present: int) -> bool:
        # A claim that gives no time speaks of its document's present; a dated one of its years,
        # an open end running on to the present.
        if not self.dated:
            return year == present
        return (self.begin is None or self.begin <= year) and (self.end is None or year <= self.end)


def load_ties() -> list[Tie]:
    """Every affirmed claim's tie, from the claims' table (server/finding.py: read once per version from
    the search index, where a query over every claim took 1.8 s at 100x)."""
    from alliance_kg.server import finding

    relation_kinds = _kind_of_relation()
    ont = str(site().iris.ONT)
    ties = {Tie(_edge(r.subject, r.relation, r.object, relation_kinds, ont), r.dated, r.begin, r.end)
            for r in finding.all_rows()
            if r.polarity == "affirmed" and r.relation in relation_kinds and r.subject != r.object}
    return sorted(ties, key=lambda t: (t.edge.source, t.edge.target, t.edge.kind, t.edge.relation, t.begin or 0, t.end or 0))


def years(ties: list[Tie], present: int) -> tuple[int, int]:
    """The span a time control offers: from the earliest year a claim names to the present."""
    named = [y for t in ties for y in (t.begin, t.end) if y is not None]
    return (min(named + [present]), max(named + [present]))


def in_year(network: Network, ties: list[Tie], year: int, present: int) -> Network:
    """The network as the claims describe it in `year`. Ties that no claim states (the curated
    structure, such as an organisation's parts) are taken as present-day facts."""
    drawn = set(network.edges)
    claimed = {t.edge for t in ties}
    edges = {t.edge for t in ties if t.edge in drawn and t.holds_in(year, present)}
    if year == present:
        edges |= drawn - claimed
    return Network(network.labels, network.kinds, sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.relation)))
