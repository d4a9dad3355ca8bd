"""Citations of a claim, for its page: plain text, a BibTeX entry, and the Web Annotation of its evidence.

The permalink is the claim's IRI with the dataset version it was cited from (?version=…); the page
at that address says so when the server has moved on to another version, so a citation never
silently points at data it did not see.
"""
from __future__ import annotations

import json

from flask import Blueprint, request

from alliance_kg.server.app import site
from alliance_kg.server.describe import _prefixes

bp = Blueprint("cite", __name__)

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _selectors(claim_iri: str) -> dict[str, dict]:
    """prefix / suffix of each evidence's quote selector (the page's claim view has only exact)."""
    rows = site().engine.select(_prefixes() + f"""
      SELECT ?ev ?prefix ?suffix WHERE {{ <{claim_iri}> ak:evidence ?ev . ?ev oa:hasTarget/oa:hasSelector ?qs .
        ?qs a oa:TextQuoteSelector . OPTIONAL {{ ?qs oa:prefix ?prefix }} OPTIONAL {{ ?qs oa:suffix ?suffix }} }}""")
    return {r["ev"].value: {"prefix": r["prefix"].value if r.get("prefix") is not None else None,
                            "suffix": r["suffix"].value if r.get("suffix") is not None else None} for r in rows}


def _bibtex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "{}\\&%$#_" else ch for ch in text)


def citation(c) -> dict:
    """Text, BibTeX and Web Annotation JSON-LD for a claim view (server/describe.py ClaimView)."""
    version = site().dataset.version
    permalink = f"{c.iri}?version={version}"
    first = c.evidence[0]
    where = "; ".join(f"characters {e.start}–{e.end}" for e in c.evidence)
    text = (f"“{c.label}”. Claim in alliance-kg, dataset version {version}, derived from “{first.document_title}” "
            f"({where}). {permalink}")
    key = "ak-" + c.iri.rsplit("/", 2)[-1].replace("-", "_")
    bibtex = "\n".join([
        f"@misc{{{key},",
        f"  title        = {{{_bibtex_escape(c.label)}}},",
        f"  howpublished = {{alliance-kg, dataset version {version}}},",
        f"  note         = {{Derived from ``{_bibtex_escape(first.document_title)}'', {_bibtex_escape(where)}: "
        f"``{_bibtex_escape(first.quote)}''}},",
        f"  url          = {{{permalink}}},",
        "}"])
    selectors = _selectors(c.iri)
    annotations = []
    for e in c.evidence:
        quote = {"type": "TextQuoteSelector", "exact": e.quote}
        quote.update({k: v for k, v in selectors.get(e.annotation, {}).items() if v is not None})
        annotations.append({
            "@context": ANNOTATION_CONTEXT, "id": e.annotation, "type": "Annotation", "motivation": "describing",
            "body": c.iri, "via": permalink,
            "target": {"type": "SpecificResource", "source": e.document,
                       "selector": [quote, {"type": "TextPositionSelector", "start": e.start, "end": e.end}]}})
    annotation = annotations[0] if len(annotations) == 1 else annotations
    return {"version": version, "permalink": permalink, "text": text, "bibtex": bibtex,
            "annotation": json.dumps(annotation, ensure_ascii=False, indent=1),
            "cited_version": request.args.get("version")}


@bp.app_context_processor
def cite_helpers():
    return {"citation": citation}
