"""/downloads: every file of the build, with media type, size, checksum, and gzip on request."""
from __future__ import annotations

import gzip
import hashlib

from flask import Blueprint, Response, render_template, request

from alliance_kg.graph.formats import HTML, of_file
from alliance_kg.server import render_helpers
from alliance_kg.server.app import site
from alliance_kg.server.http import repr_digest
from alliance_kg.server.problems import Problem
from alliance_kg.server.url_builder import download_url
from alliance_kg.server.views.resources import finish

bp = Blueprint("downloads", __name__)


@bp.route("/downloads", methods=["GET", "HEAD"])
def downloads():
    files = [{"name": f.name, "media_type": f.media_type, "bytes": f.bytes, "sha256": f.sha256,
              "url": download_url(f.name)} for f in site().dataset.files]
    body = render_template("downloads.html", files=files, version=site().dataset.version, iri=None,
                           h=render_helpers)
    return finish(Response(body, content_type=HTML.content_type), "downloads")


class _Zipped:
    """A gzipped file and the SHA-256 of those bytes; `body` is what the page cache counts."""

    __slots__ = ("body", "sha256")

    def __init__(self, body: bytes):
        self.body, self.sha256 = body, hashlib.sha256(body).digest()


def _gzipped(name: str) -> _Zipped:
    s = site()
    key = ("gzip", s.dataset.version, name)
    zipped = s.pages.get(key)
    if zipped is None:
        # mtime=0: the same bytes every time, so the gzip ETag is stable too.
        zipped = _Zipped(gzip.compress((s.dataset.directory / name).read_bytes(), compresslevel=6, mtime=0))
        s.pages.put(key, zipped)    # not kept when over the entry limit: the cache stays bounded
    return zipped


@bp.route("/download/<name>", methods=["GET", "HEAD"])
def download(name: str):
    published = {f.name: f for f in site().dataset.files}
    if name not in published:
        raise Problem(404, f"no file {name!r} in this build; see /downloads")
    f = published[name]
    if "gzip" in request.accept_encodings and request.accept_encodings["gzip"] > 0:
        zipped = _gzipped(name)
        response = Response(zipped.body, content_type=of_file(name).content_type)
        response.headers["Content-Encoding"] = "gzip"
        # RFC 9530: the digest of the selected representation, content coding included.
        response.headers["Repr-Digest"] = repr_digest(zipped.sha256)
        tag = "gzip"
    else:
        response = Response((site().dataset.directory / name).read_bytes(), content_type=of_file(name).content_type)
        response.headers["Repr-Digest"] = repr_digest(f.sha256)
        tag = "identity"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.vary.add("Accept-Encoding")
    return finish(response, "download", name, tag)
