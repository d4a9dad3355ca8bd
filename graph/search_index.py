"""The search index: a SQLite FTS5 database written with each dataset version (search.sqlite).

One full-text table and two plain ones, read by the server's search views (server/search.py):

    names     every actor's label and alternative labels, keyed from each word on, for autocomplete
    passages  every quoted passage (oa:exact) of a document, once, for full-text search
    evidence  which claims each passage is the evidence of (their Web Annotation IRIs)
    claims    every claim flat (subject, relation, object, modality, polarity, document, years, with
              labels): what the claims browser and the pair pages count facets over (server/finding.py)

The index is derived from the published quads only, so it can never disagree with the dataset it
ships with; rows are inserted in a sorted order and the file is vacuumed, so two builds of the same
data write the same bytes. The one schema lives here, readers included.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

import pyoxigraph as ox

from alliance_kg.graph.iris import Iris
from alliance_kg.graph.vocabulary import PREFIXES

FILE_NAME = "search.sqlite"

# Autocomplete is a prefix lookup in a B-tree: each name is stored once per word it has, folded (case,
# accents, punctuation) from that word to its end, so "islamic rep" and "rep" both find "Islamic
# Republic of Iran" by one range scan, whatever the corpus's size. (An FTS5 prefix query ranks every
# match: a keystroke's cost grew with the number of actors sharing a word.) Passages are searched in
# FTS5: unicode61 folds case and accents, porter stems, so "arms" finds "armed" and "arming".
SCHEMA = """
CREATE TABLE names (key TEXT NOT NULL, word INTEGER NOT NULL, name TEXT NOT NULL, iri TEXT NOT NULL, label TEXT NOT NULL,
                    kind TEXT NOT NULL, preferred INTEGER NOT NULL, PRIMARY KEY (key, iri, name)) WITHOUT ROWID;
