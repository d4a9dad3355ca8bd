"""/ontology and /shapes: documentation for people, Turtle / RDF/XML / JSON-LD for machines."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from alliance_kg.graph.formats import HTML, JSONLD, RDFXML, TURTLE, by_extension
from alliance_kg.server import render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.problems import Problem
from alliance_kg.server.views.resources import finish, see_other

bp = Blueprint("ontology", __name__)

# The build writes these files; the server only picks the one asked for.
ONTOLOGY_FILES = {HTML: "ontology.html", TURTLE: "ontology.ttl", RDFXML: "ontology.rdf", JSONLD: "ontology.jsonld"}
SHAPES_FILES = {HTML: None, TURTLE: "shapes.ttl"}


def _document(name: str | None, fmt, tag: str) -> Response:
    body = (site().dataset.directory / name).read_bytes()
    return finish(Response(body, content_type=fmt.content_type), tag, fmt.name)


@bp.route("/ontology", methods=["GET", "HEAD"])
def ontology():
    return see_other("/ontology", tuple(ONTOLOGY_FILES))


@bp.route("/ontology.<ext>", methods=["GET", "HEAD"])
def ontology_document(ext: str):
    fmt = by_extension("." + ext, tuple(ONTOLOGY_FILES))
    if fmt is None:
        raise Problem(406, f"the ontology is not published as .{ext}",
                       documents=[f"/ontology{f.extension}" for f in ONTOLOGY_FILES])
    return _document(ONTOLOGY_FILES[fmt], fmt, "ontology")


@bp.route("/shapes", methods=["GET", "HEAD"])
def shapes():
    return see_other("/shapes", tuple(SHAPES_FILES))


@bp.route("/shapes.<ext>", methods=["GET", "HEAD"])
def shapes_document(ext: str):
    fmt = by_extension("." + ext, tuple(SHAPES_FILES))
    if fmt is None:
        raise Problem(406, f"the shapes are not published as .{ext}", documents=["/shapes.html", "/shapes.ttl"])
    if fmt is HTML:
        directory = site().dataset.directory
        body = render_template("shapes.html", shapes=(directory / "shapes.ttl").read_text(encoding="utf-8"),
                               report=(directory / "validation-report.txt").read_text(encoding="utf-8"),
                               iri=site().iris.shapes, h=render_helpers)
        return finish(Response(body, content_type=HTML.content_type), "shapes", "html")
    return _document(SHAPES_FILES[fmt], fmt, "shapes")
