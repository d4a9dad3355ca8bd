"""The query page browsers get at GET /sparql: YASGUI with the README's example queries as tabs."""
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


def render() -> Response:
    examples = example_queries()
    prefixes = {**PREFIXES, "ak": str(site().iris.ONT), "id": site().iris.base + "id/"}
    body = render_template("query.html", examples=examples, endpoint=request.base_url, iri=None,
                           examples_json=json.dumps(examples).replace("</", "<\\/"),
                           prefixes_json=json.dumps(prefixes, sort_keys=True),
                           h=render_helpers)
    return Response(body, content_type=HTML.content_type)
