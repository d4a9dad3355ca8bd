"""Drawing a laid-out network as accessible SVG: each actor links to its page, each pair of actors
with ties between them links to their pair page (/pair/A/B), and a legend.

Several ties between the same two actors (Iran and Iraq: allied, at war, trading…) are drawn as
separate arcs bowed apart, never on top of each other; labels are placed by a collision pass so that
no two overlap and none sits on another actor's dot. The picture is a group of links (role="group"),
not an image: an image's children are hidden from assistive technology, links included.

Each arc names its relations (data-rel, the ontology's local names) so that the page's script
(static/network.js) can filter by relation; everything else it needs is in the links' addresses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import escape

from alliance_kg.server.network.query import NODE_KINDS, TIE_KINDS, Network, relation_name
from alliance_kg.server.url_builder import page_of, pair_url

LABEL_SIZE = 12          # px, in the picture's own coordinates (matches the stylesheet)
CHAR_WIDTH = 0.6 * LABEL_SIZE   # an upper estimate of a system sans-serif glyph's advance
ARC_SPACING = 22         # px between the middles of two parallel arcs


def _colour(kind: str) -> str:
    return next(c for key, _, c, _ in TIE_KINDS if key == kind)


def _node_colour(kind: str | None) -> str:
    return dict(NODE_KINDS).get(kind or "", "#6e7781")


def _markers() -> str:
    return "".join(
        f'<marker id="arrow-{key}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>'
        for key, _, colour, _ in TIE_KINDS)


def _legend(x: float, y: float) -> str:
    parts = []
    for n, (key, text, colour, _) in enumerate(TIE_KINDS):
        yy = y + n * 22
        parts.append(f'<line x1="{x}" y1="{yy}" x2="{x + 28}" y2="{yy}" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{x + 36}" y="{yy + 5}" class="start">{escape(text)}</text>')
    return '<g class="legend" aria-hidden="true">' + "".join(parts) + "</g>"


def _towards(x1, y1, x2, y2, by: float) -> tuple[float, float]:
    """The point `by` px before (x2, y2) on the way from (x1, y1)."""
    d = math.hypot(x2 - x1, y2 - y1) or 1
    return x2 - (x2 - x1) * by / d, y2 - (y2 - y1) * by / d


def _n(v: float) -> str:
    """A coordinate, to a tenth of a pixel, without a trailing .0 (pictures are sent on every page)."""
    return f"{round(v, 1):g}"


def _i(v: float) -> str:
    """A coordinate of a line, to the pixel: finer is invisible at a line's width, and costs bytes."""
    return str(round(v))


def _style() -> str:
    # the colour and arrowhead of each kind of tie, said once per picture rather than on every edge
    return ("<style>" + "".join(f".{key}{{stroke:{colour}}}.{key}.to{{marker-end:url(#arrow-{key})}}"
                                for key, _, colour, _ in TIE_KINDS)
            + "text{text-anchor:middle}.start{text-anchor:start}.end{text-anchor:end}</style>")


@dataclass(frozen=True)
class Arc:
    """One line of the picture: the ties of one kind from one actor to another, with their relations."""

    source: str
    target: str
    kind: str
    directed: bool
    relations: tuple[str, ...]     # local names (alliedWith, subOrganizationOf)


def arcs(network: Network, positions: dict) -> list[tuple[tuple[str, str], list[tuple[Arc, float]]]]:
    """The arcs between each pair of drawn actors, each with its bow: 0 for a lone arc, ±k·ARC_SPACING
    for parallel ones. Relations of one kind in one direction share an arc (supports, hasProxy)."""
    merged: dict[tuple, set[str]] = {}
    for e in network.edges:
        if e.source in positions and e.target in positions:
            merged.setdefault((e.source, e.target, e.kind, e.directed), set()).add(relation_name(e.relation))
    pairs: dict[tuple[str, str], list[Arc]] = {}
    for (source, target, kind, directed), names in merged.items():
        pair = (source, target) if source < target else (target, source)
        pairs.setdefault(pair, []).append(Arc(source, target, kind, directed, tuple(sorted(names))))
    return [(pair, [(a, (i - (len(group) - 1) / 2) * ARC_SPACING) for i, a in enumerate(group)])
            for pair, group in sorted(pairs.items())]


def _edge_path(e: Arc, bow: float, positions: dict, end_gap: float) -> str:
    (x1, y1), (x2, y2) = positions[e.source], positions[e.target]
    if bow == 0:
        x2s, y2s = _towards(x1, y1, x2, y2, end_gap)
        return f"M{_i(x1)} {_i(y1)}L{_i(x2s)} {_i(y2s)}"
    # Bow perpendicular to the pair's own order (not the edge's direction), so that two ties drawn
    # in opposite directions still bow to different sides.
    a, b = sorted((e.source, e.target))
    (ax, ay), (bx, by) = positions[a], positions[b]
    length = math.hypot(bx - ax, by - ay) or 1
    nx, ny = -(by - ay) / length, (bx - ax) / length
    # a quadratic Bézier passes at half its control point's distance from the chord
    cx, cy = (x1 + x2) / 2 + nx * 2 * bow, (y1 + y2) / 2 + ny * 2 * bow
    x2s, y2s = _towards(cx, cy, x2, y2, end_gap)
    return f"M{_i(x1)} {_i(y1)}Q{_i(cx)} {_i(cy)} {_i(x2s)} {_i(y2s)}"


