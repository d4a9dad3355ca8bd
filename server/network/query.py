"""Which ties the network shows: actors and the relations between them, read from the dataset.

Kinds of tie group relations for the legend; whether a tie has a direction is the ontology's word
(owl:SymmetricProperty), read through graph/vocabulary.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from alliance_kg.graph.vocabulary import is_symmetric
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


def load_network() -> Network:
    relations = _kind_of_relation()
    ont = str(site().iris.ONT)
    values = " ".join(f"<{r}>" for r in relations)
    # "a/subClassOf*" written as its zero-length and one-or-more halves: the same answer, and one that
    # Virtuoso gets right too (it drops zero-length matches of `*` from a variable start).
    actor = f"{{ ?x a <{ont}Actor> }} UNION {{ ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>+ <{ont}Actor> }}"
    rows = site().engine.select(f"""
      SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o .
        {actor.replace("?x", "?s")} {actor.replace("?x", "?o")} }}""")
    edges = sorted({Edge(r["s"].value, r["o"].value, *relations[r["p"].value]) for r in rows
                    if r["s"].value != r["o"].value}, key=lambda e: (e.source, e.target, e.kind))
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