CREATE VIRTUAL TABLE passages USING fts5(quote, document UNINDEXED, document_title UNINDEXED, start UNINDEXED,
                                         "end" UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
-- One passage is often the evidence of several claims ("includes Hamas, Hezbollah, the Houthis…").
CREATE TABLE evidence (passage INTEGER NOT NULL, annotation TEXT NOT NULL, claim TEXT NOT NULL, claim_label TEXT NOT NULL,
                       PRIMARY KEY (passage, annotation)) WITHOUT ROWID;
-- Read whole, once per version, by the server's facet table: a SPARQL join over every claim's graph
-- took 3.9 s at x100 on the first facet page after a reload; reading this table takes milliseconds.
CREATE TABLE claims (claim TEXT PRIMARY KEY, label TEXT NOT NULL, subject TEXT NOT NULL, subject_label TEXT,
                     relation TEXT NOT NULL, relation_label TEXT, object TEXT NOT NULL, object_is_iri INTEGER NOT NULL,
                     object_label TEXT, modality TEXT NOT NULL, polarity TEXT NOT NULL, document TEXT NOT NULL,
                     document_title TEXT NOT NULL, time TEXT, begin INTEGER, "end" INTEGER) WITHOUT ROWID;
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


def _store(quads) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def _prefixes(iris: Iris) -> str:
    return f"{_SPARQL_PREFIXES}\nPREFIX ak: <{iris.ONT}>\n"


def name_rows(iris: Iris, quads) -> list[tuple]:
    """The names rows of the actors (or any nodes of the id/ space) among `quads`."""
    store = _store(quads)
    idspace = iris.base + "id/"
    names: dict[tuple[str, str], tuple] = {}
    for r in store.query(_prefixes(iris) + NAMES_QUERY.replace("?idspace", f'"{idspace}"'), use_default_graph_as_union=True):
        key = (r["iri"].value, r["name"].value)
        kind = r["kind"].value if r["kind"] is not None else ""
        row = (r["name"].value, r["iri"].value, r["label"].value, kind, int(r["preferred"].value))
        names[key] = max(names.get(key, row), row)   # one kind per name, the same every build
    return sorted(names.values())


def passage_rows(iris: Iris, quads) -> list[tuple]:
    """The quoted passages of the claims among `quads` (one document's graph holds all a row needs)."""
    store = _store(quads)
    return sorted({(r["doc"].value, int(r["start"].value), int(r["end"].value), r["quote"].value, r["docTitle"].value,
                    r["ev"].value, r["claim"].value, r["claimLabel"].value)
                   for r in store.query(_prefixes(iris) + PASSAGES_QUERY, use_default_graph_as_union=True)})


CLAIMS_QUERY = """
SELECT ?claim ?label ?s ?p ?o ?modality ?polarity ?doc ?docTitle ?time ?begin ?end WHERE {
  ?claim a ak:Claim ; rdfs:label ?label ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         ak:modality ?modality ; ak:polarity ?polarity ; prov:wasDerivedFrom ?doc .
  ?doc dcterms:title ?docTitle .
  OPTIONAL { ?claim ak:validDuring ?t . ?t rdfs:label ?time .
             OPTIONAL { ?t time:hasBeginning/time:inXSDgYear ?begin }
             OPTIONAL { ?t time:hasEnd/time:inXSDgYear ?end } }
}"""

LABELS_QUERY = "SELECT ?iri ?label WHERE { ?iri rdfs:label ?label FILTER(isIRI(?iri)) }"


def _year(term) -> int | None:
    """The year of an xsd:gYear ("2003", "-0050", "2003+05:00")."""
    if term is None:
        return None
    match = re.match(r"-?\d+", term.value)
    return int(match.group()) if match else None


def claim_rows(iris: Iris, quads) -> list[tuple]:
    """The claims among `quads` (one document's graph), flat, without the labels of what they join: those
    live in other graphs (actors, ontology) and are filled in by `write_index`, so a document's rows stay
    cacheable on their own."""
    value = lambda term: None if term is None else term.value   # noqa: E731
    rows: dict[str, tuple] = {}
    for r in _store(quads).query(_prefixes(iris) + CLAIMS_QUERY, use_default_graph_as_union=True):
        row = (r["claim"].value, r["label"].value, r["s"].value, r["p"].value, r["o"].value,
               int(isinstance(r["o"], ox.NamedNode)), r["modality"].value, r["polarity"].value, r["doc"].value,
               r["docTitle"].value, value(r["time"]), _year(r["begin"]), _year(r["end"]))
        # A claim has one of each, but a label may come in two languages: keep one, the same every build.
        rows[row[0]] = min(rows.get(row[0], row), row, key=lambda t: tuple("" if v is None else str(v) for v in t))
    return sorted(rows.values())


def label_rows(iris: Iris, quads) -> dict[str, str]:
    """One label per IRI among `quads` (the least, so every build picks the same)."""
    labels: dict[str, str] = {}
    for r in _store(quads).query(_prefixes(iris) + LABELS_QUERY, use_default_graph_as_union=True):
        iri, label = r["iri"].value, r["label"].value
        labels[iri] = min(labels.get(iri, label), label)
    return labels


def _labelled(claims: list[tuple], labels: dict[str, str]) -> list[tuple]:
    """The claims table's rows: `claim_rows` with the labels of subject, relation and object."""
    return sorted((c, label, s, labels.get(s), p, labels.get(p), o, is_iri, labels.get(o) if is_iri else None, *rest)
                  for c, label, s, p, o, is_iri, *rest in claims)


def write_search_index(path: Path, iris: Iris, quads: list[ox.Quad]) -> None:
    """Write the index of `quads` (the published dataset, asserted graphs) to `path`."""
    asserted = [q for q in quads if q.graph_name != ox.NamedNode(str(iris.inferred_graph))]
    write_index(path, name_rows(iris, asserted), passage_rows(iris, asserted), claim_rows(iris, asserted),
                label_rows(iris, asserted))


def write_index(path: Path, names: list[tuple], found: list[tuple], claims: list[tuple], labels: dict[str, str]) -> None:
    """Write the index from its rows (`name_rows`; every document's `passage_rows` and `claim_rows`; the
    `label_rows` of the graphs the claims point into)."""
    spans = sorted({f[:5] for f in found})
    number = {span: i for i, span in enumerate(spans, start=1)}
    passages = [(number[span], span[3], span[0], span[4], span[1], span[2]) for span in spans]
    evidence = sorted({(number[f[:5]], f[5], f[6], f[7]) for f in found})
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?)", sorted(
            (key, word, name, iri, label, kind, preferred)
            for name, iri, label, kind, preferred in names for word, key in enumerate(word_keys(name))))
        db.executemany("INSERT INTO passages(rowid, quote, document, document_title, start, \"end\") VALUES (?, ?, ?, ?, ?, ?)",
                       passages)
        db.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?)", evidence)
        db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _labelled(claims, labels))
        db.execute("INSERT INTO passages(passages) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()


def fold(text: str) -> str:
    """Text as autocomplete compares it: case and accents folded, every run of non-word characters one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain))


def word_keys(name: str) -> list[str]:
    """The folded name from each of its words to its end: "Islamic Republic" -> ["islamic republic", "republic"]."""
    words = fold(name).split(" ")
    return [" ".join(words[i:]) for i in range(len(words)) if words[i]]


# --- reading --------------------------------------------------------------------------------------

_PHRASE = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(text: str) -> str | None:
    """A safe FTS5 query for what a user typed: every word must occur, "quoted words" as a phrase.

    FTS5 has its own query syntax (AND, NEAR, column filters, *); user input is never passed to it
    raw, so no input is a syntax error. None when the text holds no word at all.
    """
    phrases = []
    for quoted, bare in _PHRASE.findall(text):
        words = _WORD.findall(quoted if quoted else bare)
        if words:
            phrases.append(" ".join(words))
    if not phrases:
        return None
    return " ".join(f'"{p}"' for p in phrases)


# Rows of the names table read per keystroke, at most: enough to rank the few shown, bounded however
# many names share a prefix (a single letter at ×100).
SCAN = 200

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
        """Actors with a name in which a word begins as typed; best first, one row per actor."""
        typed = fold(text)
        if not typed:
            return []
        rows = self._db().execute(
            "SELECT word, name, iri, label, kind, preferred FROM names WHERE key >= ? AND key < ? ORDER BY key LIMIT ?",
            (typed, typed + "\U0010ffff", SCAN)).fetchall()
        # A name that begins as typed before one with a later word so beginning; a preferred label
        # before an alternative one; then shorter names (closer to what was typed).
        rows.sort(key=lambda r: (r[0] > 0, -r[5], len(r[1]), r[1], r[2]))
        out, seen = [], set()
        for word, name, iri, label, kind, preferred in rows:
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

    def claims(self) -> list[tuple]:
        """Every claim, flat (the columns of the claims table, in order)."""
        return self._db().execute("SELECT * FROM claims").fetchall()

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
