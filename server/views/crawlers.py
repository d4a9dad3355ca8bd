"""What crawlers read: /robots.txt (RFC 9309) and /sitemap.xml (sitemaps.org 0.9) listing every
entity, claim and document page, written with the standard library's XML writer."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache

from flask import Blueprint, Response, request

from alliance_kg.graph.formats import TEXT, XML
from alliance_kg.server.app import site
from alliance_kg.server.cache import computed_once
from alliance_kg.server.http import build_time, finish
from alliance_kg.server.url_builder import page_of

bp = Blueprint("crawlers", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Pages that are not about one resource, in the order a reader meets them.
SITE_PAGES = ("/", "/sparql", "/downloads", "/ontology.html", "/shapes.html")


def _root() -> str:
    return request.url_root.rstrip("/")


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots():
    # Crawlers may read every page; a query URL is a computation, not a page to index.
    body = (f"User-agent: *\nDisallow: /sparql?\nAllow: /\n\nSitemap: {_root()}/sitemap.xml\n")
    return finish(Response(body, content_type=TEXT.content_type), "robots", _root())


def page_iris() -> list[str]:
    """The IRIs that have an HTML page: every entity, claim and source document."""
    return _page_iris(site().dataset.version, site())


@computed_once(maxsize=4)
def _page_iris(version: str, the_site) -> list[str]:
    # Read once per version: the query reads every claim and label (2.6 s at 100x).
    iris = the_site.iris
    rows = the_site.engine.select(f"""
      SELECT DISTINCT ?x WHERE {{
        {{ ?x a <{iris.ONT}Claim> }} UNION {{ ?x a <{iris.ONT}SourceDocument> }}
        UNION {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label ; a ?class
                 FILTER(STRSTARTS(STR(?x), "{iris.base}id/")) }}
        FILTER(!CONTAINS(STR(?x), "#"))
      }} ORDER BY ?x""")
    return [r["x"].value for r in rows]


@bp.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap():
    root, lastmod = _root(), build_time().date().isoformat()
    body = _sitemap(site().dataset.version, root, lastmod)
    return finish(Response(body, content_type=XML.content_type), "sitemap", root)


@lru_cache(maxsize=8)   # per version and host name (a sitemap names absolute URLs)
def _sitemap(version: str, root: str, lastmod: str) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for path in list(SITE_PAGES) + [page_of(iri) for iri in page_iris()]:
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = root + path
        ET.SubElement(url, "lastmod").text = lastmod
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)


@bp.route("/favicon.ico", methods=["GET", "HEAD"])
def favicon():
    # Browsers ask for this name on their own; the icon is an SVG (linked from every page).
    from alliance_kg.server.assets import url

    response = Response(status=301, headers={"Location": url("favicon.svg")})
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
