"""Drawing a laid-out network as accessible SVG (links to each actor's page, a legend).

Several ties between the same two actors (Iran and Iraq: allied, at war, trading…) are drawn as
separate arcs bowed apart, never on top of each other; labels are placed by a collision pass so that
no two overlap and none sits on another actor's dot. The picture is a group of links (role="group"),
not an image: an image's children are hidden from assistive technology, links included.
"""
from __future__ import annotations

import math

from markupsafe import escape

from alliance_kg.server.network.query import NODE_KINDS, TIE_KINDS, Network
from alliance_kg.server.url_builder import page_of

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
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        for key, _, colour, _ in TIE_KINDS)


def _legend(x: float, y: float) -> str:
    parts = []
    for n, (key, text, colour, _) in enumerate(TIE_KINDS):
        yy = y + n * 22
        parts.append(f'<line x1="{x}" y1="{yy}" x2="{x + 28}" y2="{yy}" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{x + 36}" y="{yy + 5}" class="legend">{escape(text)}</text>')
    return '<g class="legend" aria-hidden="true">' + "".join(parts) + "</g>"


def _towards(x1, y1, x2, y2, by: float) -> tuple[float, float]:
    """The point `by` px before (x2, y2) on the way from (x1, y1)."""
    d = math.hypot(x2 - x1, y2 - y1) or 1
    return x2 - (x2 - x1) * by / d, y2 - (y2 - y1) * by / d


def _n(v: float) -> str:
    """A coordinate, to a tenth of a pixel, without a trailing .0 (pictures are sent on every page)."""
    return f"{round(v, 1):g}"


def _style() -> str:
    # the colour of each kind of tie, said once per picture rather than on every edge
    return ("<style>" + "".join(f".edge.{key}{{stroke:{colour}}}" for key, _, colour, _ in TIE_KINDS)
            + ".label{text-anchor:middle}.label.start{text-anchor:start}.label.end{text-anchor:end}</style>")


def arcs(network: Network, positions: dict) -> list[tuple[object, float]]:
    """Each drawable edge with its bow: 0 for a lone tie, ±k·ARC_SPACING for parallel ties."""
    pairs: dict[tuple[str, str], list] = {}
    for e in network.edges:
        if e.source in positions and e.target in positions:
            pairs.setdefault(tuple(sorted((e.source, e.target))), []).append(e)
    out = []
    for _, edges in sorted(pairs.items()):
        for i, e in enumerate(edges):
            out.append((e, (i - (len(edges) - 1) / 2) * ARC_SPACING))
    return out


def _edge_path(e, bow: float, positions: dict, end_gap: float) -> str:
    (x1, y1), (x2, y2) = positions[e.source], positions[e.target]
    if bow == 0:
        x2s, y2s = _towards(x1, y1, x2, y2, end_gap)
        return f"M{_n(x1)} {_n(y1)}L{_n(x2s)} {_n(y2s)}"
    # Bow perpendicular to the pair's own order (not the edge's direction), so that two ties drawn
    # in opposite directions still bow to different sides.
    a, b = sorted((e.source, e.target))
    (ax, ay), (bx, by) = positions[a], positions[b]
    length = math.hypot(bx - ax, by - ay) or 1
    nx, ny = -(by - ay) / length, (bx - ax) / length
    # a quadratic Bézier passes at half its control point's distance from the chord
    cx, cy = (x1 + x2) / 2 + nx * 2 * bow, (y1 + y2) / 2 + ny * 2 * bow
    x2s, y2s = _towards(cx, cy, x2, y2, end_gap)
    return f"M{_n(x1)} {_n(y1)}Q{_n(cx)} {_n(cy)} {_n(x2s)} {_n(y2s)}"


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
           picture_id: str = "network") -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
           f'class="network" aria-labelledby="{picture_id}-title"><title id="{picture_id}-title">{escape(title)}</title>'
           f'{_style()}<defs>{_markers()}</defs><g class="edges" aria-hidden="true">']
    degree: dict[str, int] = {}
    for e in network.edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    radii = {n: _radius(n, degree, highlight) for n in positions}
    for e, bow in arcs(network, positions):
        marker = f' marker-end="url(#arrow-{e.kind})"' if e.directed else ""
        out.append(f'<path class="edge {e.kind}" d="{_edge_path(e, bow, positions, radii[e.target] + 2)}"'
                   f'{marker}><title>{escape(network.labels.get(e.source, ""))} → '
                   f'{escape(network.labels.get(e.target, ""))} ({e.kind})</title></path>')
    out.append('</g><g class="nodes">')
    labels = {n: network.labels.get(n, n.rsplit("/", 1)[-1]) for n in positions}
    order = sorted(positions, key=lambda n: (n != highlight, -degree.get(n, 0), labels[n]))
    placement = place_labels(labels, positions, radii, width, height, order)
    for node, (x, y) in sorted(positions.items()):
        tx, ty, anchor = placement[node]
        out.append(f'<a href="{escape(page_of(node))}" class="node"><circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radii[node])}" '
                   f'fill="{_node_colour(network.kinds.get(node))}"/><text x="{_n(tx)}" y="{_n(ty)}"'
                   f' class="label{"" if anchor == "middle" else " " + anchor}">'
                   f'{escape(labels[node])}</text></a>')
    out.append("</g>" + _legend(16, height - 82) + "</svg>")
    return "".join(out)
