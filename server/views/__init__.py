"""One module per kind of page; each exposes a Flask blueprint `bp`."""
from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException

from alliance_kg.server.problems import problem


def register_views(app: Flask) -> None:
    from alliance_kg.server.views import api, cite, claims, downloads, home, ontology, pair, resources, search, sparql, void, why

    for module in (home, sparql, resources, ontology, downloads, void, search, pair, claims, api, cite, why):
        app.register_blueprint(module.bp)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Werkzeug's own errors (413 over the body limit, 404, 405…) as problem details too.
        response = problem(error.code or 500, error.description or error.name, title=error.name)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
