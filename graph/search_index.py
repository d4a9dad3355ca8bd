"""The search index: a SQLite FTS5 database written with each dataset version (search.sqlite).

Two full-text tables and one plain one, read by the server's search views (server/search.py):

    names     every actor's label and alternative labels, for autocomplete (prefix queries)
    passages  every quoted passage (oa:exact) of a document, once, for full-text search
    evidence  which claims each passage is the evidence of (their Web Annotation IRIs)

The index is derived from the published quads only, so it can never disagree with the dataset it
ships with; rows are inserted in a sorted order and the file is vacuumed, so two builds of the same
data write the same bytes. The one schema lives here, readers included.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pyoxigraph as ox

from alliance_kg.graph.iris import Iris
from alliance_kg.graph.vocabulary import PREFIXES

FILE_NAME = "search.sqlite"

# unicode61 folds case and accents (what is typed need not match either); prefix indexes
# of 1–3 characters keep autocomplete an index lookup, not a scan. Passages are also stemmed (porter),
# so "arms" finds "armed" and "arming"; names are not, since they are typed from their beginning.
SCHEMA = """
CREATE VIRTUAL TABLE names USING fts5(name, iri UNINDEXED, label UNINDEXED, kind UNINDEXED, preferred UNINDEXED,
                                      tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE VIRTUAL TABLE passages USING fts5(quote, document UNINDEXED, document_title UNINDEXED, start UNINDEXED,
                                         "end" UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
-- One passage is often the evidence of several claims ("includes Hamas, Hezbollah, the Houthis…").
CREATE TABLE evidence (passage INTEGER NOT NULL, annotation TEXT NOT NULL, claim TEXT NOT NULL, claim_label TEXT NOT NULL,
                       PRIMARY KEY (passage, annotation)) WITHOUT ROWID;
"""

_SPARQL_PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(PREFIXES.items()))

NAMES_QUERY = """
SELECT DISTINCT ?iri ?label ?name ?preferred ?kind WHERE {
  ?iri rdfs:label ?label .
  { ?iri rdfs:label ?name BIND(1 AS ?preferred) } UNION { ?iri skos:altLabel ?name BIND(0 AS ?preferred) }
  OPTIONAL { ?iri a ?class . ?class rdfs:label ?kind . FILTER(LANG(?kind) = "en" || LANG(?kind) = "") }
  FILTER(STRSTARTS(STR(?iri), ?idspace))
}"""

PASSAGES_QUERY = """
SELECT ?ev ?quote ?claim ?claimLabel ?doc ?docTitle ?start ?end WHERE {
  ?claim a ak:Claim ; rdfs:label ?claimLabel ; ak:evidence ?ev .
  ?ev oa:hasTarget ?target .
  ?target oa:hasSource ?doc ; oa:hasSelector ?qs, ?ps .
  ?qs oa:exact ?quote .
  ?ps oa:start ?start ; oa:end ?end .
  ?doc dcterms:title ?docTitle .
}"""


def write_search_index(path: Path, iris: Iris, quads: list[ox.Quad]) -> None:
    """Write the index of `quads` (the published dataset, asserted graphs) to `path`."""
    store = ox.Store()
    store.extend(q for q in quads if q.graph_name != ox.NamedNode(str(iris.inferred_graph)))
    prefixes = f"{_SPARQL_PREFIXES}\nPREFIX ak: <{iris.ONT}>\n"
    options = dict(use_default_graph_as_union=True)
    idspace = iris.base + "id/"
    names: dict[tuple[str, str], tuple] = {}
    for r in store.query(prefixes + NAMES_QUERY.replace("?idspace", f'"{idspace}"'), **options):
        key = (r["iri"].value, r["name"].value)
        kind = r["kind"].value if r["kind"] is not None else ""
        row = (r["name"].value, r["iri"].value, r["label"].value, kind, int(r["preferred"].value))
        names[key] = max(names.get(key, row), row)   # one kind per name, the same every build
    found = {(r["doc"].value, int(r["start"].value), int(r["end"].value), r["quote"].value, r["docTitle"].value,
              r["ev"].value, r["claim"].value, r["claimLabel"].value)
             for r in store.query(prefixes + PASSAGES_QUERY, **options)}
    spans = sorted({f[:5] for f in found})
    number = {span: i for i, span in enumerate(spans, start=1)}
    passages = [(number[span], span[3], span[0], span[4], span[1], span[2]) for span in spans]
    evidence = sorted((number[f[:5]], f[5], f[6], f[7]) for f in found)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", sorted(names.values(), key=lambda n: (n[1], n[0])))
        db.executemany("INSERT INTO passages(rowid, quote, document, document_title, start, \"end\") VALUES (?, ?, ?, ?, ?, ?)",
                       passages)
        db.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?)", evidence)
        db.execute("INSERT INTO names(names) VALUES ('optimize')")
        db.execute("INSERT INTO passages(passages) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()


# --- reading --------------------------------------------------------------------------------------

_PHRASE = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(text: str, prefix_last: bool = False) -> str | None:
    """A safe FTS5 query for what a user typed: every word must occur, "quoted words" as a phrase.

    FTS5 has its own query syntax (AND, NEAR, column filters, *); user input is never passed to it
    raw, so no input is a syntax error. With prefix_last the last word may be a word's beginning
    (as typed so far). None when the text holds no word at all.
    """
    phrases = []
    for quoted, bare in _PHRASE.findall(text):
        words = _WORD.findall(quoted if quoted else bare)
        if words:
            phrases.append(" ".join(words))
    if not phrases:
        return None
    terms = [f'"{p}"' for p in phrases]
    if prefix_last and not text.rstrip().endswith('"'):
        terms[-1] += "*"
    return " ".join(terms)


# Markers around a match in highlight(): control characters never found in the published text.
MATCH_START, MATCH_END = "\x02", "\x03"


def highlights(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without markers, and the [start, end) code-point ranges that matched."""
    plain, ranges, start = [], [], None
    position = 0
    for ch in marked:
        if ch == MATCH_START:
            start = position
        elif ch == MATCH_END:
            if start is not None:
                ranges.append((start, position))
            start = None
        else:
            plain.append(ch)
            position += 1
    return "".join(plain), ranges


class SearchIndex:
    """Read-only queries over one version's search.sqlite; one connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no search index at {self.path} (rebuild the dataset)")
        import threading
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # immutable: a published build directory is never written again, so SQLite may skip locking.
            db = self._local.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                                  check_same_thread=False)
        return db

    def autocomplete(self, text: str, limit: int = 8) -> list[dict]:
        """Actors whose label or alternative label has words beginning as typed; best first, one row per actor."""
        expression = match_expression(text, prefix_last=True)
        if expression is None:
            return []
        rows = self._db().execute(
            "SELECT iri, label, kind, name, preferred FROM names WHERE names MATCH ? ORDER BY rank LIMIT ?",
            (expression, limit * 4)).fetchall()
        typed = text.strip().casefold()
        # A name that starts as typed ranks above one that merely contains a word so starting; then
        # the preferred label above an alternative one; then FTS5's bm25 rank (the query's order).
        ordered = sorted(enumerate(rows), key=lambda ir: (not ir[1][3].casefold().startswith(typed), -ir[1][4], ir[0]))
        out, seen = [], set()
        for _, (iri, label, kind, name, preferred) in ordered:
            if iri in seen:
                continue
            seen.add(iri)
            out.append({"iri": iri, "label": label, "kind": kind or None, "matched": name})
            if len(out) == limit:
                break
        return out

    def passages(self, text: str, limit: int = 20, offset: int = 0) -> tuple[int, list[dict]]:
        """Quoted passages matching every word (best first), with the matched ranges and the claims each
        is evidence of; and how many passages match."""
        expression = match_expression(text)
        if expression is None:
            return 0, []
        db = self._db()
        total = db.execute("SELECT count(*) FROM passages WHERE passages MATCH ?", (expression,)).fetchone()[0]
        rows = db.execute(
            "SELECT rowid, highlight(passages, 0, ?, ?), document, document_title, start, \"end\" "
            "FROM passages WHERE passages MATCH ? ORDER BY rank, rowid LIMIT ? OFFSET ?",
            (MATCH_START, MATCH_END, expression, limit, offset)).fetchall()
        out = []
        for number, marked, document, title, start, end in rows:
            quote, ranges = highlights(marked)
            claims = [{"annotation": a, "claim": c, "label": label} for a, c, label in db.execute(
                "SELECT annotation, claim, claim_label FROM evidence WHERE passage = ? ORDER BY claim_label, claim",
                (number,))]
            out.append({"quote": quote, "matches": [list(r) for r in ranges], "document": document,
                        "document_title": title, "start": start, "end": end, "claims": claims})
        return total, out

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
