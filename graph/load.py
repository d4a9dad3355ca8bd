"""Loading the hand-written files the build reads besides the corpus: Turtle and the JSON-LD context.

They name the default base IRI; a build for another base moves them onto it here, in one place.
"""
from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from alliance_kg.graph.config import DEFAULT_BASE
from alliance_kg.graph.curation import CurationError


def working_graph() -> Graph:
    """An in-memory graph for the build's own work: rdflib's default store keeps, for every triple,
    the contexts it belongs to, bookkeeping that took a third of the time of owlrl and pyshacl here
    and that a single graph never needs."""
    return Graph(store="SimpleMemory")


def rebase(text: str, base: str) -> str:
    """Our hand-written files name the default base; a build for another base moves them onto it."""
    return text if base == DEFAULT_BASE else text.replace(DEFAULT_BASE, base)


def load_turtle(path: Path, base: str) -> Graph:
    """Parse one of our hand-written Turtle files, moved onto the configured base if it differs."""
    text = rebase(path.read_text(encoding="utf-8"), base)
    try:
        return Graph().parse(data=text, format="turtle", publicID=str(path))
    except Exception as e:   # rdflib raises several parser exception types; all mean the same here
        raise CurationError(path, getattr(e, "lines", None), None, f"invalid Turtle: {e}") from None


def load_context(path: Path, base: str) -> dict:
    try:
        return json.loads(rebase(path.read_text(encoding="utf-8"), base))
    except (OSError, json.JSONDecodeError) as e:
        raise CurationError(path, getattr(e, "lineno", None), None, f"unreadable JSON-LD context: {e}") from None
