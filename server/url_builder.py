"""The one place that maps the dataset's IRIs onto this server's URLs, and back.

IRIs are minted under the dataset's base (https://w3id.org/alliance-kg/ by default, see
graph/iris.py); the server answers for them under its own host, at the same path, so that
https://w3id.org/alliance-kg/id/Iran is served at http://<host>/id/Iran. Documents about a
resource add a format's extension: /id/Iran.html, /id/Iran.ttl, …; a document's stored text is
itself a document (text/plain), served at its IRI's path with no extension: /text/<doc>.
"""
from __future__ import annotations

from alliance_kg.server.app import site


def is_ours(iri: str) -> bool:
    return iri.startswith(site().iris.base)


def path_of(iri: str) -> str:
    """The server path of one of our IRIs (fragment kept), or the IRI itself if it is not ours."""
    base = site().iris.base
    return "/" + iri[len(base):] if iri.startswith(base) else iri


def page_of(iri: str, fmt_extension: str = ".html") -> str:
    """The URL of the document describing `iri` in a format; fragments live on their parent's page."""
    if not is_ours(iri):
        return iri
    resource, _, fragment = iri.partition("#")
    return path_of(resource) + fmt_extension + (f"#{fragment}" if fragment else "")


def iri_of(path: str) -> str:
    """The dataset IRI a request path stands for (the inverse of path_of)."""
    return site().iris.base + path.lstrip("/")


def download_url(name: str) -> str:
    return f"/download/{name}"


def actor_key(iri: str) -> str | None:
    """The name of an actor in the site's URLs (Iran for …/id/Iran), or None if it is not one of ours."""
    space = site().iris.base + "id/"
    key = iri[len(space):] if iri.startswith(space) else ""
    return key if key and "/" not in key and "#" not in key else None


def pair_url(a: str, b: str) -> str | None:
    """The pair page of two actors (/pair/Iran/Iraq), in the order given; None unless both are ours."""
    ka, kb = actor_key(a), actor_key(b)
    return f"/pair/{ka}/{kb}" if ka and kb and ka != kb else None
