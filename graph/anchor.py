"""Anchor each quoted piece of evidence to its exact place in its document.

Curators write the quote; the build finds the offsets itself (W3C Web Annotation
TextPositionSelector, code points) and the context around it (TextQuoteSelector prefix/suffix).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from alliance_kg.graph.clean import SourceText
from alliance_kg.graph.curation import ClaimRecord, EvidenceRecord

CONTEXT = 32   # code points of prefix/suffix: enough to re-find a quote if offsets ever drift


@dataclass(frozen=True)
class Anchor:
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _near_miss(text: str, quote: str) -> str:
    """A hint for a quote that is not found: the closest passage of the same length, if close."""
    head = quote[:24]
    matcher = difflib.SequenceMatcher(None, text, head, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(head))
    if block.size < 8:
        return ""
    start = max(0, block.a - block.b)
    candidate = text[start:start + len(quote)]
    ratio = difflib.SequenceMatcher(None, candidate, quote, autojunk=False).ratio()
    if ratio < 0.8:
        return ""
    diff = next((i for i, (a, b) in enumerate(zip(candidate, quote)) if a != b), None)
    detail = f"; first difference at character {diff + 1}: document has {candidate[diff]!r}, quote has {quote[diff]!r}" if diff is not None else ""
    return f" (closest passage: {candidate!r}{detail})"


def anchor_evidence(source: SourceText, claim: ClaimRecord, index: int, evidence: EvidenceRecord) -> Anchor:
    fields = claim.fields.sub("evidence", index)
    found = occurrences(source.text, evidence.quote)
    name = source.path.name
    if not found:
        raise fields.error("quote", f"quote not found in {name}{_near_miss(source.text, evidence.quote)}")
    if evidence.occurrence is None and len(found) > 1:
        raise fields.error("quote", f"quote occurs {len(found)} times in {name}; add 'occurrence: N' (1-{len(found)}) to say which")
    if evidence.occurrence is not None and evidence.occurrence > len(found):
        raise fields.error("occurrence", f"quote occurs only {len(found)} time(s) in {name}")
    start = found[(evidence.occurrence or 1) - 1]
    end = start + len(evidence.quote)
    junk = source.junk_at(start, end)
    if junk is not None:
        raise fields.error("quote", f"quote lies in a junk segment of {name} ({junk.kind}); junk is never evidence")
    return Anchor(evidence.quote, start, end, source.text[max(0, start - CONTEXT):start],
                  source.text[end:end + CONTEXT])


def anchor_claim(source: SourceText, claim: ClaimRecord) -> list[Anchor]:
    anchors = [anchor_evidence(source, claim, i, ev) for i, ev in enumerate(claim.evidence)]
    if claim.hedge and not any(claim.hedge in a.exact for a in anchors):
        raise claim.fields.error("hedge", f"hedge {claim.hedge!r} does not occur in any quote of the claim")
    return anchors
