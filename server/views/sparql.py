"""`/sparql`: the SPARQL 1.1 Protocol (query operation only) and the Service Description.

Read-only by design: updates are 403. Safe by default: SERVICE only to allow-listed endpoints, and
FROM / FROM NAMED select among our own named graphs (Oxigraph never dereferences them).
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from alliance_kg.graph.formats import (
    GRAPH_FORMATS,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESULT_FORMATS,
    TURTLE,
    by_client_name,
)
from alliance_kg.server.app import site
from alliance_kg.server.engine import Answer, QueryFailed, QueryRequest
from alliance_kg.server.http import not_modified, preflight, strong_etag
from alliance_kg.server.negotiation import NotAcceptable, choose, prefers_html
from alliance_kg.server.problems import Problem, problem
from alliance_kg.server.service_description import service_description
from alliance_kg.server.sparql_text import analyze, readable_syntax_error

bp = Blueprint("sparql", __name__)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off", ""}
# Where clients put a format name beside Accept: SPARQLWrapper sends all three, with the same value.
FORMAT_PARAMETERS = ("format", "output", "results")


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise Problem(400, f"the '{name}' parameter may be given only once")
    return values[0] if values else None


def read_protocol_request() -> tuple[str | None, QueryRequest | None, dict]:
    """The operation in this request, per SPARQL 1.1 Protocol §2.1: (query text, graphs, options)."""
    config = site().config
    if request.method == "POST":
        media_type = (request.mimetype or "").lower()
        if media_type == UPDATE_TYPE:
            raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if media_type == FORM_TYPE:
            params = request.form
            if "update" in params:
                raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
            query = _single(params.getlist("query"), "query")
            graph_params = params
        elif media_type == QUERY_TYPE:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise Problem(415, f"a query POSTed as {QUERY_TYPE} is UTF-8 (SPARQL 1.1 Protocol 2.1.3), "
                                   f"not charset={charset}")
            try:
                query = request.get_data().decode("utf-8")
            except UnicodeDecodeError as e:
                raise Problem(400, f"the query is not UTF-8: byte {e.start} cannot be decoded") from None
            graph_params = request.args
        else:
            raise Problem(415, f"POST a query as {FORM_TYPE} or {QUERY_TYPE}, not {media_type or 'no type'}",
                          accepted=[FORM_TYPE, QUERY_TYPE])
        if query is None:
            raise Problem(400, "no 'query' parameter in the request")
    else:
        if "update" in request.args:
            raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
        query = _single(request.args.getlist("query"), "query")
        graph_params = request.args
    options = {"inferred": _boolean(request.values.getlist("inferred"), "inferred"),
               "formats": [v for name in FORMAT_PARAMETERS for v in request.values.getlist(name)]}
    if query is None:
        return None, None, options
    if len(query) > config.max_query_length:
        status = 414 if request.method == "GET" else 413
        raise Problem(status, f"the query is {len(query)} characters long; the limit is {config.max_query_length}")
    shape = analyze(query, base_iri=request.base_url)
    if shape.is_update:
        raise Problem(403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, …) is not accepted")
    for service in shape.services:
        if service.iri is None or service.iri not in config.service_allowlist:
            raise Problem(403, f"SERVICE {service.text} is not allowed: this endpoint calls only the "
                               "endpoints its operator allow-listed", allowed_services=list(config.service_allowlist))
    default_graphs = _graph_iris(graph_params.getlist("default-graph-uri"), "default-graph-uri")
    named_graphs = _graph_iris(graph_params.getlist("named-graph-uri"), "named-graph-uri")
    # Relative IRIs in a query without BASE resolve against the endpoint's own URL (Protocol 2.1.4's
    # "base IRI of the service"; the W3C test query_content_type_construct relies on it).
    query_request = QueryRequest(query, default_graphs, named_graphs, options["inferred"],
                                 from_graphs=tuple(shape.from_graphs),
                                 from_named_graphs=tuple(shape.from_named_graphs), base_iri=request.base_url)
    options["returns_graph"] = shape.returns_graph
    options["shape"] = shape
    return query, query_request, options


def _boolean(values: list[str], name: str) -> bool:
    value = (_single(values, name) or "").strip().lower()
    if value not in TRUE_VALUES | FALSE_VALUES:
        raise Problem(400, f"the '{name}' parameter is true or false, not {value!r}")
    return value in TRUE_VALUES


def _graph_iris(values: list[str], name: str) -> tuple[str, ...]:
    """Each value an absolute IRI (Protocol 2.1.4: default-graph-uri and named-graph-uri are IRIs)."""
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as e:
            raise Problem(400, f"the '{name}' parameter must be an absolute IRI; {value!r} is not ({e})",
                          parameter=name) from None
    return tuple(values)


def choose_format(offered, overrides: list[str]):
    """A format named by the client's format/output/results parameter wins when it fits this result;
    an unknown or unfit name is no override, and Accept decides (what Virtuoso and Fuseki do)."""
    for value in overrides:
        fmt = by_client_name(value, offered)
        if fmt is not None:
            return fmt
    return choose(request.headers.get("Accept"), offered)


def not_acceptable(error: NotAcceptable) -> Response:
    return problem(406, "none of the requested media types can represent this result",
                   acceptable=[f.media_type for f in error.offered])


def answer_response(answer: Answer, fmt, etag: str) -> Response:
    response = Response(answer.body, content_type=fmt.content_type)
    response.headers["X-SPARQL-Rows"] = str(answer.rows)
    response.headers["X-SPARQL-Max-Rows"] = str(site().config.max_rows)
    if answer.truncated:
        response.headers["X-SPARQL-Truncated"] = "true"
    response.set_etag(etag)
    return response


@bp.route("/sparql", methods=["GET", "HEAD", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return preflight()
    try:
        query, query_request, options = read_protocol_request()
    except Problem as p:
        return p.response()
    if query is None:
        return describe_service(options)
    offered = GRAPH_FORMATS if options["returns_graph"] else RESULT_FORMATS
    try:
        fmt = choose_format(offered, options["formats"])
    except NotAcceptable as e:
        response = not_acceptable(e)
        response.vary.add("Accept")
        return response
    s = site()
    key = (s.dataset.version, query_request, fmt.name)
    etag = strong_etag(s.dataset.version, repr(query_request), fmt.name)
    if not_modified(etag):
        response = Response(status=304)
        response.set_etag(etag)
    else:
        cache = s.answers
        answer = cache.get(key)
        if answer is None:
            try:
                answer = s.engine.run(query_request, fmt.name)
            except QueryFailed as e:
                detail = e.detail
                if e.status == 400:
                    detail = readable_syntax_error(options["shape"], e.detail, s.iris)
                return problem(e.status, detail, title=e.title, retry_after=e.retry_after)
            cache.put(key, answer)
        response = answer_response(answer, fmt, etag)
    response.vary.add("Accept")
    # Answers change only with a new build; let caches keep them briefly and revalidate by ETag.
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


SERVICE_FORMATS = (TURTLE, JSONLD, RDFXML, NTRIPLES)


def describe_service(options) -> Response:
    accept = request.headers.get("Accept")
    if prefers_html(accept) and not any(by_client_name(v, SERVICE_FORMATS) for v in options["formats"]):
        from alliance_kg.server.views.query_ui import render
        response = render()
    else:
        try:
            fmt = choose_format(SERVICE_FORMATS, options["formats"])
        except NotAcceptable as e:
            response = not_acceptable(e)
            response.vary.add("Accept")
            return response
        body = service_description(request.base_url, request.url_root, site(), fmt)
        response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
