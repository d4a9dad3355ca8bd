"""Dereferenceable IRIs (Cool URIs): /id/…, /claim/…, /document/…, /graph/….

A request for the IRI itself is negotiated by Accept and answered 303 See Other to a document about
it (…/Iran.html, .ttl, .jsonld, .nt, .rdf, .trig, .nq); the documents answer 200 directly, with ETag
and Last-Modified so that clients revalidate instead of downloading again.
"""
from __future__ import annotations

from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request

from alliance_kg.graph.formats import HTML, JSONLD, NQUADS, NTRIPLES, RDFXML, TRIG, TURTLE, Format, by_extension
from alliance_kg.graph.iris import NAME_PATTERN
from alliance_kg.server import describe, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.http import strong_etag
from alliance_kg.server.negotiation import NotAcceptable, choose
from alliance_kg.server.network import neighbourhood_svg
from alliance_kg.server.problems import problem
from alliance_kg.server.url_builder import iri_of, page_of, path_of

bp = Blueprint("resources", __name__)

DOCUMENT_FORMATS = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS)
QUAD_FORMATS = (TRIG, NQUADS)


def _prefixes() -> dict[str, str]:
    from alliance_kg.graph.publish import prefixes
    return prefixes(site().iris)


def serialize(quads: list[ox.Quad], fmt: Format) -> bytes:
    """RDF for a document; triple formats merge the graphs (inferences stay marked by their records)."""
    if fmt in QUAD_FORMATS:
        return ox.serialize(quads, format=fmt.oxigraph, prefixes=_prefixes())
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=_prefixes())


def build_time() -> datetime:
    return site().snapshot().modified


def finish(response: Response, *etag_parts: str, vary_accept: bool = False) -> Response:
    """ETag, Last-Modified, caching; turns the response into a 304 when the client is up to date."""
    response.set_etag(strong_etag(site().dataset.version, *etag_parts))
    response.last_modified = build_time()
    response.headers["Cache-Control"] = "public, max-age=300"
    if vary_accept:
        response.vary.add("Accept")
    return response.make_conditional(request)


def see_other(path: str, offered=DOCUMENT_FORMATS) -> Response:
    """303 to the document in the format the client prefers (or 406 listing them)."""
    try:
        fmt = choose(request.headers.get("Accept"), offered)
    except NotAcceptable as e:
        response = problem(406, "no document about this resource is in an acceptable format",
                           acceptable=[f.media_type for f in e.offered],
                           documents=[path + f.extension for f in e.offered])
        response.vary.add("Accept")
        return response
    response = redirect(path + fmt.extension, code=303)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def split_extension(key: str) -> tuple[str, str | None]:
    stem, dot, ext = key.rpartition(".")
    return (stem, "." + ext) if dot and "/" not in ext else (key, None)


def valid_key(kind: str, key: str) -> bool:
    parts = key.split("/")
    if kind == "id":
        return len(parts) == 1 and bool(NAME_PATTERN.match(key))
    if kind == "claim":
        return len(parts) == 2 and all(NAME_PATTERN.match(p) for p in parts)
    if kind == "document":
        return len(parts) == 1 and bool(NAME_PATTERN.match(key))
    if kind == "graph":
        return parts in (["ontology"], ["actors"], ["inferred"]) or (
            len(parts) == 2 and parts[0] == "document" and bool(NAME_PATTERN.match(parts[1])))
    return False


@bp.route("/id/", methods=["GET", "HEAD"])
def actor_index():
    """Every actor, place and event, with a link to its page (the home picture shows only those with ties)."""
    body = render_template("actors.html", actors=describe.actors(), iri=None, h=render_helpers)
    return finish(Response(body, content_type=HTML.content_type), "actors")


@bp.route("/<any(id, claim, document, graph):kind>/<path:key>", methods=["GET", "HEAD"])
def resource(kind: str, key: str):
    stem, extension = split_extension(key)
    if not valid_key(kind, stem):
        return problem(400, f"/{kind}/{key} is not a well-formed alliance-kg IRI")
    iri = iri_of(f"/{kind}/{stem}")
    if not describe.exists(iri):
        return problem(404, f"{iri} is not in the dataset")
    if extension is None:
        return see_other(path_of(iri))
    fmt = by_extension(extension, DOCUMENT_FORMATS)
    if fmt is None:
        return problem(406, f"there is no {extension} document about this resource",
                       documents=[path_of(iri) + f.extension for f in DOCUMENT_FORMATS])
    if fmt is HTML:
        body = render_page(kind, iri)
        if body is None:
            return problem(404, f"{iri} has no page")
        response = Response(body, content_type=HTML.content_type)
    else:
        response = Response(serialize(describe.quads_about(iri, kind), fmt), content_type=fmt.content_type)
        response.headers["Link"] = f'<{iri}>; rel="describes"'
    return finish(response, kind, stem, fmt.name)


def render_page(kind: str, iri: str) -> str | None:
    alternates = [(f.media_type, page_of(iri, f.extension)) for f in DOCUMENT_FORMATS if f is not HTML]
    common = dict(iri=iri, alternates=alternates, h=render_helpers)
    if kind == "id":
        view = describe.entity(iri)
        if view is None:
            return None
        jsonld = serialize(describe.quads_about(iri, "id"), JSONLD).decode("utf-8")
        return render_template("entity.html", e=view, picture=neighbourhood_svg(iri),
                               jsonld=jsonld.replace("</", "<\\/"), **common)
    if kind == "claim":
        found = describe.claims(f"VALUES ?claim {{ <{iri}> }}")
        return render_template("claim.html", c=found[0], **common) if found else None
    if kind == "document":
        view = describe.document(iri)
        return render_template("document.html", d=view, segments=render_helpers.segments(view), **common) \
            if view else None
    quads = describe.quads_about(iri, "graph")
    return render_template("graph.html", count=len(quads), turtle=serialize(quads[:2000], TURTLE).decode("utf-8"),
                           truncated=len(quads) > 2000, **common)
