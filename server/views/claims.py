"""The claims browser: /claims with facets, every state a URL; its downloads; the pair's evidence pack.

    /claims?tie=hostile&subject=Iran&polarity=negated&page=2    the page (no JavaScript needed)
    /claims.csv?…, /claims.jsonld?…, /claims.zip?…              the same selection, whole, to download
    /pair/<A>/<B>/evidence.zip                                  the evidence pack of a pair

Within a facet the chosen values are alternatives (OR); facets combine with AND. Counts beside each
value say how many claims choosing it would give, the other facets kept.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from alliance_kg.graph.formats import CSV, HTML, JSONLD
from alliance_kg.server import evidence, finding, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.problems import Problem, problem
from alliance_kg.server.views.pair import pair_data
from alliance_kg.server.views.resources import finish

bp = Blueprint("claims", __name__)

PAGE_SIZE = 25
FACET_VALUES = 12     # values listed per facet on the page; "all" lists one facet whole (?all=subject)
FACET_TITLES = {"tie": "Kind of tie", "relation": "Relation", "subject": "Subject", "object": "Object",
                "modality": "Modality", "polarity": "Polarity", "document": "Document"}


def selection() -> finding.Selection:
    try:
        return finding.Selection.from_args(request.args)
    except ValueError as e:
        raise Problem(400, str(e)) from None


def page_number() -> int:
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise Problem(400, f"parameter 'page' must be a positive integer, not {page!r}")
    return int(page)


def url(path: str, chosen: finding.Selection, **extra) -> str:
    query = urlencode(chosen.params() + [(k, str(v)) for k, v in extra.items() if v is not None])
    return path + ("?" + query if query else "")


def browse(chosen: finding.Selection, page: int, limit: int | None = FACET_VALUES) -> dict:
    """One page of the selection, with the facet counts (shared by the page and /api/claims)."""
    expand = [name for name in request.args.getlist("all") if name in finding.FACETS]
    rows = finding.select(chosen)
    pages = max(1, (len(rows) + PAGE_SIZE - 1) // PAGE_SIZE)
    if page > pages:
        raise Problem(404, f"page {page} is past the last page ({pages}) of this selection")
    return {"total": len(rows), "page": page, "pages": pages, "page_size": PAGE_SIZE,
            "rows": rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "expanded": expand,
            "facets": finding.facet_counts(chosen, limit, expand)}


@bp.route("/claims", methods=["GET", "HEAD"])
def claims_page():
    try:
        chosen, page = selection(), page_number()
        found = browse(chosen, page)
    except Problem as e:
        return e.response()
    views = finding.views(found["rows"])
    body = render_template("claims.html", found=found, views=views, chosen=chosen, titles=FACET_TITLES,
                           pack_limit=site().config.max_pack_claims,
                           url=url, sparql=finding.sparql_for(chosen), iri=None, h=render_helpers)
    return finish(Response(body, content_type=HTML.content_type), "claims", request.query_string.decode())


def too_many_to_pack(count: int) -> Response | None:
    """The answer to a JSON-LD download or evidence pack of `count` claims, when that is over the bound."""
    limit = site().config.max_pack_claims
    if count <= limit:
        return None
    return problem(400, f"this selection has {count} claims; JSON-LD downloads and evidence packs hold at most "
                        f"{limit} (narrow the facets, or take the whole dataset from /downloads; CSV has every claim)",
                   title="Selection too large to pack", claims=count, limit=limit)


def _download(body: bytes, content_type: str, filename: str, *etag_parts: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return finish(response, *etag_parts)


@bp.route("/claims.<any(csv, jsonld, zip):extension>", methods=["GET", "HEAD"])
def claims_download(extension: str):
    try:
        chosen = selection()
    except Problem as e:
        return e.response()
    rows = finding.select(chosen)
    key = request.query_string.decode()
    if extension == "csv":
        return _download(evidence.claims_csv(rows), CSV.content_type, "claims.csv", "claims.csv", key)
    refused = too_many_to_pack(len(rows))
    if refused is not None:
        return refused
    if extension == "jsonld":
        return _download(evidence.claims_jsonld(rows), JSONLD.content_type, "claims.jsonld", "claims.jsonld", key)
    described = "; ".join(f"{name} = {' or '.join(values)}" for name, values in chosen.chosen.items()) or "every claim"
    if chosen.has_period:
        described += f"; period {chosen.start if chosen.start is not None else '…'}–{chosen.stop if chosen.stop is not None else '…'}"
    body = evidence.pack(rows, finding.sparql_for(chosen), f"Claims browser selection: {described}.",
                         request.url_root.rstrip("/") + url("/claims", chosen))
    return _download(body, "application/zip", "evidence.zip", "claims.zip", key)


@bp.route("/pair/<a>/<b>/evidence.zip", methods=["GET", "HEAD"])
def pair_pack(a: str, b: str):
    try:
        data = pair_data(a, b)
    except Problem as e:
        return e.response()
    both = finding.Selection({"subject": tuple(sorted({a, b})), "object": tuple(sorted({a, b}))})
    # The pair is "subject and object among {A, B}" minus claims of one actor about itself.
    query = finding.sparql_for(both).replace("}\nORDER BY", "  FILTER(?s != ?o)\n}\nORDER BY")
    what = f"Every claim between {data['labels'][a]} and {data['labels'][b]}, in both directions."
    if not data["rows"]:
        return problem(404, f"no claim links {a} and {b}")
    refused = too_many_to_pack(len(data["rows"]))
    if refused is not None:
        return refused
    body = evidence.pack(data["rows"], query, what, request.url_root.rstrip("/") + f"/pair/{a}/{b}")
    return _download(body, "application/zip", f"evidence-{a}-{b}.zip", "pair.zip", a, b)
