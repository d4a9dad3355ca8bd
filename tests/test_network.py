"""The network pictures as the server draws them, without a browser: the links a reader without
script follows (actor → its page, tie → the pair page), one line per fact, and the pictures and
relations served on their own for the page's script (/network.svg, /network/<actor>.svg,
/network/relations.json)."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from alliance_kg.graph.vocabulary import relations

SVG_NS = "{http://www.w3.org/2000/svg}"
ENTITY = "/id/Iran.html"


def _svg(text: str) -> str:
    return re.search(r"<svg.*?</svg>", text, re.DOTALL).group(0)


def _pair_links(svg: str) -> list[str]:
    return re.findall(r'<a href="(/pair/[^"]+)">', svg)


@pytest.mark.parametrize("path", ["/", ENTITY])
def test_every_tie_links_to_the_pair_page_of_its_two_actors(client, path):
    svg = _svg(client.get(path).data.decode())
    root = ET.fromstring(svg)
    ties = root.find(f"{SVG_NS}g[@class='ties']")
    groups = list(ties)
    assert groups and all(g.tag == f"{SVG_NS}a" for g in groups), "a tie without a link"
    titles = {g.get("href"): [p.find(f"{SVG_NS}title").text for p in g.iter(f"{SVG_NS}path")] for g in groups}
    names = {a.get("href")[len("/id/"):-len(".html")]: a.find(f"{SVG_NS}text").text
             for a in root.find(f"{SVG_NS}g[@class='nodes']")}
    for href, arcs in titles.items():
        a, b = href.split("/")[2:4]
        labels = {names[a], names[b]}
        # every arc in the link is between exactly those two actors
        assert all(set(re.split(r" [→–] ", t.rsplit(" (", 1)[0])) == labels for t in arcs), (href, arcs)
    if path == ENTITY:   # an actor's page names it first in its pairs
        assert all(href.startswith("/pair/Iran/") for href in titles)
    assert len(titles) == len(set(titles)), "a pair linked twice"


def test_the_pair_pages_the_network_links_to_exist(client):
    hrefs = set(_pair_links(_svg(client.get("/").data.decode()))) | set(_pair_links(_svg(client.get(ENTITY).data.decode())))
    assert hrefs
    broken = {h: client.get(h).status_code for h in sorted(hrefs)}
    assert {h: s for h, s in broken.items() if s != 200} == {}


def test_actors_link_to_their_pages(client):
    svg = _svg(client.get("/").data.decode())
    nodes = re.findall(r'<a href="(/id/[^"]+\.html)" class="node">', svg)
    assert len(nodes) > 10
    assert all(client.get(h).status_code == 200 for h in nodes[:5])


def test_one_fact_is_drawn_once(client):
    """A symmetric relation stated both ways, and a relation stated through its inverse (B proxyOf A
    for A hasProxy B), is one fact: one line."""
    inverses = {name for name, r in relations().items() if r.inverse_of}
    assert inverses, "the ontology declares inverse relations"
    for path in ("/", ENTITY):
        svg = _svg(client.get(path).data.decode())
        arcs = re.findall(r'<path class="edge ([a-z ]+)" d="[^"]+" data-rel="([^"]+)"><title>([^<]+)</title>', svg)
        assert arcs
        drawn = {name for _, rel, _ in arcs for name in rel.split()}
        assert not drawn & inverses, f"drawn as the inverse: {drawn & inverses}"
        undirected = [(title, rel) for cls, rel, title in arcs if " to" not in f" {cls}"]
        assert undirected and len(undirected) == len(set(undirected)), "a symmetric tie drawn twice"
        assert all(" – " in title for title, _ in undirected)


@pytest.mark.parametrize("path, page", [("/network.svg", "/"), ("/network/Iran.svg", ENTITY)])
def test_a_picture_on_its_own_is_the_pages_picture(client, path, page):
    for year in (None, 1985):
        query = "" if year is None else f"?year={year}"
        r = client.get(path + query, headers={"Accept": "image/svg+xml"})
        assert r.status_code == 200 and r.mimetype == "image/svg+xml"
        assert "Accept" in r.headers["Vary"]
        alone = ET.fromstring(r.data)      # a well-formed SVG document
        assert alone.tag == f"{SVG_NS}svg" and alone.get("data-shown", "").startswith("Shown:")
        inline = _svg(client.get(page + query).data.decode())
        assert re.sub(r' data-shown="[^"]*"', "", r.data.decode()) == inline
        if year is not None:
            assert str(year) in alone.get("data-shown")


def test_pictures_refuse_what_they_cannot_be(client):
    assert client.get("/network.svg", headers={"Accept": "application/json"}).status_code == 406
    assert client.get("/network.svg?year=soon").status_code == 400
    assert client.get("/network.svg?year=1200").status_code == 400
    assert client.get("/network/Nobody.svg").status_code == 404
    assert client.get("/network/no%20such.svg").status_code == 400


def test_the_relations_drawn_are_classified_by_the_ontology(client):
    r = client.get("/network/relations.json", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    drawn = json.loads(r.data)
    ontology = relations()
    ours = [d for d in drawn if d["name"] in ontology]
    assert ours and all(d["tie"] == ontology[d["name"]].tie for d in ours)
    assert {d["tie"] for d in drawn} == {"cooperative", "hostile", "other"}
    # every relation a picture names in data-rel is in the list, with a label
    svg = _svg(client.get("/").data.decode())
    named = {n for rel in re.findall(r'data-rel="([^"]+)"', svg) for n in rel.split()}
    assert named <= {d["name"] for d in drawn} and all(d["label"] for d in drawn)


def test_a_version_s_network_is_read_before_its_first_page(app):
    """The warmer reads the network of a version as a Site warmer (on start and before a reload's swap):
    an entity page of that version then draws from the cache instead of querying the whole network."""
    from alliance_kg.server import network

    site = app.extensions["alliance_kg"]
    snapshot = site.snapshot()
    memos = (network._network, network._ties, network._span, network._overview_network, network._overview_positions)
    for memo in memos:
        memo.cache_clear()
    network.warm(app, snapshot)
    for memo in (network._network, network._ties):
        assert memo.cached() == [snapshot.version], memo.__name__
    assert network._overview_positions.cached() == [(snapshot.version, site.config.overview_max_actors)]
    read = []
    original = network.load_network
    network.load_network = lambda: read.append(1) or original()
    try:
        assert app.test_client().get("/id/Iran.html").status_code == 200
    finally:
        network.load_network = original
    assert read == []                                              # the page's network was already read
    assert snapshot.acquire()                                      # the warmer's pin was released, not kept closed
    snapshot.release()


def test_the_overview_draws_the_most_connected_actors_when_there_are_more_than_it_may(build_dir):
    """A picture of thousands of actors is unreadable and its layout grows with their square: the
    overview draws at most overview_max_actors, those with the most neighbours, and says so."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    ties = _every_tie(build_dir)
    limit = 5
    app = create_app(ServerConfig(build_dir=build_dir, overview_max_actors=limit))
    try:
        page = app.test_client().get("/").data.decode()
        root = ET.fromstring(_svg(page))
        drawn = {a.get("href")[len("/id/"):-len(".html")] for a in root.find(f"{SVG_NS}g[@class='nodes']")}
        neighbours: dict[str, set[str]] = {}
        for a, b in ties:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
        assert len(drawn) == limit
        fewest_drawn = min(len(neighbours[n]) for n in drawn)
        assert all(len(neighbours[n]) <= fewest_drawn for n in set(neighbours) - drawn)
        # every tie among the drawn actors is drawn, and no other
        assert {tuple(h.split("/")[2:4]) for h in _pair_links(_svg(page))} == \
            {(a, b) for a, b in ties if a in drawn and b in drawn}
        assert f"the {limit} actors with the most ties (of {len(neighbours)};" in " ".join(page.split())
        assert root.find(f"{SVG_NS}title").text == f"The alliance network of the {limit} of {len(neighbours)} actors with the most ties"
    finally:
        app.extensions["alliance_kg"].close()


def _every_tie(build_dir) -> set[tuple[str, str]]:
    """The pairs of actors (local names) that the whole network ties, as an overview that draws every
    actor links them (the seeds have fewer actors than the default limit)."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    app = create_app(ServerConfig(build_dir=build_dir))
    try:
        page = app.test_client().get("/").data.decode()
        assert "actors with the most ties" not in page
        return {tuple(h.split("/")[2:4]) for h in _pair_links(_svg(page))}
    finally:
        app.extensions["alliance_kg"].close()
