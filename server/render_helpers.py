"""Small helpers the page templates use: links, short names, the marked-up document text."""
from __future__ import annotations

from dataclasses import dataclass, field

from alliance_kg.server.url_builder import page_of, path_of


def link(iri: str) -> str:
    return page_of(iri)


def resource_link(iri: str) -> str:
    """The URL of one of our IRIs that names a document itself (a stored text), not a thing it describes."""
    return path_of(iri)


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def anchor_id(annotation_iri: str) -> str:
    """The HTML id of a piece of evidence inside its document's page: <claim slug>--evidence-<n>."""
    resource, _, fragment = annotation_iri.partition("#")
    return f"{local_name(resource)}--{fragment}"


def evidence_link(evidence) -> str:
    return page_of(evidence.document) + "#" + anchor_id(evidence.annotation)


@dataclass
class Segment:
    text: str
    kind: str                        # plain | evidence | junk
    claims: list = field(default_factory=list)   # (claim iri, label) covering this stretch
    anchors: list = field(default_factory=list)  # evidence ids that start here
    junk_kind: str | None = None


def segments(document) -> list[Segment]:
    """The document's text cut where evidence or junk starts or ends, each piece knowing what covers it."""
    text = document.text
    spans = [(e.start, e.end, c) for c in document.claims for e in c.evidence]
    starts: dict[int, list[str]] = {}
    for c in document.claims:
        for e in c.evidence:
            starts.setdefault(e.start, []).append(anchor_id(e.annotation))
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans}
                  | {s for s, _, _ in document.junk} | {e for _, e, _ in document.junk})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        junk = next((k for s, e, k in document.junk if s <= a and b <= e), None)
        covering = []
        for s, e, c in spans:
            if s <= a and b <= e and (c.iri, c.label) not in covering:
                covering.append((c.iri, c.label))
        kind = "junk" if junk else ("evidence" if covering else "plain")
        segment = Segment(text[a:b], kind, covering, sorted(starts.get(a, [])), junk)
        previous = out[-1] if out else None
        if previous and previous.kind == "junk" and kind == "junk" and previous.junk_kind == junk:
            previous.text += segment.text
        else:
            out.append(segment)
    return out
