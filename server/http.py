"""The one response policy: caching headers, conditional requests, compression, CORS, 303s and errors.

Views build a body and call `finish` (validators and caching) or `see_other` (303 by Accept), and
raise `Problem` (or let werkzeug raise its HTTP errors) when they cannot answer; everything else that
every response needs is done here, once, in one after-request hook and the error handlers:

- errors are negotiated (RFC 9457 problem+json for API clients, an HTML page for browsers);
- every text response is compressed (brotli or gzip, by Accept-Encoding, with Flask-Compress) and
  says `Vary: Accept-Encoding`; a compressed representation gets its own strong ETag;
- conditional requests (If-None-Match, If-Modified-Since) are evaluated after compression, on the
  representation actually sent, so that a client revalidating a compressed page gets its 304.
"""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from flask import Flask, Response, redirect, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from alliance_kg.graph.formats import COMPRESSIBLE
from alliance_kg.server.negotiation import NotAcceptable, choose
from alliance_kg.server.problems import Problem, problem

# Headers a browser script may read on a cross-origin response (CORS): our own signals included.
EXPOSED = ("ETag, Last-Modified, Link, Location, Retry-After, X-SPARQL-Rows, X-SPARQL-Truncated, X-SPARQL-Max-Rows, "
           "X-Dataset-Version, Repr-Digest")
ALLOWED_REQUEST_HEADERS = "Accept, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"

# How long caches may keep what they fetched. Pages and documents change only with a new build, and
# revalidate cheaply by ETag; assets whose names carry their content's hash never change at all.
PAGE_CACHING = "public, max-age=300"
IMMUTABLE_CACHING = "public, max-age=31536000, immutable"
# Content codings in order of preference (brotli is smaller; gzip is what every client has).
CODINGS = ["br", "gzip"]


def strong_etag(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def repr_digest(sha256: bytes | str) -> str:
    """An RFC 9530 Repr-Digest field value: a Structured Fields dictionary whose byte sequence is the
    base64 of the raw digest (given as bytes or as hex)."""
    raw = bytes.fromhex(sha256) if isinstance(sha256, str) else sha256
    return f"sha-256=:{base64.b64encode(raw).decode('ascii')}:"


def not_modified(etag: str) -> bool:
    """Does the client's If-None-Match already hold this representation (identity or compressed)?

    If-None-Match uses the weak comparison (RFC 9110 §13.1.2), and the compressed representations of
    one answer carry the answer's tag with the coding appended, so any of them counts.
    """
    if request.if_none_match.star_tag:
        return True
    return any(request.if_none_match.contains_weak(tag) for tag in [etag] + [f"{etag}:{c}" for c in CODINGS])


def build_time() -> datetime:
    """When the dataset this request sees was published (Last-Modified of every page about it)."""
    from alliance_kg.server.app import site

    return site().snapshot().modified   # fixed per version when its snapshot opens


def finish(response: Response, *etag_parts: str, vary_accept: bool = False) -> Response:
    """ETag (from the dataset version and what identifies the representation), Last-Modified, caching.

    The 304, when the client is up to date, is decided by the after-request hook.
    """
    from alliance_kg.server.app import site

    response.set_etag(strong_etag(site().dataset.version, *etag_parts))
    response.last_modified = build_time()
    response.headers["Cache-Control"] = PAGE_CACHING
    if vary_accept:
        response.vary.add("Accept")
    return response


def see_other(path: str, offered) -> Response:
    """303 to the document at `path` + extension in the format the client prefers; 406 if none is acceptable."""
    try:
        fmt = choose(request.headers.get("Accept"), offered)
    except NotAcceptable as e:
        raise Problem(406, "no document about this resource is in an acceptable format",
                      acceptable=[f.media_type for f in e.offered],
                      documents=[path + f.extension for f in e.offered]) from None
    response = redirect(path + fmt.extension, code=303)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = PAGE_CACHING
    return response


def preflight(methods: str = "GET, HEAD, POST, OPTIONS") -> Response:
    response = Response(status=204)
    response.headers["Allow"] = methods
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def install(app: Flask) -> None:
    from alliance_kg.server import assets
    from alliance_kg.server.engine import QueryFailed

    app.config.update(COMPRESS_CACHE_BACKEND=assets.CompressedAssets, COMPRESS_CACHE_KEY=assets.cache_key,
                      COMPRESS_REGISTER=False, COMPRESS_ALGORITHM=CODINGS, COMPRESS_MIMETYPES=list(COMPRESSIBLE),
                      COMPRESS_LEVEL=6, COMPRESS_BR_LEVEL=4,
                      # conditional requests are evaluated below, for every response, compressed or not
                      COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,
                      # streamed bodies (send_file) are left alone; our assets are served from memory
                      COMPRESS_STREAMS=False)
    compress = Compress()
    compress.init_app(app)
    app.extensions["compress"] = compress
    assets.install(app)

    @app.after_request
    def policy(response: Response) -> Response:
        # Public, read-only data: any origin may read it, never with credentials.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response = compress.after_request(response)
        etag = response.get_etag()[0]
        if request.method in ("GET", "HEAD") and response.status_code == 200 and etag:
            response = response.make_conditional(request)
        elif response.status_code == 304 and etag:
            # a view answered 304 before computing the body (/sparql): name the representation the
            # client holds, compressed or not
            held = [f"{etag}:{c}" for c in CODINGS if request.if_none_match.contains_weak(f"{etag}:{c}")]
            if held:
                response.set_etag(held[0])
        return response

    @app.errorhandler(Problem)
    def problem_raised(error: Problem) -> Response:
        return error.response()

    @app.errorhandler(NotAcceptable)
    def not_acceptable(error: NotAcceptable) -> Response:
        response = problem(406, "none of the requested media types can represent this resource",
                           acceptable=[f.media_type for f in error.offered])
        response.vary.add("Accept")
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # Werkzeug's own errors (413 over the body limit, 404, 405…) answered the same way.
        response = problem(error.code or 500, error.description or error.name, title=error.name)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(QueryFailed)
    def store_failed(error: QueryFailed) -> Response:
        # A page's own query failed: only a remote store does that (down, slow): the status it prescribes.
        return problem(error.status, error.detail, title=error.title, retry_after=error.retry_after)
