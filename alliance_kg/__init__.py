"""alliance-kg: evidence-anchored claims about geopolitical alliances, as linked data.

The installed package is one namespace:
    alliance_kg.graph      the build (clean → anchor → assemble → validate → reason → publish)
    alliance_kg.server     the web application (SPARQL endpoint, linked-data pages, downloads)
    alliance_kg.ontology   the ontology, SHACL shapes and JSON-LD context (package data)
    alliance_kg.cli        the `alliance-kg` command, above both: the build never imports the server
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("alliance-kg")
except PackageNotFoundError:   # running from a source tree that was never installed
    __version__ = "0+unknown"
