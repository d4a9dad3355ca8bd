"""Headers every response carries, and conditional requests: the one place for HTTP caching policy."""
from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response, request

# Headers a browser script may read on a cross-origin response (CORS): our own signals included.
EXPOSED = ("ETag, Last-Modified, Link, Location, Retry-After, X-SPARQL-Rows, X-SPARQL-Truncated, X-SPARQL-Max-Rows, "
           "X-Dataset-Version, Repr-Digest")
ALLOWED_REQUEST_HEADERS = "Accept, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"


def strong_etag(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def repr_digest(sha256: bytes | str) -> str:
    """An RFC 9530 Repr-Digest field value: a Structured Fields dictionary whose byte sequence is the
    base64 of the raw digest (given as bytes or as hex)."""
    raw = bytes.fromhex(sha256) if isinstance(sha256, str) else sha256
    return f"sha-256=:{base64.b64encode(raw).decode('ascii')}:"


def not_modified(etag: str) -> bool:
    """Does the client's If-None-Match already hold this representation?"""
    return etag in request.if_none_match or request.if_none_match.star_tag


def install(app: Flask) -> None:
    @app.after_request
    def cross_origin(response: Response) -> Response:
        # Public, read-only data: any origin may read it, never with credentials.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    from alliance_kg.server.engine import QueryFailed

    @app.errorhandler(QueryFailed)
    def store_failed(error: QueryFailed) -> Response:
        # A page's own query failed: only a remote store does that (down, slow): the status it prescribes.
        from alliance_kg.server.problems import problem
        return problem(error.status, error.detail, title=error.title, retry_after=error.retry_after)


def preflight(methods: str = "GET, HEAD, POST, OPTIONS") -> Response:
    response = Response(status=204)
    response.headers["Allow"] = methods
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    return response
