"""Error responses, in one place: RFC 9457 problem details (application/problem+json) for API
clients, the same problem as an HTML page for browsers — chosen by the request's Accept header."""
from __future__ import annotations

import json

from flask import Response, has_request_context, render_template, request

from alliance_kg.graph.formats import HTML, PROBLEM_JSON
from alliance_kg.server.negotiation import prefers_html

TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          406: "Not Acceptable", 413: "Content Too Large", 414: "URI Too Long",
          409: "Conflict", 415: "Unsupported Media Type", 429: "Too Many Requests", 500: "Internal Server Error",
          503: "Service Unavailable", 507: "Insufficient Storage"}


def problem_json(status: int, detail: str, title: str | None = None, **extra) -> bytes:
    body = {"type": "about:blank", "title": title or TITLES.get(status, "Error"), "status": status,
            "detail": detail, **extra}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def wants_page() -> bool:
    """A browser navigating here (text/html preferred) reads a page; everyone else reads problem+json."""
    return has_request_context() and prefers_html(request.headers.get("Accept"))


def problem(status: int, detail: str, title: str | None = None, retry_after: int | None = None,
            **extra) -> Response:
    title = title or TITLES.get(status, "Error")
    if wants_page():
        from alliance_kg.server import render_helpers

        body = render_template("error.html", status=status, title=title, detail=detail, extra=extra,
                               iri=None, h=render_helpers)
        response = Response(body, status=status, content_type=HTML.content_type)
    else:
        response = Response(problem_json(status, detail, title, **extra), status=status,
                            content_type=PROBLEM_JSON.content_type)
    if has_request_context():
        response.vary.add("Accept")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


class Problem(Exception):
    """Raised by a view that cannot answer; the error handler (server/http.py) writes the response."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra

    def response(self) -> Response:
        return problem(self.status, self.detail, **self.extra)
