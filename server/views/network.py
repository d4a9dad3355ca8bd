"""The network pictures on their own, for the page's script (static/network.js) to redraw a picture
for another year in place, and the relations they draw, for its filters:

    /network.svg?year=1985            the network of all actors (the home page's picture)
    /network/Iran.svg?year=1985       one actor's neighbourhood (its page's picture)
    /network/relations.json           the relations drawn: name, label, cooperative/hostile/other

The pages themselves draw the same pictures inline and work without any script.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, request

from alliance_kg.graph.formats import JSON, SVG
from alliance_kg.server import network
from alliance_kg.server.app import site
from alliance_kg.server.http import finish
from alliance_kg.server.negotiation import choose
from alliance_kg.server.views.pair import actor_labels

bp = Blueprint("network", __name__)


def _answer(body: str, fmt, *etag_parts: str) -> Response:
    choose(request.headers.get("Accept"), (fmt,))   # 406 for a client that takes neither
    return finish(Response(body, content_type=fmt.content_type), *etag_parts, vary_accept=True)


@bp.route("/network.svg", methods=["GET", "HEAD"])
def overview():
    year = network.parse_year(request.args.get("year"))
    return _answer(network.overview_svg(year, standalone=True), SVG, "network", str(year))


@bp.route("/network/<actor>.svg", methods=["GET", "HEAD"])
def neighbourhood(actor: str):
    actor_labels(actor)   # 400 for a malformed name, 404 for one that is not an actor
    year = network.parse_year(request.args.get("year"))
    iri = site().iris.base + "id/" + actor
    return _answer(network.neighbourhood_svg(iri, year, standalone=True), SVG, "network", actor, str(year))


@bp.route("/network/relations.json", methods=["GET", "HEAD"])
def relations():
    return _answer(json.dumps(network.relations_drawn(), ensure_ascii=False), JSON, "network-relations")


@bp.app_context_processor
def network_helpers():
    # the pages' captions say what a picture shows in the words a redrawn picture brings (data-shown)
    return {"network_shown": network.shown}
