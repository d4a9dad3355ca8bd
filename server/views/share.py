"""Short links to queries: POST /q keeps a query (server/shared_queries.py), GET /q/<id> gives it back.

    POST /q   query=…  (a form: the plain query form's "short link" button)  -> 303 to /q/<id>
    POST /q   body of type application/sparql-query (scripts)               -> 201 Created (200 if known),
                                                                               Location /q/<id>, JSON
    GET /q/<id>   browsers: the query page with the query in the editor and in the plain form;
                  Accept: application/sparql-query (or text/plain): the query's text

The example queries of the dataset version served have links of the same form (the gallery at /sparql).
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Blueprint, Response, redirect, request

from alliance_kg.graph.formats import HTML, JSON, SPARQL_QUERY, TEXT
from alliance_kg.server.app import site
from alliance_kg.server.http import IMMUTABLE_CACHING, finish, strong_etag
from alliance_kg.server.negotiation import choose
from alliance_kg.server.problems import Problem, problem
from alliance_kg.server.shared_queries import ID_PATTERN, Conflict, Refused, SharedQueries, normalize, query_id
from alliance_kg.server.sparql_text import analyze

bp = Blueprint("share", __name__)

_stores: dict[Path, SharedQueries] = {}
_examples_kept: set[tuple[Path, str]] = set()
_lock = threading.Lock()


def store() -> SharedQueries:
    config = site().config
    directory = config.shared_queries_dir
    with _lock:
        found = _stores.get(directory)
        if found is None:
            found = _stores[directory] = SharedQueries(directory, config.shared_queries_max_files,
                                                       config.shared_queries_max_bytes, config.shared_queries_per_minute)
    return found


def examples() -> list[dict]:
    """The version's example queries, each with its short link's id."""
    from alliance_kg.server.views.query_ui import example_queries

    return [{**q, "id": query_id(q["text"])} for q in example_queries()]


def keep_examples(listed: list[dict]) -> None:
    """Store the version's examples once, so that their links outlive a later change of their text.

    Best effort: a read-only or full store still resolves the current examples from queries.json."""
    key = (site().config.shared_queries_dir, site().dataset.version)
    with _lock:
        if key in _examples_kept:
            return
        _examples_kept.add(key)
    for q in listed:
        try:
            if store().get(q["id"]) is None:
                store().put(q["text"], client="examples")
        except (OSError, Refused, Conflict):
            pass


def lookup(qid: str) -> tuple[str, str | None] | None:
    """The text of a shared query (an example's first) and its title when it is an example."""
    for q in examples():
        if q["id"] == qid:
            return normalize(q["text"]), q["title"]
    text = store().get(qid)
    return (text, None) if text is not None else None


@bp.route("/q/<qid>", methods=["GET", "HEAD"])
def shared(qid: str):
    if not ID_PATTERN.match(qid):
        raise Problem(400, f"{qid!r} is not a shared query id (12 characters a-z, 2-7)")
    found = lookup(qid)
    if found is None:
        raise Problem(404, f"no query is shared as /q/{qid}")
    text, title = found
    fmt = choose(request.headers.get("Accept"), (SPARQL_QUERY, HTML, TEXT))
    if fmt is HTML:
        from alliance_kg.server.views.query_ui import render

        response = render(initial={"id": qid, "title": title or "Shared query", "text": text,
                                   "url": request.url_root.rstrip("/") + f"/q/{qid}"})
        response = finish(response, "q", qid, vary_accept=True)
    else:
        response = Response(text.encode("utf-8"), content_type=fmt.content_type)
        response.set_etag(strong_etag("q", qid, fmt.name))
        # The text under an id never changes (the id is its hash).
        response.headers["Cache-Control"] = IMMUTABLE_CACHING
        response.vary.add("Accept")
    return response


@bp.route("/q", methods=["POST"])
def share():
    form_post = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if form_post:
        text = request.form.get("query", "")
    elif request.mimetype == SPARQL_QUERY.media_type:
        text = request.get_data(as_text=True)
    else:
        return problem(415, f"send the query as a form field 'query' or as a body of type {SPARQL_QUERY.media_type}")
    limit = site().config.max_query_length
    if len(text) > limit:
        return problem(413, f"the query is {len(text)} characters long; at most {limit} are kept")
    if not text.strip():
        return problem(400, "parameter 'query' is empty: there is nothing to share")
    shape = analyze(text)
    if shape.form is None or shape.is_update:
        return problem(400, "only a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) can be shared")
    try:
        qid, new = store().put(text, client=request.remote_addr or "unknown")
    except Refused as e:
        return problem(e.status, e.detail, retry_after=e.retry_after)
    except Conflict:
        return problem(409, "another query already holds this query's id; it is not replaced")
    except OSError as e:
        return problem(503, f"the shared-query store cannot be written ({e.strerror or e})")
    path = f"/q/{qid}"
    if form_post:
        return redirect(path, code=303)
    url = request.url_root.rstrip("/") + path
    response = Response(json.dumps({"id": qid, "url": url}) + "\n", status=201 if new else 200,
                        content_type=JSON.content_type)
    response.headers["Location"] = url
    return response
