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
from urllib.parse import urljoin

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
    from_graphs: list[str] = field(default_factory=list)        # FROM <iri>, resolved
    from_named_graphs: list[str] = field(default_factory=list)  # FROM NAMED <iri>, resolved
    undeclared: list[tuple[str, int, int]] = field(default_factory=list)  # (prefix, line, column) used, never declared

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
            yield kind, match.group(), match.start()


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def analyze(text: str, base_iri: str | None = None) -> RequestShape:
    """What the request is; relative IRIs (FROM <g>) resolve against BASE, else against `base_iri`."""
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    shape = RequestShape(form=None)
    located = list(tokens(text))
    items = [(kind, value) for kind, value, _ in located]

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            return urljoin(base, value[1:-1]) if base else value[1:-1]
        prefix, _, local = value.partition(":")
        namespace = prefixes.get(prefix)
        return namespace + local if namespace is not None else None

    i = 0
    while i < len(items):
        kind, value = items[i]
        if kind == "pname" and value.partition(":")[0] not in prefixes:
            shape.undeclared.append((value.partition(":")[0] + ":",) + _position(text, located[i][2]))
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(items) and items[i + 1][0] == "pname" and items[i + 2][0] == "iri":
            prefixes[items[i + 1][1][:-1]] = items[i + 2][1][1:-1]
            i += 3
            continue
        if upper == "BASE" and i + 1 < len(items) and items[i + 1][0] == "iri":
            base = urljoin(base, items[i + 1][1][1:-1]) if base else items[i + 1][1][1:-1]
            i += 2
            continue
        if shape.form is None and upper in QUERY_FORMS:
            shape.form = upper
        elif shape.form is None and upper in UPDATE_KEYWORDS:
            shape.form = "UPDATE"
        elif upper == "FROM":
            shape.has_dataset_clause = True
            named = i + 1 < len(items) and items[i + 1][0] == "word" and items[i + 1][1].upper() == "NAMED"
            j = i + 2 if named else i + 1
            if j < len(items) and items[j][0] in ("iri", "pname"):
                iri = resolve(*items[j])
                if iri is not None:
                    (shape.from_named_graphs if named else shape.from_graphs).append(iri)
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


_PARSER_POSITION = re.compile(r"^error at (\d+):(\d+): ")


def readable_syntax_error(shape: RequestShape, parser_message: str, iris) -> str:
    """The parser's complaint in words a query writer can act on: an undeclared prefix is named with
    its position and the prefixes the dataset uses; otherwise the parser's line and column are spelt
    out (Oxigraph lists the grammar's expectations, which stay as its detail)."""
    from alliance_kg.graph.publish import prefixes

    if shape.undeclared:
        prefix, line, column = shape.undeclared[0]
        known = ", ".join(f"PREFIX {name}: <{namespace}>" for name, namespace in sorted(prefixes(iris).items()))
        return (f"unknown prefix '{prefix}' at line {line}, column {column}: declare it with PREFIX. "
                f"The prefixes this dataset uses: {known}")
    match = _PARSER_POSITION.match(parser_message)
    if match:
        return (f"syntax error at line {match.group(1)}, column {match.group(2)}: "
                f"{parser_message[match.end():]}")
    return parser_message
