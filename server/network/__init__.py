"""The alliance network as SVG pictures: all actors on the home page, one actor's neighbourhood,
each for all time or for one year ("the network in year Y", from the claims' intervals).

    query.py    which ties exist, and in which years (read from the dataset; directions from the ontology)
    layout.py   where the nodes go (deterministic, and the same in every year, so a tie's change shows)
    svg.py      how it is drawn

Pictures are cached per dataset version: the pages stay server-rendered and work without JavaScript.
"""
from __future__ import annotations

import math
from functools import lru_cache

from flask import g

from alliance_kg.server.app import site
from alliance_kg.server.cache import computed_once
from alliance_kg.server.network.layout import force_layout
from alliance_kg.server.network.query import TIE_KINDS, Network, in_year, load_network, load_ties, most_connected, relation_name, tie_of, years
from alliance_kg.server.network.svg import render

OVERVIEW_SIZE = (1200, 820)


@computed_once(maxsize=4)
def _network(version: str) -> Network:
    return load_network()


@computed_once(maxsize=4)
def _ties(version: str):
    return load_ties()


def time_span() -> tuple[int, int]:
    """The years a time control offers: the earliest year a claim names, and the present (the
    build's year, or a later year a claim names), of which claims that give no time speak."""
    from alliance_kg.server.http import build_time

    return _span(site().dataset.version, build_time().year)


@computed_once(maxsize=4)
def _span(version: str, present: int) -> tuple[int, int]:
    return years(_ties(version), present)   # fixed per version: the build's year is


def _in(network: Network, year: int | None) -> Network:
    if year is None:
        return network
    return in_year(network, _ties(site().dataset.version), year, time_span()[1])


def _overview_key() -> tuple[str, int]:
    """What the overview depends on: the dataset version and how many actors it may draw."""
    return site().dataset.version, site().config.overview_max_actors


@computed_once(maxsize=4)
def _overview_network(key: tuple[str, int]) -> Network:
    """The overview's actors: every one, or the most connected (ServerConfig.overview_max_actors)."""
    version, limit = key
    return most_connected(_network(version), limit)


@computed_once(maxsize=4)
def _overview_positions(key: tuple[str, int]) -> dict:
    network = _overview_network(key)
    width, height = OVERVIEW_SIZE
    return force_layout(sorted(network.labels), network.edges, width, height - 90)


def overview_actors() -> tuple[int, int]:
    """How many actors the overview draws, and how many the network has."""
    key = _overview_key()
    return len(_overview_network(key).labels), len(_network(key[0]).labels)


def shown(year: int | None) -> str:
    """What a picture shows, in words (under it on the page, and sent with a picture on its own)."""
    if year is None:
        return "Shown: every tie, whenever it held."
    present = ", and those stated without a date (the documents' present)" if year == time_span()[1] else ""
    return f"Shown: the ties that claims date to {year}{present}."


@lru_cache(maxsize=128)
def _overview(key: tuple[str, int], year: int | None, standalone: bool) -> str:
    width, height = OVERVIEW_SIZE
    drawn, every = len(_overview_network(key).labels), len(_network(key[0]).labels)
    actors = "all actors" if drawn == every else f"the {drawn} of {every} actors with the most ties"
    title = f"The alliance network of {actors}" + (f" in {year}" if year is not None else "")
    return render(_in(_overview_network(key), year), _overview_positions(key), width, height, title,
                  shown=shown(year) if standalone else None)


def overview_svg(year: int | None = None, standalone: bool = False) -> str:
    return _overview(_overview_key(), year, standalone)


def warm(app, snapshot) -> None:
    """Read a version's network before its first page needs it (on start, and before a reload swaps it
    in; a Site warmer): at 100x the first entity page of a version spent about 5 s in these queries.
    The overview is laid out too: it draws a bounded number of actors (overview_max_actors), so its
    layout, which grows with their square and holds the GIL, takes about a second however large the
    corpus. The network's queries read the request's pinned snapshot, so the version is pinned as a
    request's is."""
    with app.test_request_context():
        if not snapshot.acquire():          # closed meanwhile: nothing to prepare
            return
        g.alliance_kg_snapshot = snapshot   # released by the request teardown, as a request's pin is
        _network(snapshot.version)
        time_span()                         # the year control: every tie's years
        _overview_positions(_overview_key())


def neighbourhood_svg(iri: str, year: int | None = None, standalone: bool = False) -> str:
    network = _network(site().dataset.version)
    edges = [e for e in network.edges if iri in (e.source, e.target)]
    order = [key for key, *_ in TIE_KINDS]
    first_kind: dict[str, int] = {}
    for e in edges:
        other = e.target if e.source == iri else e.source
        first_kind[other] = min(first_kind.get(other, len(order)), order.index(e.kind))
    # neighbours grouped by kind of tie, so each colour forms one sector of the circle; the same
    # places in every year
    neighbours = sorted(first_kind, key=lambda n: (first_kind[n], network.labels.get(n, n)))
    width, height = 900, 600
    cx, cy = width / 2, (height - 80) / 2 + 10
    rx, ry = cx - 140, cy - 40
    positions = {iri: (cx, cy)}
    for i, n in enumerate(neighbours):
        angle = 2 * math.pi * i / max(1, len(neighbours)) - math.pi / 2
        positions[n] = (round(cx + rx * math.cos(angle), 1), round(cy + ry * math.sin(angle), 1))
    local = _in(Network(network.labels, network.kinds, edges), year)
    label = network.labels.get(iri, iri)
    title = f"Who {label} backs, who backs it, who it fights" + (f", in {year}" if year is not None else "")
    return render(local, positions, width, height, title, highlight=iri, shown=shown(year) if standalone else None)


@lru_cache(maxsize=4)
def _relations(version: str) -> list[dict]:
    network = _network(version)
    drawn = sorted({(e.relation, e.kind) for e in network.edges})
    rows = site().engine.select(
        "SELECT ?p ?label WHERE { VALUES ?p { " + " ".join(f"<{p}>" for p, _ in drawn) + " } "
        "?p <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(langMatches(lang(?label), 'en')) }")
    labels = {r["p"].value: r["label"].value for r in rows}
    ties = ("cooperative", "hostile", "other")
    return sorted(({"name": relation_name(p), "iri": p, "label": labels.get(p, relation_name(p)), "tie": tie_of(p),
                    "kind": kind} for p, kind in drawn),
                  key=lambda r: (ties.index(r["tie"]), r["label"]))


def relations_drawn() -> list[dict]:
    """The relations the pictures draw: each one's short name (an arc's data-rel), IRI, label, whether
    the ontology calls it cooperative, hostile or other, and the kind of tie it is coloured as. The
    page's script builds its filters from this list."""
    return _relations(site().dataset.version)


def parse_year(raw: str | None) -> int | None:
    """The ?year= of a page with a network picture: None for all years; 400 when it is not a year
    the claims can speak of."""
    from alliance_kg.server.problems import Problem

    if raw is None or raw.strip() == "":
        return None
    first, last = time_span()
    try:
        year = int(raw.strip())
    except ValueError:
        raise Problem(400, f"year={raw!r} is not a year; give one from {first} to {last}") from None
    if not first <= year <= last:
        raise Problem(400, f"year={year} is outside the span the claims cover ({first} to {last})")
    return year


def marked_years() -> list[int]:
    """The years at which some claim begins or ends: the ticks of the time control."""
    ties = _ties(site().dataset.version)
    return sorted({y for t in ties for y in (t.begin, t.end) if y is not None} | {time_span()[1]})
