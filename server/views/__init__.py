"""One module per kind of page; each exposes a Flask blueprint `bp`."""
from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from server.views import sparql

    app.register_blueprint(sparql.bp)
