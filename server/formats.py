"""The one registry of media types: what we can write, under which names and file extensions.

Content negotiation (server/negotiation.py) chooses among these; views never spell a media type.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str                      # short name, also the ?format= value
    media_type: str                # canonical media type, sent in Content-Type
    extension: str | None          # document suffix, e.g. ".ttl"
    aliases: tuple[str, ...] = ()  # other media types accepted in Accept
    charset: bool = True           # append "; charset=utf-8"
    oxigraph: object | None = field(default=None, compare=False)  # pyoxigraph format enum

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


# SELECT / ASK results, in the server's order of preference.
SPARQL_JSON = Format("json", "application/sparql-results+json", ".srj", ("application/json",),
                     oxigraph=ox.QueryResultsFormat.JSON)
SPARQL_XML = Format("xml", "application/sparql-results+xml", ".srx", ("application/xml", "text/xml"),
                    oxigraph=ox.QueryResultsFormat.XML)
CSV = Format("csv", "text/csv", ".csv", oxigraph=ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", ".tsv", oxigraph=ox.QueryResultsFormat.TSV)
RESULT_FORMATS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)

# RDF graphs and datasets, in the server's order of preference.
TURTLE = Format("turtle", "text/turtle", ".ttl", ("application/x-turtle",), oxigraph=ox.RdfFormat.TURTLE)
NTRIPLES = Format("ntriples", "application/n-triples", ".nt", ("text/plain",), oxigraph=ox.RdfFormat.N_TRIPLES)
RDFXML = Format("rdfxml", "application/rdf+xml", ".rdf", oxigraph=ox.RdfFormat.RDF_XML)
JSONLD = Format("jsonld", "application/ld+json", ".jsonld", oxigraph=ox.RdfFormat.JSON_LD)
TRIG = Format("trig", "application/trig", ".trig", oxigraph=ox.RdfFormat.TRIG)
NQUADS = Format("nquads", "application/n-quads", ".nq", oxigraph=ox.RdfFormat.N_QUADS)
GRAPH_FORMATS = (TURTLE, NTRIPLES, RDFXML, JSONLD, TRIG, NQUADS)
# A single resource's description: the triple formats plus the dataset formats that carry graphs.
DOCUMENT_FORMATS = (TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS)

HTML = Format("html", "text/html", ".html", ("application/xhtml+xml",))
JSON = Format("plainjson", "application/json", ".json")
PROBLEM_JSON = Format("problem", "application/problem+json", None)

ALL = RESULT_FORMATS + GRAPH_FORMATS + (HTML,)


def by_extension(extension: str, among=ALL) -> Format | None:
    return next((f for f in among if f.extension == extension), None)


def by_name(name: str, among=ALL) -> Format | None:
    return next((f for f in among if f.name == name), None)


def by_media_type(media_type: str, among=ALL) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    return next((f for f in among if f.matches(media_type)), None)
