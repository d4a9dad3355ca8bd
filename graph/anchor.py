"""Anchor each quoted piece of evidence to its exact place in its document.

Curators write the quote; the build finds the offsets itself (W3C Web Annotation
TextPositionSelector, code points) and the context around it (TextQuoteSelector prefix/suffix).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from alliance_kg.graph.clean import SourceText
from alliance_kg.graph.curation import ClaimRecord, ErrorLog, EvidenceRecord

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


def closest_passage(text: str, quote: str) -> tuple[int, int, float] | None:
    """Where the document says (nearly) what the quote says: (start, end, similarity), or None.

    Pieces of the quote that the document does contain vote for where the quote would start; the
    best-voted places are compared with the whole quote, so a reworded or re-spaced quote still
    finds its passage, wherever in the quote the change is."""
    size = min(10, max(4, len(quote) // 4))
    votes: dict[int, int] = {}
    for offset in range(0, max(1, len(quote) - size + 1), max(1, size // 2)):
        piece = quote[offset:offset + size]
        at = text.find(piece)
        hits = 0
        while at != -1 and hits < 20:
            votes[at - offset] = votes.get(at - offset, 0) + 1
            at, hits = text.find(piece, at + 1), hits + 1
    best = None
    slack = max(8, len(quote) // 5)
    for guess, _ in sorted(votes.items(), key=lambda kv: -kv[1])[:8]:
        lo, hi = max(0, guess - slack), min(len(text), guess + len(quote) + slack)
        matcher = difflib.SequenceMatcher(None, quote, text[lo:hi], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        start, end = lo + blocks[0].b - blocks[0].a, lo + blocks[-1].b + blocks[-1].size + (len(quote) - blocks[-1].a - blocks[-1].size)
        start, end = max(0, start), min(len(text), end)
        ratio = difflib.SequenceMatcher(None, quote, text[start:end], autojunk=False).ratio()
        if best is None or ratio > best[2]:
            best = (start, end, ratio)
    return best if best and best[2] >= 0.6 else None


def _near_miss(text: str, quote: str) -> str:
    """A hint for a quote that is not found: the closest passage, its line, and where they first differ."""
    found = closest_passage(text, quote)
    if found is None:
        return "; no passage of the document comes close (copy the quote from the document itself)"
    start, end, _ = found
    passage = text[start:end]
    line = text.count("\n", 0, start) + 1
    # Compared word by word (spaces and punctuation are tokens too), so a reworded phrase is named whole.
    ours, theirs = _TOKENS.findall(quote), _TOKENS.findall(passage)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        mine, other = "".join(ours[i1:i2]), "".join(theirs[j1:j2])
        if tag == "replace":
            what = f"the quote has {mine!r} where the document has {other!r}"
        elif tag == "delete":
            what = f"the quote has {mine!r} that the document has not"
        else:
            what = f"the document has {other!r} that the quote has not"
        at = len("".join(ours[:i1])) + 1
        return f"; closest passage (line {line}): {passage!r}; first difference at character {at} of the quote: {what}"
    return f"; closest passage (line {line}): {passage!r}"


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


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


def anchor_claim(source: SourceText, claim: ClaimRecord, errors: ErrorLog | None = None) -> list[Anchor]:
    """Every quote of the claim anchored; with an error log, each bad quote is logged (not only the
    first) and the claim's CurationErrors are raised once all were tried."""
    if errors is None:
        anchors = [anchor_evidence(source, claim, i, ev) for i, ev in enumerate(claim.evidence)]
    else:
        local = ErrorLog(errors.cap)
        anchors = [local.attempt(anchor_evidence, source, claim, i, ev) for i, ev in enumerate(claim.evidence)]
        local.raise_if_any()
    if claim.hedge and not any(claim.hedge in a.exact for a in anchors):
        raise claim.fields.error("hedge", f"hedge {claim.hedge!r} does not occur in any quote of the claim")
    return anchors
