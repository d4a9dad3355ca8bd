"""The alliance network as SVG pictures: all actors on the home page, one actor's neighbourhood.

Layouts are computed in Python, deterministically (same data, same picture), and cached per dataset
version: the pages stay server-rendered and work without JavaScript.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape

from server import site
from server.url_builder import page_of

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
            table[ont + name] = (key, name not in ("alliedWith", "cooperatesWith", "tradesWith"))
    table[ORG_PART_OF] = ("membership", True)
    return table


def load_network() -> Network:
    relations = _kind_of_relation()
    ont = str(site().iris.ONT)
    values = " ".join(f"<{r}>" for r in relations)
    rows = site().engine.select(f"""
      SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o .
        ?s a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{ont}Actor> .
        ?o a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{ont}Actor> . }}""")
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


def force_layout(nodes: list[str], edges: list[Edge], width: float, height: float,
                 iterations: int = 250) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold, started from a circle in sorted order: deterministic, no randomness."""
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pos = [[width / 2 + width / 3 * math.cos(2 * math.pi * i / n),
            height / 2 + height / 3 * math.sin(2 * math.pi * i / n)] for i in range(n)]
    k = 1.25 * math.sqrt(width * height / n)
    links = {(index[e.source], index[e.target]) for e in edges}
    temperature = width / 8
    for step in range(iterations):
        disp = [[0.0, 0.0] for _ in range(n)]
        for i in range(n):
            xi, yi = pos[i]
            for j in range(i + 1, n):
                dx, dy = xi - pos[j][0], yi - pos[j][1]
                d2 = dx * dx + dy * dy or 0.01
                force = k * k / d2
                disp[i][0] += dx * force
                disp[i][1] += dy * force
                disp[j][0] -= dx * force
                disp[j][1] -= dy * force
        for i, j in links:
            dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
            d = math.sqrt(dx * dx + dy * dy) or 0.1
            force = d / k
            disp[i][0] -= dx * force
            disp[i][1] -= dy * force
            disp[j][0] += dx * force
            disp[j][1] += dy * force
        for i in range(n):
            # a spring to the centre keeps parts that are not connected to the rest close by
            gx, gy = width / 2 - pos[i][0], height / 2 - pos[i][1]
            pull = 0.1 * math.sqrt(gx * gx + gy * gy) / k
            disp[i][0] += gx * pull
            disp[i][1] += gy * pull
            dx, dy = disp[i]
            d = math.sqrt(dx * dx + dy * dy) or 0.1
            pos[i][0] += dx / d * min(d, temperature)
            pos[i][1] += dy / d * min(d, temperature)
        temperature = max(1.0, temperature * 0.97)
    # Fit the drawing to the canvas afterwards (clamping during the run piles nodes on the border);
    # the margins leave room for the labels, which are centred above their node.
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    margin_x, margin_y = 120, 40
    fit = lambda v, lo, span, size, margin: margin + (v - lo) / span * (size - 2 * margin)
    return {node: (round(fit(pos[i][0], min(xs), span_x, width, margin_x), 1),
                   round(fit(pos[i][1], min(ys), span_y, height, margin_y), 1)) for node, i in index.items()}


def _colour(kind: str) -> str:
    return next(c for key, _, c, _ in TIE_KINDS if key == kind)


def _node_colour(kind: str | None) -> str:
    return dict(NODE_KINDS).get(kind or "", "#6e7781")


def _markers() -> str:
    return "".join(
        f'<marker id="arrow-{key}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        for key, _, colour, _ in TIE_KINDS)


def _legend(x: float, y: float) -> str:
    parts = []
    for n, (key, text, colour, _) in enumerate(TIE_KINDS):
        yy = y + n * 22
        parts.append(f'<line x1="{x}" y1="{yy}" x2="{x + 28}" y2="{yy}" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{x + 36}" y="{yy + 5}" class="legend">{escape(text)}</text>')
    return "<g class=\"legend\">" + "".join(parts) + "</g>"


def _shorten(x1, y1, x2, y2, by: float) -> tuple[float, float]:
    d = math.hypot(x2 - x1, y2 - y1) or 1
    return round(x2 - (x2 - x1) * by / d, 1), round(y2 - (y2 - y1) * by / d, 1)


def render(network: Network, positions: dict, width: int, height: int, title: str, highlight: str | None = None) -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'class="network" aria-labelledby="network-title"><title id="network-title">{escape(title)}</title>'
           f'<defs>{_markers()}</defs><g class="edges">']
    for e in network.edges:
        if e.source not in positions or e.target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[e.source], positions[e.target]
        x2s, y2s = _shorten(x1, y1, x2, y2, 9)
        marker = f' marker-end="url(#arrow-{e.kind})"' if e.directed else ""
        out.append(f'<line class="edge {e.kind}" x1="{x1}" y1="{y1}" x2="{x2s}" y2="{y2s}" stroke="{_colour(e.kind)}"'
                   f' stroke-width="1.6" stroke-opacity="0.7"{marker}><title>{escape(network.labels.get(e.source, ""))}'
                   f' → {escape(network.labels.get(e.target, ""))} ({e.kind})</title></line>')
    out.append('</g><g class="nodes">')
    degree: dict[str, int] = {}
    for e in network.edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    for node, (x, y) in sorted(positions.items()):
        label = network.labels.get(node, node.rsplit("/", 1)[-1])
        # hubs are drawn larger, so the eye finds the centres of the network first
        radius = 12 if node == highlight else round(min(12, 5 + math.sqrt(degree.get(node, 1)) * 1.3), 1)
        out.append(f'<a href="{escape(page_of(node))}" class="node"><circle cx="{x}" cy="{y}" r="{radius}" '
                   f'fill="{_node_colour(network.kinds.get(node))}" stroke="#fff" stroke-width="1.5"/>'
                   f'<text x="{x}" y="{y - radius - 4}" text-anchor="middle" class="label">{escape(label)}</text></a>')
    out.append("</g>" + _legend(16, height - 82) + "</svg>")
    return "".join(out)


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
