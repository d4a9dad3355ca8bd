"""/.well-known/void (RFC 5785, VoID §7): the VoID and DCAT description of the dataset, by Accept."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from alliance_kg.graph.formats import JSONLD, NTRIPLES, RDFXML, TURTLE
from alliance_kg.server.app import site
from alliance_kg.server.negotiation import NotAcceptable, choose
from alliance_kg.server.problems import problem
from alliance_kg.server.views.resources import finish

bp = Blueprint("void", __name__)
OFFERED = (TURTLE, JSONLD, RDFXML, NTRIPLES)


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def void():
    try:
        fmt = choose(request.headers.get("Accept"), OFFERED)
    except NotAcceptable as e:
        return problem(406, "the VoID description is not available in an acceptable format",
                       acceptable=[f.media_type for f in e.offered])
    path = site().dataset.directory / "void.ttl"
    if fmt is TURTLE:
        body = path.read_bytes()
    else:
        from alliance_kg.graph.publish import prefixes
        body = ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), format=fmt.oxigraph,
                            prefixes=prefixes(site().iris))
    return finish(Response(body, content_type=fmt.content_type), "void", fmt.name, vary_accept=True)
