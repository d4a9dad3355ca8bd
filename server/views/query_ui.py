"""The query page browsers get at GET /sparql (and at a shared query's /q/<id>): YASGUI with the example
queries as tabs, the plain form that needs no script, and the gallery of examples with their short links."""
from __future__ import annotations

import json
from functools import lru_cache

from flask import Response, render_template, request

from alliance_kg.graph.formats import HTML
from alliance_kg.graph.vocabulary import PREFIXES
from alliance_kg.server import render_helpers
from alliance_kg.server.app import site


def example_queries() -> list[dict]:
    """The corpus's example queries, as published with the dataset version this request sees."""
    return _example_queries(site().dataset.directory)


@lru_cache(maxsize=4)
def _example_queries(directory) -> list[dict]:
    path = directory / "queries.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def render(initial: dict | None = None) -> Response:
    """The page; `initial` (id, title, text, url) is a shared query to open first, in the editor and the form."""
    from alliance_kg.server.views.share import examples as gallery
    from alliance_kg.server.views.share import keep_examples

    examples = gallery()
    keep_examples(examples)
    prefixes = {**PREFIXES, "ak": str(site().iris.ONT), "id": site().iris.base + "id/"}
    tabs = ([initial] if initial else []) + [q for q in examples if not initial or q["id"] != initial["id"]]
    body = render_template("query.html", examples=examples, initial=initial, endpoint=request.url_root + "sparql", iri=None,
                           examples_json=json.dumps(tabs).replace("</", "<\\/"),
                           prefixes_json=json.dumps(prefixes, sort_keys=True),
                           h=render_helpers)
    return Response(body, content_type=HTML.content_type)
