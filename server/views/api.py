"""The JSON API for scripts that do not speak SPARQL: search, autocomplete, pairs, the claims browser.

Described by an OpenAPI 3.1 document at /api/openapi.json and in words at /api. Each answer names the
dataset version it comes from; errors are RFC 9457 problem details, like the rest of the site.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from alliance_kg.graph.formats import HTML, JSON
from alliance_kg.server import finding, render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.problems import Problem, problem
from alliance_kg.server.search import SearchUnavailable, index
from alliance_kg.server.url_builder import page_of
from alliance_kg.server.views import claims as claims_view
from alliance_kg.server.views import search as search_view
from alliance_kg.server.views.pair import pair_data

bp = Blueprint("api", __name__)

AUTOCOMPLETE_LIMIT = 8
FACET_VALUES = 100    # values per facet in /api/claims (all=<facet> lists one whole)


def answer(body: dict, status: int = 200) -> Response:
    body = {"version": site().dataset.version, **body}
    response = Response(json.dumps(body, ensure_ascii=False) + "\n", status=status, content_type=JSON.content_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def row_json(r: finding.Row) -> dict:
    return {**vars(r), "page": page_of(r.iri)}   # flat fields only: no need for asdict's deep copy


@bp.route("/api/autocomplete", methods=["GET", "HEAD"])
def autocomplete():
    text = request.args.get("q", "")
    try:
        search_view.check_length(text)
    except ValueError as e:
        return problem(400, str(e))
    try:
        actors = index().autocomplete(text, limit=AUTOCOMPLETE_LIMIT)
    except SearchUnavailable as e:
        return problem(503, str(e))
    for a in actors:
        a["page"] = page_of(a["iri"])
    return answer({"query": text, "actors": actors})


@bp.route("/api/search", methods=["GET", "HEAD"])
def search():
    try:
        text, page = search_view.read_query()
        if not text:
            return problem(400, "parameter 'q' is required: the words to search for")
        return answer(search_view.results(text, page))
    except ValueError as e:
        return problem(400, str(e))
    except SearchUnavailable as e:
        return problem(503, str(e))


@bp.route("/api/pair/<a>/<b>", methods=["GET", "HEAD"])
def pair(a: str, b: str):
    try:
        data = pair_data(a, b)
    except Problem as e:
        return e.response()
    base = site().iris.base + "id/"
    relations = [{"relation": finding.relation_iri(t.relation_key), "relation_key": t.relation_key,
                  "relation_label": t.relation_label, "subject_label": t.subject_label, "object_label": t.object_label,
                  "symmetric": t.symmetric, "supporting_documents": sorted(t.supporting),
                  "denying_documents": sorted(t.denying), "hedged_claims": t.hedged, "claims": t.claims}
                 for t in data["tallies"]]
    return answer({"a": {"key": a, "iri": base + a, "label": data["labels"][a]},
                   "b": {"key": b, "iri": base + b, "label": data["labels"][b]},
                   "relations": relations,
                   "dated": [row_json(r) for r in data["dated"]],
                   "undated": [row_json(r) for r in data["undated"]],
                   "contested": [[yes.iri, no.iri] for yes, no in data["contested"]]})


@bp.route("/api/claims", methods=["GET", "HEAD"])
def claims():
    try:
        chosen, page = claims_view.selection(), claims_view.page_number()
        found = claims_view.browse(chosen, page, limit=FACET_VALUES)
    except Problem as e:
        return e.response()
    return answer({"total": found["total"], "page": found["page"], "pages": found["pages"],
                   "page_size": found["page_size"], "claims": [row_json(r) for r in found["rows"]],
                   "facets": {name: [vars(v) for v in facet.values] for name, facet in found["facets"].items()},
                   "facets_omitted": {name: facet.omitted for name, facet in found["facets"].items()},
                   "sparql": finding.sparql_for(chosen)})


@bp.route("/api/openapi.json", methods=["GET", "HEAD"])
def openapi_document():
    response = Response(json.dumps(openapi(), ensure_ascii=False, indent=1) + "\n",
                        content_type="application/vnd.oai.openapi+json; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/api", methods=["GET", "HEAD"])
def api_page():
    body = render_template("api.html", spec=openapi(), iri=None, h=render_helpers)
    return Response(body, content_type=HTML.content_type)


# --- the OpenAPI description ------------------------------------------------------------------------

def _q(name: str, description: str, schema: dict, required: bool = False, array: bool = False) -> dict:
    if array:
        schema = {"type": "array", "items": schema}
    parameter = {"name": name, "in": "query", "description": description, "required": required, "schema": schema}
    if array:
        parameter.update(style="form", explode=True)
    return parameter


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_\\-]*$"}}


def _ok(description: str, schema_ref: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


PROBLEM = {"description": "an RFC 9457 problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def openapi() -> dict:
    string, integer, nullable_int = {"type": "string"}, {"type": "integer"}, {"type": ["integer", "null"]}
    nullable_string = {"type": ["string", "null"]}
    row = {"type": "object", "required": ["iri", "label", "subject", "relation", "object", "modality", "polarity", "document"],
           "properties": {
               "iri": string, "label": string, "page": string, "subject": string, "subject_key": string,
               "subject_label": string, "relation": string, "relation_key": string, "relation_label": string,
               "tie": {"enum": list(finding.TIES)}, "symmetric": {"type": "boolean"}, "object": string,
               "object_key": string, "object_label": string, "object_is_iri": {"type": "boolean"},
               "modality": {"enum": ["asserted", "hedged"]}, "polarity": {"enum": ["affirmed", "negated"]},
               "document": string, "document_key": string, "document_title": string,
               "begin": nullable_int, "end": nullable_int, "time": nullable_string}}
    actor = {"type": "object", "required": ["iri", "label"],
             "properties": {"iri": string, "label": string, "kind": nullable_string, "matched": string, "page": string}}
    passage = {"type": "object", "properties": {
        "quote": string, "matches": {"type": "array", "items": {"type": "array", "items": integer, "minItems": 2, "maxItems": 2},
                                     "description": "[start, end) ranges of the quote, in code points, that matched"},
        "document": string, "document_title": string, "start": integer, "end": integer, "evidence_page": string,
        "claims": {"type": "array", "description": "the claims this passage is the evidence of",
                   "items": {"type": "object", "properties": {"annotation": string, "claim": string, "label": string,
                                                              "page": string}}}}}
    facet_value = {"type": "object", "properties": {"value": string, "label": string, "count": integer,
                                                    "chosen": {"type": "boolean"}}}
    version = {"version": {"type": "string", "description": "the dataset version that answered"}}
    facet_parameters = [
        _q("tie", "kind of tie (the ontology's ak:cooperativeTie / ak:hostileTie)", {"enum": list(finding.TIES)}, array=True),
        _q("relation", "relation: local name of an ak: property, or a CURIE (org:headOf)", string, array=True),
        _q("subject", "subject actor (its name, as in /id/<name>)", string, array=True),
        _q("object", "object actor (its name), or a value", string, array=True),
        _q("modality", "asserted or hedged", {"enum": ["asserted", "hedged"]}, array=True),
        _q("polarity", "affirmed or negated (denied)", {"enum": ["affirmed", "negated"]}, array=True),
        _q("document", "source document identifier", string, array=True),
        _q("from", "period: claims whose OWL-Time interval meets this year or later", integer),
        _q("to", "period: claims whose interval meets this year or earlier", integer),
        _q("undated", "with a period: keep undated claims too (1)", {"enum": ["1"]}),
        _q("page", "page of results, from 1", {"type": "integer", "minimum": 1}),
        _q("all", f"list every value of this facet (otherwise its {FACET_VALUES} commonest and the chosen ones)",
           {"enum": list(finding.FACETS)}, array=True),
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "alliance-kg JSON API", "version": "1",
                 "description": "Search, autocomplete, pairs of actors and the claims browser as JSON. "
                                "Everything here is also in the SPARQL endpoint (/sparql); this API is for scripts "
                                "that do not speak SPARQL.",
                 "license": {"name": "CC BY 4.0 (the data)", "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/autocomplete": {"get": {
                "operationId": "autocomplete", "summary": "Actors whose label or alternative label begins as typed",
                "parameters": [_q("q", "what has been typed so far", string)],
                "responses": {"200": _ok("up to 8 actors, best first", "#/components/schemas/Autocomplete"),
                              "400": PROBLEM, "503": PROBLEM}}},
            "/api/search": {"get": {
                "operationId": "search", "summary": "Full-text search over the quoted passages (and actors by name)",
                "parameters": [_q("q", "words that must all occur; \"double quotes\" for a phrase", string, required=True),
                               _q("page", "page of passages, from 1", {"type": "integer", "minimum": 1})],
                "responses": {"200": _ok("matching actors and one page of passages", "#/components/schemas/Search"),
                              "400": PROBLEM, "503": PROBLEM}}},
            "/api/pair/{a}/{b}": {"get": {
                "operationId": "pair", "summary": "Every claim between two actors, both directions, dated and undated",
                "parameters": [_path("a", "an actor's name"), _path("b", "another actor's name")],
                "responses": {"200": _ok("the pair", "#/components/schemas/Pair"), "400": PROBLEM, "404": PROBLEM}}},
            "/api/claims": {"get": {
                "operationId": "claims", "summary": "The claims browser: one page of a faceted selection, with facet counts",
                "parameters": facet_parameters,
                "responses": {"200": _ok("one page of claims", "#/components/schemas/Claims"), "400": PROBLEM, "404": PROBLEM}}},
        },
        "components": {"schemas": {
            "Claim": row, "Actor": actor, "Passage": passage, "FacetValue": facet_value,
            "Autocomplete": {"type": "object", "required": ["version", "actors"], "properties": {
                **version, "query": string, "actors": {"type": "array", "items": {"$ref": "#/components/schemas/Actor"}}}},
            "Search": {"type": "object", "required": ["version", "total", "passages"], "properties": {
                **version, "query": string, "total": integer, "page": integer, "page_size": integer,
                "actors": {"type": "array", "items": {"$ref": "#/components/schemas/Actor"}},
                "passages": {"type": "array", "items": {"$ref": "#/components/schemas/Passage"}}}},
            "Pair": {"type": "object", "required": ["version", "a", "b", "relations", "dated", "undated"], "properties": {
                **version, "a": {"type": "object"}, "b": {"type": "object"},
                "relations": {"type": "array", "items": {"type": "object", "properties": {
                    "relation": string, "relation_key": string, "relation_label": string, "subject_label": string,
                    "object_label": string, "symmetric": {"type": "boolean"},
                    "supporting_documents": {"type": "array", "items": string},
                    "denying_documents": {"type": "array", "items": string},
                    "hedged_claims": integer, "claims": integer}}},
                "dated": {"type": "array", "items": {"$ref": "#/components/schemas/Claim"}},
                "undated": {"type": "array", "items": {"$ref": "#/components/schemas/Claim"}},
                "contested": {"type": "array", "items": {"type": "array", "items": string}}}},
            "Claims": {"type": "object", "required": ["version", "total", "claims", "facets"], "properties": {
                **version, "total": integer, "page": integer, "pages": integer, "page_size": integer,
                "claims": {"type": "array", "items": {"$ref": "#/components/schemas/Claim"}},
                "facets": {"type": "object", "additionalProperties": {
                    "type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
                "facets_omitted": {"type": "object", "additionalProperties": integer,
                                   "description": "values of each facet not listed (see the all parameter)"},
                "sparql": {"type": "string", "description": "a SPARQL query selecting the same claims"}}},
            "Problem": {"type": "object", "properties": {"type": string, "title": string, "status": integer,
                                                          "detail": string}},
        }},
    }