def _between(arc: Arc, a: str, b: str, name) -> str:
    """An arc's ends in words: "Iran → Hezbollah" for a directed tie, "Iran – Iraq" for a symmetric
    one, which has no direction to tell (its ends in the pair's order)."""
    if arc.directed:
        return f"{escape(name(arc.source))} → {escape(name(arc.target))}"
    return f"{escape(name(a))} – {escape(name(b))}"


def _radius(node: str, degree: dict, highlight: str | None) -> float:
    # hubs are drawn larger, so the eye finds the centres of the network first
    return 12 if node == highlight else round(min(12, 5 + math.sqrt(degree.get(node, 1)) * 1.3), 1)


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(labels: dict[str, str], positions: dict, radii: dict, width: float, height: float,
                 order: list[str]) -> dict[str, tuple[float, float, str]]:
    """A greedy collision pass: each label (hubs first) takes the first of above / below / right /
    left of its dot that overlaps no label placed before and no other dot, else the least crowded.
    Returns (x, y of the text baseline, text-anchor) per node."""
    dots = {n: (x - radii[n], y - radii[n], x + radii[n], y + radii[n]) for n, (x, y) in positions.items()}
    placed: list[tuple[float, float, float, float]] = []
    out = {}
    for node in order:
        x, y = positions[node]
        r, w, h = radii[node], len(labels[node]) * CHAR_WIDTH, LABEL_SIZE
        candidates = [  # (box, baseline x, baseline y, anchor)
            ((x - w / 2, y - r - 4 - h, x + w / 2, y - r - 4), x, y - r - 6, "middle"),
            ((x - w / 2, y + r + 3, x + w / 2, y + r + 3 + h), x, y + r + 3 + h - 2, "middle"),
            ((x + r + 4, y - h / 2, x + r + 4 + w, y + h / 2), x + r + 4, y + h / 2 - 2, "start"),
            ((x - r - 4 - w, y - h / 2, x - r - 4, y + h / 2), x - r - 4, y + h / 2 - 2, "end"),
        ]

        def crowding(candidate) -> float:
            box = candidate[0]
            outside = max(0, -box[0]) + max(0, box[2] - width) + max(0, -box[1]) + max(0, box[3] - height)
            return (sum(_overlap(box, p) for p in placed)
                    + sum(_overlap(box, d) for n, d in dots.items() if n != node) + outside * h)

        best = next((c for c in candidates if crowding(c) == 0), None) or min(candidates, key=crowding)
        placed.append(best[0])
        out[node] = (round(best[1], 1), round(best[2], 1), best[3])
    return out


def render(network: Network, positions: dict, width: int, height: int, title: str, highlight: str | None = None,
           picture_id: str = "network", shown: str | None = None) -> str:
    """The picture; `shown` (what it shows, in words) is written into a picture sent on its own, which
    the page's script puts under the picture it replaces (a page says it in its caption)."""
    said = f' data-shown="{escape(shown)}"' if shown else ""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'class="network" aria-labelledby="{picture_id}-title"{said}><title id="{picture_id}-title">{escape(title)}</title>'
           f'{_style()}<defs>{_markers()}</defs><g class="ties">']
    degree: dict[str, int] = {}
    for e in {(e.source, e.target, e.kind) for e in network.edges}:
        degree[e[0]] = degree.get(e[0], 0) + 1
        degree[e[1]] = degree.get(e[1], 0) + 1
    radii = {n: _radius(n, degree, highlight) for n in positions}
    name = lambda node: network.labels.get(node, "")
    for (a, b), group in arcs(network, positions):
        # an actor's own page names it first in its pairs; elsewhere they go by name
        if b == highlight or (a != highlight and name(b) < name(a)):
            a, b = b, a
        href = pair_url(a, b)
        # one link per pair: each arc's <title> is its tooltip, and together they name the link
        out.append(f'<a href="{escape(href)}">' if href else "<g>")
        for arc, bow in group:
            out.append(f'<path class="edge {arc.kind}{" to" if arc.directed else ""}" '
                       f'd="{_edge_path(arc, bow, positions, radii[arc.target] + 2)}" data-rel="{" ".join(arc.relations)}">'
                       f'<title>{_between(arc, a, b, name)} ({arc.kind})</title></path>')
        out.append("</a>" if href else "</g>")
    out.append('</g><g class="nodes">')
    labels = {n: network.labels.get(n, n.rsplit("/", 1)[-1]) for n in positions}
    order = sorted(positions, key=lambda n: (n != highlight, -degree.get(n, 0), labels[n]))
    placement = place_labels(labels, positions, radii, width, height, order)
    for node, (x, y) in sorted(positions.items()):
        tx, ty, anchor = placement[node]
        aligned = "" if anchor == "middle" else f' class="{anchor}"'
        out.append(f'<a href="{escape(page_of(node))}" class="node"><circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radii[node])}" '
                   f'fill="{_node_colour(network.kinds.get(node))}"/><text x="{_n(tx)}" y="{_n(ty)}"'
                   f'{aligned}>'
                   f'{escape(labels[node])}</text></a>')
    out.append("</g>" + _legend(16, height - 82) + "</svg>")
    return "".join(out)
