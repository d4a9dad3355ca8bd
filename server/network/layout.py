"""Where the nodes go: a deterministic force layout (same data, same picture)."""
from __future__ import annotations

import math

from alliance_kg.server.network.query import Edge


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
