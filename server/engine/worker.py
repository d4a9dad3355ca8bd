"""The body of a query worker process: open the dataset once, then evaluate one query at a time.

Runs in a separate process so that a query can be stopped by killing it (see server/engine.py).
Results are serialised here, by pyoxigraph's own writers, so only bytes cross the pipe.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from alliance_kg.graph.formats import ALL, by_name
from alliance_kg.graph.store import fill, max_out_degree
from alliance_kg.server.engine.layout import GraphLayout, Merges


class Source(NamedTuple):
    """Where a process reads one dataset version: its query store, or (older builds) its N-Quads."""

    path: str
    is_store: bool


def open_store(source: Source, layout: GraphLayout) -> tuple[ox.Store, int | None]:
    """The version's query store opened read-only (shared by every process through the page cache),
    or the N-Quads loaded into memory with the same merged default graph (graph/store.py); and the
    largest out-degree of a subject, when known."""
    if source.is_store:
        store = ox.Store.read_only(source.path)
        return store, max_out_degree(store, Path(source.path))
    store = ox.Store()
    with tempfile.TemporaryDirectory() as scratch:
        largest = fill(store, Path(source.path), layout.published, layout.inferred, Path(scratch) / "merged.nt")
    return store, largest


def _term_json(term) -> dict:
    """One RDF term in SPARQL 1.1 Query Results JSON (and SPARQL-star for quoted triples)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def capped(iterator, limit: int) -> tuple[list, bool]:
    """At most `limit` items, and whether there were more (the cap is signalled, never silent)."""
    items = []
    for item in iterator:
        if len(items) == limit:
            return items, True
        items.append(item)
    return items, False


def boolean_answer(value: bool, fmt) -> dict:
    document = json.dumps({"head": {}, "boolean": value}).encode()
    body = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON).serialize(format=fmt.oxigraph)
    return {"kind": "boolean", "body": body, "rows": 1, "truncated": False}


def solutions_answer(names: list[str], rows: list, truncated: bool, fmt) -> dict:
    """Solutions (anything indexable by variable name, None when unbound) in the requested format."""
    document = json.dumps({"head": {"vars": names}, "results": {"bindings": [
        {n: _term_json(s[n]) for n in names if s[n] is not None} for s in rows]}}).encode()
    solutions = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    return {"kind": "solutions", "body": solutions.serialize(format=fmt.oxigraph), "rows": len(rows),
            "truncated": truncated}


def graph_answer(triples: list, truncated: bool, fmt) -> dict:
    if fmt.oxigraph in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return {"kind": "graph", "body": ox.serialize(triples, format=fmt.oxigraph), "rows": len(triples),
            "truncated": truncated}


def count_solutions(body: bytes, fmt) -> int:
    """The solutions in an answer pyoxigraph wrote, read with the cheapest exact reading of each format."""
    if fmt.oxigraph == ox.QueryResultsFormat.JSON:
        return len(json.loads(body)["results"]["bindings"])
    if fmt.oxigraph == ox.QueryResultsFormat.XML:
        return body.count(b"<result>")      # markup: a literal's "<" is written &lt;
    if fmt.oxigraph == ox.QueryResultsFormat.TSV:
        return body.count(b"\n") - 1        # terms are written escaped, one solution per line
    # CSV writes a literal's line breaks as they are, inside quotes (RFC 4180)
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1


def evaluate(store: ox.Store, query: str, arguments: dict, format_name: str, max_rows: int,
             base_iri: str | None = None, rows_at_most: int | None = None) -> dict:
    """The answer in `format_name`, capped at `max_rows`. `rows_at_most`: a bound on the solutions
    known before the query ran (engine/bounded.py); within the cap, pyoxigraph writes them directly
    from the evaluation (a third of the time of going through Python terms), then they are counted."""
    fmt = by_name(format_name, ALL)
    result = store.query(query, base_iri=base_iri, **arguments)
    if isinstance(result, ox.QueryBoolean):
        return boolean_answer(bool(result), fmt)
    if isinstance(result, ox.QuerySolutions):
        if rows_at_most is not None and rows_at_most <= max_rows:
            body = result.serialize(format=fmt.oxigraph)
            return {"kind": "solutions", "body": body, "rows": count_solutions(body, fmt), "truncated": False}
        names = [v.value for v in result.variables]
        rows, truncated = capped(result, max_rows)
        return solutions_answer(names, rows, truncated, fmt)
    triples, truncated = capped(result, max_rows)
    return graph_answer(triples, truncated, fmt)


def serve(connection, source: Source, max_rows: int, merge_budget: int, layout: GraphLayout) -> None:
    store, _ = open_store(source, layout)
    merges = Merges(store, layout, merge_budget)
    connection.send(("ready", None))   # the pool hands out no query before the data is loaded
    while True:
        try:
            query, dataset, base_iri, format_name = connection.recv()
        except (EOFError, OSError):
            return
        try:
            target, arguments = merges.evaluation(dataset)
            outcome = ("ok", evaluate(target, query, arguments, format_name, max_rows, base_iri))
        except SyntaxError as e:
            outcome = ("syntax", str(e))
        except Exception as e:   # an evaluation error (e.g. a failed SERVICE call) goes back as a message
            outcome = ("error", f"{type(e).__name__}: {e}")
        connection.send(outcome)
