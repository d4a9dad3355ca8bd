"""Search: GET /search (a page that works without JavaScript) over the version's search index.

Actors are found by label and alternative label (the same lookup as autocomplete, /api/autocomplete),
quoted passages by full text (FTS5, words stemmed), each passage with its claim and document.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup, escape

from alliance_kg.graph.formats import HTML
from alliance_kg.server import render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.problems import problem
from alliance_kg.server.search import SearchUnavailable, index
from alliance_kg.server.url_builder import page_of

bp = Blueprint("search", __name__)

PAGE_SIZE = 20


def marked(text: str, ranges) -> Markup:
    """`text` escaped, with each [start, end) range wrapped in <mark>."""
    out, position = [], 0
    for start, end in ranges:
        out.append(escape(text[position:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def evidence_page(document: str, annotation: str) -> str:
    """The passage, highlighted in its document's page."""
    return page_of(document) + "#" + render_helpers.anchor_id(annotation)


def check_length(text: str) -> None:
    limit = site().config.max_search_length   # a pasted passage fits; a document does not
    if len(text) > limit:
        raise ValueError(f"parameter 'q' is longer than {limit} characters")


def read_query() -> tuple[str, int]:
    """The q and page parameters; raises ValueError with a message for the 400 answer."""
    text = request.args.get("q", "")
    check_length(text)
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise ValueError(f"parameter 'page' must be a positive integer, not {page!r}")
    return text.strip(), int(page)


def results(text: str, page: int) -> dict:
    """What a search finds: actors, and one page of passages (shared by the page and /api/search)."""
    found = index()
    total, passages = found.passages(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    actors = found.autocomplete(text, limit=10) if text else []
    for a in actors:
        a["page"] = page_of(a["iri"])
    for p in passages:
        for c in p["claims"]:
            c["page"] = page_of(c["claim"])
        p["evidence_page"] = evidence_page(p["document"], p["claims"][0]["annotation"])
    return {"query": text, "actors": actors, "total": total, "page": page, "page_size": PAGE_SIZE,
            "passages": passages}


@bp.route("/search", methods=["GET", "HEAD"])
def search_page():
    try:
        text, page = read_query()
        found = results(text, page) if text else None
    except ValueError as e:
        return problem(400, str(e))
    except SearchUnavailable as e:
        return problem(503, str(e))
    pages = (found["total"] + PAGE_SIZE - 1) // PAGE_SIZE if found else 0
    link = lambda n: "/search?" + urlencode({"q": text, "page": n})
    body = render_template("search.html", q=text, found=found, pages=pages, link=link, marked=marked,
                           iri=None, h=render_helpers)
    return Response(body, content_type=HTML.content_type)
