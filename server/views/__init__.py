"""One module per kind of page; each exposes a Flask blueprint `bp`."""
from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from alliance_kg.server.views import (
        api,
        cite,
        claims,
        crawlers,
        downloads,
        home,
        network,
        ontology,
        pair,
        resources,
        search,
        share,
        sparql,
        void,
        why,
    )

    for module in (home, sparql, resources, ontology, downloads, void, crawlers, search, pair, claims, api, cite, why,
                   network, share):
        app.register_blueprint(module.bp)
    # Errors, caching and compression: server/http.py (the one response policy).
