"""What a SPARQL request is, read from its text before anything is evaluated.

pyoxigraph parses and evaluates in one step and exposes no algebra, but the server must decide some
things first: the query form (to negotiate a result format and answer 406 before any work), whether
it is an update (403: this endpoint is read-only), whether it names a dataset (FROM / FROM NAMED),
and every SERVICE it would call (refused unless allow-listed, because Oxigraph would really make the
HTTP request). A small tokenizer is enough for that and, unlike rdflib's parser, it is thread-safe,
fast, and cannot disagree with Oxigraph about what the query means: it only has to find keywords
outside strings, IRIs and comments. Oxigraph remains the judge of syntax.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<long_string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
    | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-\u00B7-\uFFFF:%.\\]*[\w\-:%\\])?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass
class Service:
    iri: str | None          # None when the endpoint is a variable (SERVICE ?endpoint)
    text: str                # as written


@dataclass
class RequestShape:
    form: str | None                  # SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE, or None if unclear
    services: list[Service] = field(default_factory=list)
    has_dataset_clause: bool = False  # FROM or FROM NAMED

    @property
    def is_update(self) -> bool:
        return self.form == "UPDATE"

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def tokens(text: str):
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            yield kind, match.group()


def analyze(text: str) -> RequestShape:
    prefixes: dict[str, str] = {}
    base = ""
    shape = RequestShape(form=None)
    items = list(tokens(text))
    i = 0
    while i < len(items):
        kind, value = items[i]
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(items) and items[i + 1][0] == "pname" and items[i + 2][0] == "iri":
            prefixes[items[i + 1][1][:-1]] = items[i + 2][1][1:-1]
            i += 3
            continue
        if upper == "BASE" and i + 1 < len(items) and items[i + 1][0] == "iri":
            base = items[i + 1][1][1:-1]
            i += 2
            continue
        if shape.form is None and upper in QUERY_FORMS:
            shape.form = upper
        elif shape.form is None and upper in UPDATE_KEYWORDS:
            shape.form = "UPDATE"
        elif upper == "FROM":
            shape.has_dataset_clause = True
        elif upper == "SERVICE":
            j = i + 1
            if j < len(items) and items[j][0] == "word" and items[j][1].upper() == "SILENT":
                j += 1
            target_kind, target = items[j] if j < len(items) else ("other", "")
            if target_kind == "iri":
                iri = target[1:-1]
                shape.services.append(Service(iri if ":" in iri else base + iri, target))
            elif target_kind == "pname":
                prefix, _, local = target.partition(":")
                namespace = prefixes.get(prefix)
                shape.services.append(Service(namespace + local if namespace is not None else None, target))
            else:
                shape.services.append(Service(None, target))
        i += 1
    return shape
