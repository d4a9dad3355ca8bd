"""Dereferenceable IRIs (Cool URIs): /id/…, /claim/…, /document/…, /graph/….

A request for the IRI itself is negotiated by Accept and answered 303 See Other to a document about
it (…/Iran.html, .ttl, .jsonld, .nt, .rdf, .trig, .nq); the documents answer 200 directly, with ETag
and Last-Modified so that clients revalidate instead of downloading again.
"""
from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from alliance_kg.graph.formats import HTML, JSONLD, NQUADS, NTRIPLES, RDFXML, TEXT, TRIG, TURTLE, Format, by_extension
from alliance_kg.graph.iris import NAME_PATTERN
from alliance_kg.server import describe, finding, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.http import build_time, finish
from alliance_kg.server.http import see_other as _see_other
from alliance_kg.server.network import marked_years, neighbourhood_svg, parse_year, time_span
from alliance_kg.server.problems import Problem
from alliance_kg.server.url_builder import iri_of, page_of, path_of

bp = Blueprint("resources", __name__)

DOCUMENT_FORMATS = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS)
QUAD_FORMATS = (TRIG, NQUADS)
# An entity page's lists and the query parameter that pages each (?out=2#outgoing).
LISTS = {"out": "outgoing", "in": "incoming", "inferred": "inferred"}


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


__all__ = ["bp", "build_time", "finish", "see_other", "serialize", "render_page"]


def see_other(path: str, offered=DOCUMENT_FORMATS) -> Response:
    """303 to a document about the resource at `path`, by Accept (the policy is server/http.py's)."""
    return _see_other(path, offered)


@lru_cache(maxsize=4)
def _context(directory) -> dict:
    return json.loads((directory / "context.jsonld").read_text(encoding="utf-8"))["@context"]


def embedded_jsonld(iri: str) -> str:
    """What an entity page embeds: the entity's own asserted statements, compacted with the dataset's
    JSON-LD context (a few KB); the whole description with claims and evidence is linked, not embedded."""
    import rdflib

    rows = site().engine.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    subject = ox.NamedNode(iri)
    triples = sorted({ox.Triple(subject, r["p"], r["o"]) for r in rows}, key=str)
    graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    text = graph.serialize(format="json-ld", context=_context(site().dataset.directory), auto_compact=True)
    # minified: machines read it, and a phone should not download the indentation of the context
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


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


# Triples a named graph's page shows (the graph's own documents, linked from the page, hold them all).
GRAPH_PAGE_TRIPLES = 2000


@bp.route("/id/", methods=["GET", "HEAD"])
def actor_index():
    """Every actor, place and event, with a link to its page (the home picture shows only those with ties)."""
    body = render_template("actors.html", actors=describe.actors(), iri=None, h=render_helpers)
    return finish(Response(body, content_type=HTML.content_type), "actors")


@bp.route("/<any(id, claim, document, graph):kind>/<path:key>", methods=["GET", "HEAD"])
def resource(kind: str, key: str):
    stem, extension = split_extension(key)
    if not valid_key(kind, stem):
        raise Problem(400, f"/{kind}/{key} is not a well-formed alliance-kg IRI")
    iri = iri_of(f"/{kind}/{stem}")
    if not describe.exists(iri):
        raise Problem(404, f"{iri} is not in the dataset")
    if extension is None:
        return see_other(path_of(iri))
    fmt = by_extension(extension, DOCUMENT_FORMATS)
    if fmt is None:
        raise Problem(406, f"there is no {extension} document about this resource",
                       documents=[path_of(iri) + f.extension for f in DOCUMENT_FORMATS])
    if fmt is HTML:
        year = parse_year(request.args.get("year")) if kind == "id" else None
        body = render_page(kind, iri, year)
        if body is None:
            raise Problem(404, f"{iri} has no page")
        response = Response(body, content_type=HTML.content_type)
    else:
        response = Response(serialize(describe.quads_about(iri, kind), fmt), content_type=fmt.content_type)
        response.headers["Link"] = f'<{iri}>; rel="describes"'
    lists = "&".join(f"{k}={v}" for k, v in list_pages().items()) if fmt is HTML and kind == "id" else ""
    return finish(response, kind, stem, fmt.name, str(year) if fmt is HTML else "", lists)


