"""Which queries may be evaluated in the web server's own process, without the hop to a worker.

A worker exists so that a query can be stopped by killing its process (engine/pool.py); a query
run in-process cannot be stopped, so it is run there only when its cost is bounded before it runs.
pyoxigraph exposes no algebra, so the bound is read from the text with the server's tokenizer
(server/sparql_text.py), for a deliberately small shape:

    SELECT / ASK / CONSTRUCT (template without nested groups), no FROM, no DESCRIBE
    one group of triple patterns and FILTERs: no OPTIONAL, UNION, MINUS, GRAPH, SERVICE, BIND,
    VALUES, sub-queries, EXISTS, property paths, blank nodes or collections
    solution modifiers: GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET

The bound is on the triples the evaluation touches:
- when every pattern's subject is a constant, or a variable an earlier pattern binds, each pattern
  adds at most D triples per solution so far, where D is the largest out-degree of any subject in
  the data (written with the store, graph/store.py): at most D^k for k patterns, whatever the
  filters and modifiers do with them afterwards (they work on those rows only);
- a single pattern with no FILTER, no DISTINCT, ordering, grouping or aggregate, but a LIMIT, is
  evaluated as a stream and stops after LIMIT + OFFSET triples.
Anything else is "unbounded" and goes to the pool, with its hard timeout.
"""
from __future__ import annotations

from alliance_kg.server.sparql_text import tokens

GROUP_KEYWORDS = {"OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES", "SELECT", "EXISTS",
                  "FROM", "DESCRIBE", "NAMED", "FILTER"}
TERM_KINDS = ("iri", "pname", "var")


class _Unbounded(Exception):
    pass


class _Reader:
    def __init__(self, query: str):
        self.items = [(kind, value) for kind, value, _ in tokens(query)]
        self.i = 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        j = self.i + ahead
        return self.items[j] if j < len(self.items) else ("end", "")

    def take(self) -> tuple[str, str]:
        item = self.peek()
        if item[0] == "end":
            raise _Unbounded
        self.i += 1
        return item

    def word(self, *words: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() in words:
            self.i += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise _Unbounded

    def integer(self) -> int:
        digits = ""
        while self.peek()[0] == "other" and self.peek()[1].isdigit():
            digits += self.take()[1]
        if not digits:
            raise _Unbounded
        return int(digits)

    def balanced(self) -> str:
        """A parenthesised expression, with no group inside it; returns its words, upper-cased."""
        self.expect("(")
        depth, words = 1, []
        while depth:
            kind, value = self.take()
            if value in ("{", "}"):
                raise _Unbounded
            depth += {"(": 1, ")": -1}.get(value, 0)
            if kind == "word":
                words.append(value.upper())
        if "EXISTS" in words:
            raise _Unbounded
        return " ".join(words)


AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}


def cost_bound(query: str, max_degree: int) -> int | None:
    """An upper bound on the triples evaluating `query` touches, or None when none can be given."""
    try:
        return _cost(_Reader(query), max_degree)
    except _Unbounded:
        return None


def _cost(r: _Reader, max_degree: int) -> int | None:
    while r.word("PREFIX", "BASE"):
        if r.peek()[0] == "pname":
            r.take()
        if r.take()[0] != "iri":
            raise _Unbounded
    streaming = True     # no DISTINCT, aggregate, grouping or ordering: results leave as they are found
    if r.word("SELECT"):
        if r.word("DISTINCT", "REDUCED"):
            streaming = False
        while r.peek()[1] not in ("{",) and not (r.peek()[0] == "word" and r.peek()[1].upper() == "WHERE"):
            if r.peek()[1] == "(":
                expression = set(r.balanced().split())   # read whatever `streaming` already is
                streaming = streaming and not (expression & AGGREGATES)
                continue
            kind, value = r.take()
            if not (kind == "var" or value == "*"):
                raise _Unbounded
    elif r.word("CONSTRUCT"):
        r.expect("{")
        while r.peek()[1] != "}":
            if r.take()[1] in ("{", "[", "("):
                raise _Unbounded
        r.take()
    elif not r.word("ASK"):
        raise _Unbounded
    r.word("WHERE")
    r.expect("{")
    patterns, filtered = _group(r)
    limit = offset = None
    while r.peek()[0] != "end":
        if r.word("GROUP", "ORDER"):
            streaming = False
            if not r.word("BY"):
                raise _Unbounded
            while r.peek()[0] == "var" or r.peek()[1] == "(" or r.word("ASC", "DESC"):
                if r.peek()[1] == "(":
                    r.balanced()
                else:
                    r.take()
        elif r.word("HAVING"):
            streaming = False
            r.balanced()
        elif r.word("LIMIT"):
            limit = r.integer()
        elif r.word("OFFSET"):
            offset = r.integer()
        else:
            raise _Unbounded
    bound: set[str] = set()
    for subject, predicate, obj in patterns:
        if subject[0] == "var" and subject[1][1:] not in bound:
            break
        bound.update(v[1][1:] for v in (subject, predicate, obj) if v[0] == "var")
    else:
        return max_degree ** len(patterns)
    if len(patterns) == 1 and not filtered and streaming and limit is not None:
        return limit + (offset or 0)
    return None


def _group(r: _Reader) -> tuple[list, bool]:
    """The triple patterns of one group (up to its closing brace), and whether it has a FILTER."""
    patterns: list[tuple] = []
    filtered = False
    while True:
        kind, value = r.peek()
        if value == "}":
            r.take()
            return patterns, filtered
        if value == ".":
            r.take()
            continue
        if kind == "word" and value.upper() == "FILTER":
            r.take()
            filtered = True
            if r.peek()[0] in ("word", "pname") and r.peek(1)[1] == "(":
                r.take()        # a function call: FILTER regex(…), FILTER isIRI(…)
            r.balanced()
            continue
        if kind == "word" and value.upper() in GROUP_KEYWORDS:
            raise _Unbounded
        subject = _term(r, subject=True)
        while True:
            predicate = r.take()
            if not (predicate[0] in TERM_KINDS or (predicate[0] == "word" and predicate[1] == "a")):
                raise _Unbounded
            while True:
                patterns.append((subject, predicate, _term(r, subject=False)))
                if r.peek()[1] != ",":
                    break
                r.take()
            if r.peek()[1] != ";":
                break
            r.take()
            if r.peek()[1] in (".", "}"):
                break
        if r.peek()[1] not in (".", "}") and not (r.peek()[0] == "word" and r.peek()[1].upper() == "FILTER"):
            raise _Unbounded     # a property path, a blank node, a collection…


def _term(r: _Reader, subject: bool) -> tuple[str, str]:
    kind, value = r.take()
    if kind in TERM_KINDS:     # (a blank node _:b reads as the word "_" first, and is refused below)
        return kind, value
    if subject:
        raise _Unbounded
    if kind in ("string", "long_string"):
        if r.peek()[1] == "@":
            r.take()
            r.take()
            while r.peek()[1] == "-":
                r.take()
                r.take()
        elif r.peek()[1] == "^" and r.peek(1)[1] == "^":
            r.take()
            r.take()
            if r.take()[0] not in ("iri", "pname"):
                raise _Unbounded
        return "literal", value
    if kind == "word" and value in ("true", "false"):
        return "literal", value
    if value in ("+", "-") or value.isdigit():
        if not value.isdigit():
            value = r.take()[1]
            if not value.isdigit():
                raise _Unbounded
        while r.peek()[0] == "other" and r.peek()[1].isdigit():
            r.take()
        return "literal", value
    raise _Unbounded
