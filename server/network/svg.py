"""Drawing a laid-out network as accessible SVG (links to each actor's page, a legend)."""
from __future__ import annotations

import math

from markupsafe import escape

from alliance_kg.server.network.query import NODE_KINDS, TIE_KINDS, Network
from alliance_kg.server.url_builder import page_of


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
