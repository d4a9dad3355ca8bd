"""The pair page: /pair/<A>/<B>, every claim between two actors, both directions, through time.

Dated claims are drawn on one time axis (their OWL-Time intervals, in years; a missing bound runs
to the axis's edge), undated ones are listed apart. For each relation it counts the independent
documents that support it and those that deny it, and sets contradicting claims whose times overlap
side by side. The page needs no JavaScript.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template

from alliance_kg.graph.formats import HTML
from alliance_kg.graph.iris import NAME_PATTERN
from alliance_kg.server import finding, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.problems import Problem
from alliance_kg.server.views.resources import finish

bp = Blueprint("pair", __name__)


@dataclass
class Bar:
    """Where a claim's interval sits on the axis, in percent of its width."""

    left: float
    width: float
    open_start: bool
    open_end: bool


def actor_labels(*keys: str) -> dict[str, str]:
    """The label of each actor key; a Problem (400 or 404) when a key is not an actor of the dataset."""
    for key in keys:
        if not NAME_PATTERN.match(key):
            raise Problem(400, f"{key!r} is not a well-formed actor name")
    base = site().iris.base + "id/"
    rows = site().engine.select(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?e ?label WHERE { VALUES ?e { "
        + " ".join(f"<{base}{k}>" for k in keys) + " } ?e rdfs:label ?label }")
    labels = {r["e"].value[len(base):]: r["label"].value for r in rows}
    missing = [k for k in keys if k not in labels]
    if missing:
        raise Problem(404, f"{', '.join(base + k for k in missing)} is not an actor of the dataset")
    return labels


def axis(rows: list[finding.Row]) -> tuple[int, int] | None:
    years = [y for r in rows for y in (r.begin, r.end) if y is not None]
    if not years:
        return None
    return min(years), max(years)


def bar(row: finding.Row, lo: int, hi: int) -> Bar:
    span = hi - lo + 1
    start = row.begin if row.begin is not None else lo
    end = row.end if row.end is not None else hi
    return Bar(100 * (start - lo) / span, 100 * (end - start + 1) / span, row.begin is None, row.end is None)


def pair_data(a: str, b: str) -> dict:
    """Everything the pair page shows (shared by /api/pair)."""
    if a == b:
        raise Problem(400, "a pair needs two different actors")
    labels = actor_labels(a, b)
    rows = finding.between(a, b)
    dated = sorted((r for r in rows if r.dated), key=lambda r: (
        r.begin if r.begin is not None else -10**6, r.end if r.end is not None else 10**6, r.subject_label,
        r.relation_label, r.iri))
    undated = [r for r in rows if not r.dated]
    return {"a": a, "b": b, "labels": labels, "rows": rows, "dated": dated, "undated": undated,
            "tallies": finding.tallies(rows), "contested": finding.contested(rows), "axis": axis(dated)}


@bp.route("/pair/<a>/<b>", methods=["GET", "HEAD"])
def pair_page(a: str, b: str):
    try:
        data = pair_data(a, b)
    except Problem as e:
        return e.response()
    views = {c.iri: c for c in finding.views(data["rows"])}
    lo_hi = data["axis"]
    bars = {r.iri: bar(r, *lo_hi) for r in data["dated"]} if lo_hi else {}
    base = site().iris.base + "id/"
    body = render_template("pair.html", d=data, views=views, bars=bars, iri=None, h=render_helpers,
                           pack_limit=site().config.max_pack_claims,
                           a_iri=base + a, b_iri=base + b)
    return finish(Response(body, content_type=HTML.content_type), "pair", a, b)


def pairs_of(iri: str) -> list[tuple[str, str, int]]:
    """The actors that share claims with `iri`: (key, label, number of claims), most claims first."""
    base = site().iris.base + "id/"
    if not iri.startswith(base):
        return []
    key = iri[len(base):]
    counts: dict[str, list] = {}
    for r in finding.all_rows():
        if not r.object_is_iri or r.subject_key == r.object_key:
            continue
        if r.subject_key == key:
            other, label = r.object_key, r.object_label
        elif r.object_key == key:
            other, label = r.subject_key, r.subject_label
        else:
            continue
        counts.setdefault(other, [label, 0])[1] += 1
    return sorted(((k, v[0], v[1]) for k, v in counts.items()), key=lambda t: (-t[2], t[1]))


@bp.app_context_processor
def pair_helpers():
    # Entity pages list the pairs an actor is part of (templates/_pairs.html) without their view knowing.
    return {"pairs_of": pairs_of}
