"""The one registry of media types: what we write, under which names, file extensions and format IRIs.

The build names its published files' media types from here (graph/publish.py), the server negotiates
among these (server/negotiation.py), and the service description and VoID cite their format IRIs;
nothing else spells a media type. Where pyoxigraph knows a format, its own metadata is used.
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
    iri: str | None = None         # the format's IRI (http://www.w3.org/ns/formats/…), when it has one

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


def _oxigraph(name: str, fmt, aliases: tuple[str, ...] = (), iri: str | None = None) -> Format:
    """A format pyoxigraph reads and writes, described by pyoxigraph's own metadata."""
    return Format(name, fmt.media_type.split(";")[0], "." + fmt.file_extension, aliases, oxigraph=fmt,
                  iri=iri or fmt.iri)


# SELECT / ASK results, in the server's order of preference.
SPARQL_JSON = _oxigraph("json", ox.QueryResultsFormat.JSON, ("application/json",))
SPARQL_XML = _oxigraph("xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml"))
CSV = _oxigraph("csv", ox.QueryResultsFormat.CSV)
TSV = _oxigraph("tsv", ox.QueryResultsFormat.TSV)
RESULT_FORMATS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)

# RDF graphs and datasets, in the server's order of preference.
TURTLE = _oxigraph("turtle", ox.RdfFormat.TURTLE, ("application/x-turtle",))
NTRIPLES = _oxigraph("ntriples", ox.RdfFormat.N_TRIPLES, ("text/plain",))
RDFXML = _oxigraph("rdfxml", ox.RdfFormat.RDF_XML)
# The W3C format registry names JSON-LD http://www.w3.org/ns/formats/JSON-LD (pyoxigraph 0.5 says otherwise).
# application/json is accepted for it (named exactly): JSON-LD is JSON, and a JSON client asking a
# linked-data IRI for JSON should get the description, not 406.
JSONLD = _oxigraph("jsonld", ox.RdfFormat.JSON_LD, ("application/json",), iri="http://www.w3.org/ns/formats/JSON-LD")
TRIG = _oxigraph("trig", ox.RdfFormat.TRIG)
NQUADS = _oxigraph("nquads", ox.RdfFormat.N_QUADS)
GRAPH_FORMATS = (TURTLE, NTRIPLES, RDFXML, JSONLD, TRIG, NQUADS)
# A single resource's description: the triple formats plus the dataset formats that carry graphs.
DOCUMENT_FORMATS = (TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS)

HTML = Format("html", "text/html", ".html", ("application/xhtml+xml",))
JSON = Format("plainjson", "application/json", ".json")
PROBLEM_JSON = Format("problem", "application/problem+json", None)
TEXT = Format("text", "text/plain", ".txt")
GZIP = Format("gzip", "application/gzip", ".gz", charset=False)
SQLITE = Format("sqlite", "application/vnd.sqlite3", ".sqlite", charset=False)   # the search index
OCTETS = Format("octets", "application/octet-stream", None, charset=False)
# A SPARQL query's text (a shared query, /q/<id>): the registration defines no charset, it is always UTF-8.
SPARQL_QUERY = Format("sparqlquery", "application/sparql-query", ".rq", charset=False)
# What the site's pages are made of, and what crawlers read (robots.txt is TEXT, sitemap.xml is XML).
CSS = Format("css", "text/css", ".css")
JAVASCRIPT = Format("javascript", "text/javascript", ".js")
SVG = Format("svg", "image/svg+xml", ".svg")
XML = Format("sitemap", "application/xml", ".xml", ("text/xml",))
ASSET_FORMATS = (CSS, JAVASCRIPT, SVG, JSON)

ALL = RESULT_FORMATS + GRAPH_FORMATS + (HTML,)
# What a published file can be: the graph formats plus the build's reports and manifest.
FILE_FORMATS = GRAPH_FORMATS + (HTML, JSON, TEXT, GZIP, SQLITE)


# Short names clients send in `format=`, `output=` or `results=` beside Accept (SPARQLWrapper sends
# all three; Virtuoso reads `format`, Fuseki `output`), by what each means for a result set and for
# a graph. A name with no meaning for the query form (`csv` for CONSTRUCT) is no override at all.
CLIENT_NAMES: dict[str, tuple[Format | None, Format | None]] = {
    "json": (SPARQL_JSON, JSONLD), "xml": (SPARQL_XML, RDFXML), "csv": (CSV, None), "tsv": (TSV, None),
    "srj": (SPARQL_JSON, None), "srx": (SPARQL_XML, None),
    "turtle": (None, TURTLE), "ttl": (None, TURTLE), "n3": (None, TURTLE),   # Turtle is N3's subset clients read
    "rdf": (None, RDFXML), "rdf+xml": (None, RDFXML), "rdfxml": (None, RDFXML), "rdf/xml": (None, RDFXML),
    "json-ld": (None, JSONLD), "jsonld": (None, JSONLD),
    "nt": (None, NTRIPLES), "ntriples": (None, NTRIPLES), "n-triples": (None, NTRIPLES),
    "trig": (None, TRIG), "nq": (None, NQUADS), "nquads": (None, NQUADS), "n-quads": (None, NQUADS),
}


def by_client_name(value: str, among) -> Format | None:
    """The format a client's `format=` value names among `among`, or None (unknown, or unfit here):
    our own names, the short names of CLIENT_NAMES, or a media type."""
    value = value.strip()
    found = by_name(value, among) or by_media_type(value, among)
    if found is None:
        for candidate in CLIENT_NAMES.get(value.lower(), ()):
            if candidate is not None and candidate in among:
                return candidate
    return found
# Every media type worth compressing on the wire: all of the above are text.
COMPRESSIBLE = tuple(dict.fromkeys(f.media_type for f in ALL + FILE_FORMATS + ASSET_FORMATS + (PROBLEM_JSON, XML, SPARQL_QUERY)
                                   if f is not GZIP))


def of_file(name: str) -> Format:
    """The format of a published file, by its extension (application/octet-stream when unknown)."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return by_extension(suffix, FILE_FORMATS) or OCTETS


def by_extension(extension: str, among=ALL) -> Format | None:
    return next((f for f in among if f.extension == extension), None)


def by_name(name: str, among=ALL) -> Format | None:
    return next((f for f in among if f.name == name), None)


def by_media_type(media_type: str, among=ALL) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    return next((f for f in among if f.matches(media_type)), None)
