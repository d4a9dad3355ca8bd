"""HTTP content negotiation (RFC 9110 §12.5.1): the one place a response format is chosen.

Honours q-values, `type/*` and `*/*` wildcards, `q=0` exclusions and specificity (a more specific
range overrides a wildcard, so `text/*;q=0, text/turtle` still accepts Turtle). Ties go to the
server's order of preference, i.e. the order of `offered`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from alliance_kg.graph.formats import Format


class NotAcceptable(Exception):
    """Nothing offered is acceptable; carries what could have been served (for the 406 body)."""

    def __init__(self, offered: Sequence[Format]):
        self.offered = tuple(offered)
        super().__init__("Not Acceptable; available: " + ", ".join(f.media_type for f in offered))


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def covers(self, media_type: str) -> bool:
        t, _, s = media_type.partition("/")
        return self.type in ("*", t) and self.subtype in ("*", s)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; a missing or empty header means `*/*`. Malformed ranges are skipped."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        t, _, s = media.partition("/")
        if not t or not s or (t == "*" and s != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(t, s, q))
    return ranges


def quality(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    """The q-value the client gives this format: that of the most specific range covering it."""
    best: MediaRange | None = None
    for r in ranges:
        # Aliases (application/json for SPARQL JSON results…) count only when named exactly: a
        # wildcard such as text/* must not select a format whose canonical type is not text/*.
        covered = r.covers(fmt.media_type) or (r.specificity == 2 and
                                               any(r.covers(alias) for alias in fmt.aliases))
        if covered and (best is None or r.specificity > best.specificity
                        or (r.specificity == best.specificity and r.q > best.q)):
            best = r
    return best.q if best else 0.0


def choose(accept: str | None, offered: Sequence[Format]) -> Format:
    """The best of `offered` for this Accept header, or raise NotAcceptable."""
    ranges = parse_accept(accept)
    scored = [(quality(f, ranges), -i, f) for i, f in enumerate(offered)]
    q, _, best = max(scored, key=lambda t: (t[0], t[1]))
    if q <= 0:
        raise NotAcceptable(offered)
    return best


def prefers_html(accept: str | None) -> bool:
    """True when a browser asks: text/html explicitly accepted at least as much as anything else."""
    ranges = parse_accept(accept)
    html = max((r.q for r in ranges if r.type == "text" and r.subtype == "html"), default=0.0)
    return html > 0 and html >= max(r.q for r in ranges)
