"""The query page browsers get at /sparql (placeholder form until the YASGUI page lands)."""
from __future__ import annotations

from flask import Response
from markupsafe import escape


def render() -> Response:
    return Response(
        "<!doctype html><html lang=en><meta charset=utf-8><title>SPARQL — alliance-kg</title>"
        "<form method=post action=/sparql><textarea name=query rows=12 cols=80>"
        f"{escape('SELECT * WHERE { ?s ?p ?o } LIMIT 10')}</textarea><button>Run</button></form></html>",
        content_type="text/html; charset=utf-8")