@bp.route("/text/<key>", methods=["GET", "HEAD"])
def stored_text(key: str):
    """A document's stored text, byte for byte: the dcterms:source of the document (graph/iris.py), what
    its evidence offsets count into (Unicode code points) and what its recorded SHA-256 is the digest of."""
    if not NAME_PATTERN.match(key):
        raise Problem(400, f"/text/{key} is not a well-formed alliance-kg IRI")
    iri = iri_of(f"/text/{key}")
    found = describe.stored_text(iri)
    if found is None:
        raise Problem(404, f"{iri} is not the text of a document in the dataset")
    text, sha256 = found
    response = Response(text.encode("utf-8"), content_type=TEXT.content_type)
    response.headers["Link"] = f'<{site().iris.document(key)}>; rel="describedby"'
    finish(response)
    # The text's own digest: the same ETag in every version that holds the same bytes.
    response.set_etag(sha256)
    return response


def list_pages() -> dict[str, int]:
    """The page of each entity-page list that the request asks for (1 when not given)."""
    pages = {}
    for name in LISTS:
        text = request.args.get(name, "1")
        if not text.isdigit() or int(text) < 1:
            raise Problem(400, f"parameter {name!r} must be a positive integer (a page number), not {text!r}")
        pages[name] = int(text)
    return pages


def page_url(name: str, number: int) -> str:
    """This entity page with one of its lists turned to another page, the other lists kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != name]
    if number > 1:
        args.append((name, str(number)))
    return request.path + ("?" + urlencode(args) if args else "") + "#" + LISTS[name]


def _grouped(views: list) -> list[tuple[str, list]]:
    """A page of claim views under their relations' headings (the rows come sorted by relation)."""
    groups: list[tuple[str, list]] = []
    for view in views:
        if not groups or groups[-1][0] != view.relation_label:
            groups.append((view.relation_label, []))
        groups[-1][1].append(view)
    return groups


def _entity_page(iri: str, year: int | None, common: dict) -> str | None:
    view = describe.entity(iri)
    if view is None:
        return None
    size = site().config.entity_page_size
    pages = list_pages()
    try:
        outgoing = finding.listing(iri, "subject", pages["out"], size)
        incoming = finding.listing(iri, "object", pages["in"], size)
    except finding.PageOutOfRange as e:
        raise Problem(404, str(e)) from None
    inferred_pages = max(1, -(-len(view.inferred) // size))
    if pages["inferred"] > inferred_pages:
        raise Problem(404, f"page {pages['inferred']} is past the last page ({inferred_pages}) of the inferred facts")
    inferred = view.inferred[(pages["inferred"] - 1) * size: pages["inferred"] * size]
    # Each page's claims read with their evidence inside their own graphs (finding.views), in one query.
    views = finding.views(outgoing.rows + incoming.rows)
    out_views, in_views = views[:len(outgoing.rows)], views[len(outgoing.rows):]
    titles = {e.document: e.document_title for c in views for e in c.evidence}
    sources = {doc: n for n, doc in enumerate(sorted(titles, key=titles.get), start=1)}
    key = iri[len(site().iris.base + "id/"):]
    return render_template("entity.html", e=view, picture=neighbourhood_svg(iri, year), jsonld=embedded_jsonld(iri),
                           year=year, span=time_span(), marks=marked_years(), sources=sources, titles=titles,
                           claim_count=outgoing.total + incoming.total, outgoing=outgoing, incoming=incoming,
                           out_groups=_grouped(out_views), in_groups=_grouped(in_views), inferred=inferred,
                           inferred_page=pages["inferred"], inferred_pages=inferred_pages, size=size,
                           page_url=page_url, browse=lambda facet, **more: "/claims?" + urlencode(finding.Selection(
                               {facet: (key,), **{k: (v,) for k, v in more.items()}}).params()),
                           **common)


def render_page(kind: str, iri: str, year: int | None = None) -> str | None:
    alternates = [(f.media_type, page_of(iri, f.extension)) for f in DOCUMENT_FORMATS if f is not HTML]
    common = dict(iri=iri, alternates=alternates, h=render_helpers)
    if kind == "id":
        return _entity_page(iri, year, common)
    if kind == "claim":
        row = finding.table().by_iri.get(iri)
        return render_template("claim.html", c=finding.views([row])[0], **common) if row else None
    if kind == "document":
        view = describe.document(iri)
        if view is not None:     # its claims with their evidence, read in their own graph (finding.views)
            view.claims = finding.views(finding.table().by_document.get(iri, []))
        return render_template("document.html", d=view, segments=render_helpers.segments(view), **common) \
            if view else None
    count, quads = describe.graph_sample(iri, GRAPH_PAGE_TRIPLES)
    return render_template("graph.html", count=count, turtle=serialize(quads, TURTLE).decode("utf-8"),
                           shown=len(quads), **common)
