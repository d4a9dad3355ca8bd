"""How a published dataset version is named inside a remote triplestore: decided here, once.

`alliance-kg push` loads a build into a store through the Graph Store Protocol, and `serve --store`
queries it; both must agree on the names. Every named graph G of version V is stored as

    <G?version=V>      e.g. <https://w3id.org/alliance-kg/graph/actors?version=5f0c…>

so two versions can live side by side: a push loads the new one beside the old one, verifies it,
and only then switches the record below and deletes the old graphs. A reader pinned to a version
never sees a half-loaded dataset. The suffix keeps our graph IRI as a prefix, so STRSTARTS on a
graph name still works; the remote engine rewrites our names to these in queries and back in answers.

The one mutable graph is the record <BASE graph/store-version>:

    <BASE dataset> owl:versionInfo "V" .                       the version served
    <G?version=V> owl:versionInfo "V" ; dct:isVersionOf <G> .  each stored graph of a version kept

replaced whole by one PUT, which is atomic in every Graph Store Protocol implementation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import pyoxigraph as ox

from alliance_kg.server.sparql_text import _TOKEN  # the one SPARQL tokenizer of the server

VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"


# An IRI reference with a scheme is absolute (RFC 3987 §2.2); any other is relative.
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def with_base(query: str, base_iri: str | None) -> str:
    """The query with `base_iri` as its base, for a store that cannot be told one (the Protocol has
    no parameter for it). A query with BASE gets each relative BASE resolved here (RFC 3986 §5.1:
    the query's own base refines ours); one without gets a BASE in front, on its first line so that
    the store's error positions keep their line numbers (Virtuoso refuses two BASE declarations, so
    never both). A query with no relative IRI reaches the store byte for byte."""
    items = list(tokens_with_spans(query))
    if not base_iri or not any(kind == "iri" and not ABSOLUTE.match(value[1:-1]) for kind, value, _, _ in items):
        return query
    declarations = [items[i + 1] for i, (kind, value, _, _) in enumerate(items[:-1])
                    if kind == "word" and value.upper() == "BASE" and items[i + 1][0] == "iri"]
    if not declarations:
        return f"BASE {ox.NamedNode(base_iri)} {query}"
    out, last, base = [], 0, base_iri
    for _, value, start, end in declarations:
        base = urljoin(base, value[1:-1])
        out += [query[last:start], str(ox.NamedNode(base))]
        last = end
    return "".join(out) + query[last:]


def tokens_with_spans(text: str):
    """(kind, text, start, end) of each token outside whitespace and comments."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup not in ("ws", "comment"):
            yield match.lastgroup, match.group(), match.start(), match.end()
MARK = "?version="


def record_graph(base: str) -> str:
    return base + "graph/store-version"


def record_subject(base: str) -> str:
    return base + "dataset"


def versioned(graph: str, version: str) -> str:
    return f"{graph}{MARK}{version}"


def split(name: str) -> tuple[str, str] | None:
    """(graph, version) of a stored name, or None when it is not one of ours."""
    graph, mark, version = name.rpartition(MARK)
    return (graph, version) if mark and graph and version else None


@dataclass(frozen=True)
class GraphNames:
    """Our graph names ↔ the stored names of one version, both ways, for queries and answers."""

    version: str
    graphs: tuple[str, ...]

    def to_store(self, graph: str) -> str:
        return versioned(graph, self.version) if graph in self.graphs else graph

    def from_store(self, name: str) -> str:
        parts = split(name)
        return parts[0] if parts and parts[1] == self.version and parts[0] in self.graphs else name

    def term(self, term):
        """A term from the store's answer, with our graph name where the store has its versioned one."""
        if isinstance(term, ox.NamedNode):
            mapped = self.from_store(term.value)
            return term if mapped == term.value else ox.NamedNode(mapped)
        return term

    def rewrite_query(self, query: str) -> str:
        """The query with each of our graph IRIs (written <…> or as a prefixed name) replaced by its
        stored name; everything else, strings and comments included, left byte for byte."""
        prefixes: dict[str, str] = {}
        base = ""
        out: list[str] = []
        last = 0
        items = list(tokens_with_spans(query))
        for i, (kind, value, start, end) in enumerate(items):
            iri = None
            if kind == "word" and value.upper() == "PREFIX" and i + 2 < len(items) \
                    and items[i + 1][0] == "pname" and items[i + 2][0] == "iri":
                prefixes[items[i + 1][1][:-1]] = items[i + 2][1][1:-1]
            elif kind == "word" and value.upper() == "BASE" and i + 1 < len(items) and items[i + 1][0] == "iri":
                base = urljoin(base, items[i + 1][1][1:-1]) if base else items[i + 1][1][1:-1]
            elif kind == "iri":
                if i >= 2 and items[i - 1][0] == "pname" and items[i - 2][1].upper() == "PREFIX":
                    continue    # a namespace declaration, never a graph name
                iri = urljoin(base, value[1:-1]) if base else value[1:-1]
            elif kind == "pname":
                prefix, _, local = value.partition(":")
                if prefix in prefixes and not (i >= 1 and items[i - 1][1].upper() == "PREFIX"):
                    iri = prefixes[prefix] + local
            if iri is not None and iri in self.graphs:
                out.append(query[last:start])
                out.append(f"<{self.to_store(iri)}>")
                last = end
        out.append(query[last:])
        return "".join(out)
