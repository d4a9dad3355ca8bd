"""The query page browsers get at GET /sparql: YASGUI with the README's example queries as tabs."""
from __future__ import annotations

import json
from functools import lru_cache

from flask import Response, render_template, request

from graph.config import BuildConfig
from graph.iris import WELL_KNOWN_PREFIXES
from server import render_helpers, site
from server.formats import HTML


@lru_cache(maxsize=1)
def example_queries() -> tuple:
    """The README's example queries (graph/queries/*.rq, first line `# title: …`), in file order."""
    out = []
    for path in sorted(BuildConfig().queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        title = first.removeprefix("# title:").strip() if first.startswith("# title:") else path.stem
        out.append({"title": title, "text": rest.lstrip("\n")})
    return tuple(out)


def render() -> Response:
    examples = list(example_queries())
    prefixes = {**WELL_KNOWN_PREFIXES, "ak": str(site().iris.ONT), "id": site().iris.base + "id/"}
    body = render_template("query.html", examples=examples, endpoint=request.base_url, iri=None,
                           examples_json=json.dumps(examples).replace("</", "<\\/"),
                           prefixes_json=json.dumps(prefixes, sort_keys=True),
                           h=render_helpers)
    return Response(body, content_type=HTML.content_type)
