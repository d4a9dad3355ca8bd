"""Error responses as RFC 9457 problem details (application/problem+json), in one place."""
from __future__ import annotations

import json

from flask import Response

from alliance_kg.graph.formats import PROBLEM_JSON

TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          406: "Not Acceptable", 413: "Content Too Large", 414: "URI Too Long",
          415: "Unsupported Media Type", 500: "Internal Server Error", 503: "Service Unavailable"}


def problem(status: int, detail: str, title: str | None = None, retry_after: int | None = None,
            **extra) -> Response:
    body = {"type": "about:blank", "title": title or TITLES.get(status, "Error"), "status": status,
            "detail": detail, **extra}
    response = Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", status=status,
                        content_type=PROBLEM_JSON.content_type)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


class Problem(Exception):
    """Raised by request parsing; turned into a problem response by the error handler."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra

    def response(self) -> Response:
        return problem(self.status, self.detail, **self.extra)
