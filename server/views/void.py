"""/.well-known/void (RFC 5785, VoID §7): the VoID and DCAT description of the dataset, by Accept."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from alliance_kg.graph.formats import JSONLD, NTRIPLES, RDFXML, TURTLE
from alliance_kg.server.app import site
from alliance_kg.server.negotiation import choose
from alliance_kg.server.views.resources import finish

bp = Blueprint("void", __name__)
OFFERED = (TURTLE, JSONLD, RDFXML, NTRIPLES)


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def void():
    fmt = choose(request.headers.get("Accept"), OFFERED)   # NotAcceptable: 406 by the error handler
    path = site().dataset.directory / "void.ttl"
    if fmt is TURTLE:
        body = path.read_bytes()
    else:
        from alliance_kg.graph.publish import prefixes
        body = ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), format=fmt.oxigraph,
                            prefixes=prefixes(site().iris))
    return finish(Response(body, content_type=fmt.content_type), "void", fmt.name, vary_accept=True)
