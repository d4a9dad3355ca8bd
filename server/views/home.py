"""The home page: what the dataset is, its counts, the alliance network as one picture, and the
schema.org Dataset description that dataset search engines read."""
from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from alliance_kg.graph.formats import GRAPH_FORMATS, HTML, by_media_type
from alliance_kg.server import finding, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.http import build_time, finish
from alliance_kg.server.network import marked_years, overview_actors, overview_svg, parse_year, time_span
from alliance_kg.server.url_builder import download_url

bp = Blueprint("home", __name__)
DCTERMS = "http://purl.org/dc/terms/"


def _void_value(predicate: str) -> str | None:
    """One value the build's VoID/DCAT description gives the dataset (the one place it is said)."""
    graph = ox.parse(path=str(site().dataset.directory / "void.ttl"), format=ox.RdfFormat.TURTLE)
    dataset = ox.NamedNode(str(site().iris.dataset))
    return next((q.object.value for q in graph if q.subject == dataset and q.predicate.value == predicate), None)


def dataset_jsonld() -> dict:
    """schema.org Dataset (Google's Dataset Search guidelines): name, description, license, creator,
    dateModified, and a DataDownload per RDF dump with its format, size and SHA-256."""
    root = request.url_root.rstrip("/")
    title = _void_value(DCTERMS + "title") or "alliance-kg"
    distributions = []
    for f in site().dataset.files:
        if by_media_type(f.media_type, GRAPH_FORMATS) is None or not f.name.startswith("dataset."):
            continue
        distributions.append({"@type": "DataDownload", "name": f.name, "contentUrl": root + download_url(f.name),
                              "encodingFormat": f.media_type, "contentSize": f"{f.bytes} B", "sha256": f.sha256})
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(site().iris.dataset),
        "name": title,
        "description": _void_value(DCTERMS + "description"),
        "url": root + "/",
        "sameAs": str(site().iris.dataset),
        "license": _void_value(DCTERMS + "license"),
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": f"the {title} project", "url": root + "/"},
        "dateModified": build_time().isoformat(),
        "version": site().dataset.version,
        "keywords": ["alliances", "proxy relationships", "geopolitics", "knowledge graph", "linked data",
                     "evidence"],
        "distribution": distributions,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": title, "url": root + "/downloads"},
    }


@bp.route("/", methods=["GET", "HEAD"])
def home():
    # The documents and their claims, from the claims' table (a query grouping every claim took 0.12 s
    # of each home page at 100x).
    by_document = finding.table().by_document
    documents = [{"iri": iri, "title": rows[0].document_title, "claims": len(rows)} for iri, rows in sorted(by_document.items())]
    year = parse_year(request.args.get("year"))
    structured = json.dumps(dataset_jsonld(), ensure_ascii=False, indent=1).replace("</", "<\\/")
    drawn, actors = overview_actors()
    body = render_template("home.html", counts=site().dataset.manifest["counts"], picture=overview_svg(year),
                           drawn=drawn, actors=actors, year=year, span=time_span(), marks=marked_years(),
                           documents=documents,
                           dataset_jsonld=structured, iri=None, h=render_helpers)
    # the Dataset markup names this host's URLs, so the tag depends on it too
    return finish(Response(body, content_type=HTML.content_type), "home", request.url_root, str(year))
