"""Static files under content-hashed names, cached for a year.

Templates link `asset('style.css')`, which is `/static/style.<hash>.css` with the first 12 hex digits
of the file's SHA-256: a changed file gets a new name, so its old name can be cached as immutable.
The plain name (/static/style.css) still answers, with the short caching of pages.
"""
from __future__ import annotations

import hashlib
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response

from alliance_kg.graph.formats import ASSET_FORMATS, by_extension
from alliance_kg.server.http import IMMUTABLE_CACHING, PAGE_CACHING
from alliance_kg.server.problems import Problem

STATIC = Path(__file__).parent / "static"
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")

bp = Blueprint("assets", __name__)


@lru_cache(maxsize=64)
def _read(name: str) -> tuple[bytes, str] | None:
    """The bytes of a static file and their fingerprint (the files do not change while serving)."""
    path = (STATIC / name).resolve()
    if not path.is_relative_to(STATIC.resolve()) or not path.is_file():
        return None
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:12]


def url(name: str) -> str:
    """The content-hashed URL of a static file (the plain URL if the file is missing)."""
    found = _read(name)
    if found is None:
        return f"/static/{name}"
    stem, dot, ext = name.rpartition(".")
    return f"/static/{stem}.{found[1]}.{ext}" if dot else f"/static/{name}.{found[1]}"


def _content_type(name: str) -> str:
    fmt = by_extension(Path(name).suffix, ASSET_FORMATS)
    return fmt.content_type if fmt else (mimetypes.guess_type(name)[0] or "application/octet-stream")


@bp.route("/static/<path:name>", methods=["GET", "HEAD"])
def static(name: str):
    match = HASHED.match(name)
    plain = match.group("stem") + match.group("ext") if match else name
    found = _read(plain)
    if found is None and match is None:
        raise Problem(404, f"no static file {name!r}")
    if found is None or (match and match.group("hash") != found[1]):
        # An old fingerprint: the file has changed since that page was made; send the current one.
        if found is None:
            raise Problem(404, f"no static file {plain!r}")
        response = Response(status=302, headers={"Location": url(plain)})
        response.headers["Cache-Control"] = PAGE_CACHING
        return response
    data, fingerprint = found
    response = Response(data, content_type=_content_type(plain))
    response.set_etag(fingerprint)
    response.headers["Cache-Control"] = IMMUTABLE_CACHING if match else PAGE_CACHING
    return response


class CompressedAssets:
    """Flask-Compress's cache backend: keeps the compressed bytes of fingerprinted files only (their
    name fixes their content), so a large script is compressed once, not on every request."""

    def __init__(self, entries: int = 32):
        self.entries = entries
        self._store: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.rpartition(";")[2].startswith("asset:") and len(self._store) < self.entries:
            self._store[key] = value


def cache_key(req) -> str:
    """The key Flask-Compress caches under: a fingerprinted file's path, else a key never stored."""
    path = req.path
    if req.method in ("GET", "HEAD") and path.startswith("/static/") and HASHED.match(path[len("/static/"):]):
        return "asset:" + path
    return "page:" + str(id(req))


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["asset"] = url
