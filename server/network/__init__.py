"""The alliance network as SVG pictures: all actors on the home page, one actor's neighbourhood.

    query.py    which ties exist (read from the dataset; directions from the ontology)
    layout.py   where the nodes go (deterministic)
    svg.py      how it is drawn

Pictures are cached per dataset version: the pages stay server-rendered and work without JavaScript.
"""
from __future__ import annotations

import math
from functools import lru_cache

from alliance_kg.server.app import site
from alliance_kg.server.network.layout import force_layout
from alliance_kg.server.network.query import TIE_KINDS, Network, load_network
from alliance_kg.server.network.svg import render


@lru_cache(maxsize=4)
def _overview(version: str) -> str:
    network = load_network()
    nodes = sorted(network.labels)
    width, height = 1200, 820
    positions = force_layout(nodes, network.edges, width, height - 90)
    return render(network, positions, width, height, "The alliance network of all actors")


def overview_svg() -> str:
    return _overview(site().dataset.version)


def neighbourhood_svg(iri: str) -> str:
    network = load_network()
    edges = [e for e in network.edges if iri in (e.source, e.target)]
    order = [key for key, *_ in TIE_KINDS]
    first_kind: dict[str, int] = {}
    for e in edges:
        other = e.target if e.source == iri else e.source
        first_kind[other] = min(first_kind.get(other, len(order)), order.index(e.kind))
    # neighbours grouped by kind of tie, so each colour forms one sector of the circle
    neighbours = sorted(first_kind, key=lambda n: (first_kind[n], network.labels.get(n, n)))
    width, height = 900, 600
    cx, cy = width / 2, (height - 80) / 2 + 10
    rx, ry = cx - 140, cy - 40
    positions = {iri: (cx, cy)}
    for i, n in enumerate(neighbours):
        angle = 2 * math.pi * i / max(1, len(neighbours)) - math.pi / 2
        positions[n] = (round(cx + rx * math.cos(angle), 1), round(cy + ry * math.sin(angle), 1))
    local = Network(network.labels, network.kinds, edges)
    label = network.labels.get(iri, iri)
    return render(local, positions, width, height, f"Who {label} backs, who backs it, who it fights", highlight=iri)
