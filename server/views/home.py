"""The home page: what the dataset is, its counts, and the alliance network as one picture."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from alliance_kg.graph.formats import HTML
from alliance_kg.server import render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.network import overview_svg
from alliance_kg.server.views.resources import finish

bp = Blueprint("home", __name__)


@bp.route("/", methods=["GET", "HEAD"])
def home():
    documents = site().engine.select("""
      PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?iri ?title (COUNT(?claim) AS ?claims) WHERE {
        ?claim prov:wasDerivedFrom ?iri . ?iri dcterms:title ?title } GROUP BY ?iri ?title ORDER BY ?iri""")
    body = render_template("home.html", counts=site().dataset.manifest["counts"], picture=overview_svg(),
                           documents=[{"iri": d["iri"].value, "title": d["title"].value,
                                       "claims": int(d["claims"].value)} for d in documents],
                           iri=None, h=render_helpers)
    return finish(Response(body, content_type=HTML.content_type), "home")
