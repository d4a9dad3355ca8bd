"""Find the lines of a collected web page that are not the article (junk), by layout rules.

The rules look at the shape of lines and of runs of lines, never at what a particular article says:

- table-of-contents: a "Table of Contents" (or "Contents", "In this article") line and the bullet
  items after it, or a bullet run whose items reappear as headings further down the page;
- link-list: a run of bullet items that read like titles (Title Case, no sentence punctuation), the
  "related articles" blocks that pages interleave with the text; breadcrumb and other navigation
  lines ("Home > World", "Skip to content", "Advertisement") are links too and get the same kind;
- call-to-action: a line that turns to the reader (comments, sharing, subscribing) rather than
  telling anything;
- trailing-headlines: short headline-like lines after the last paragraph of the article, with
  nothing but other such lines and blank lines after them.

Blank lines are never junk by themselves; a range runs from a junk line to a junk line and may
contain blank lines between lines of the same kind. The kinds are exactly those the build accepts
(graph/curation.py JUNK_KINDS).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*(?:[-•*·▪►–—]|\d{1,2}[.)])\s+(?P<item>\S.*)$")
TOC_HEADER = re.compile(r"^\s*(?:table of contents|contents|in this article|on this page|jump to(?: section)?)\s*:?\s*$",
                        re.IGNORECASE)
NAVIGATION = re.compile(
    r"^\s*(?:skip to (?:main )?content|advertisement|sponsored(?: content)?|menu|home|search|sign in|log in|"
    r"read more|see also|related(?: articles| posts| stories)?|you may also like|recommended(?: for you)?|"
    r"more from [\w ]+|trending(?: now)?|share this(?: article| story)?|print|email)\s*:?\s*$",
    re.IGNORECASE)
BREADCRUMB = re.compile(r"^\s*\S[^.!?]{0,40}(?:\s(?:>|»|›|/)\s[^.!?]{1,40}){2,}\s*$")
# Turning to the reader: the cue and a reader-facing form (question, "you/your", imperative "us").
CTA_CUE = re.compile(
    r"\b(?:in the comments|comments? below|leave a comment|share (?:your|this|it|them)|let us know|tell us|"
    r"subscribe|sign up|newsletter|follow us|don'?t forget to|explore our|check out our|join the conversation|"
    r"what (?:are|is) your (?:thoughts|opinion|take)|what do you think)\b",
    re.IGNORECASE)
READER = re.compile(r"\?|\byou(?:r)?\b|\bus\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!]\s*[\"'”’)]?\s*$")
WORD = re.compile(r"[A-Za-z][\w'’&-]*")
SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the",
               "to", "vs", "with", "is", "its", "it", "your", "you"}


@dataclass(frozen=True)
class JunkLine:
    line: int       # 1-based
    kind: str
    rule: str       # which rule fired, for reports


@dataclass(frozen=True)
class JunkRange:
    first: int
    last: int
    kind: str

    def as_yaml(self) -> dict:
        return {"lines": [self.first, self.last], "kind": self.kind}


def title_case_ratio(text: str) -> float:
    """Share of the content words that start with a capital letter or a digit."""
    words = [w for w in re.findall(r"[\w'’&-]+", text) if w.lower() not in SMALL_WORDS]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper() or w[0].isdigit()) / len(words)


def is_title_like(text: str, max_words: int = 16) -> bool:
    """Reads like a title or headline: short, Title Case, not ending like a sentence."""
    words = WORD.findall(text)
    return (0 < len(words) <= max_words and not SENTENCE_END.search(text)
            and title_case_ratio(text) >= 0.6)


def _bullet_runs(lines: list[str]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive bullet lines, as 0-based [first, last]."""
    runs, i = [], 0
    while i < len(lines):
        if BULLET.match(lines[i]):
            j = i
            while j + 1 < len(lines) and BULLET.match(lines[j + 1]):
                j += 1
            runs.append((i, j))
            i = j + 1
        else:
            i += 1
    return runs


def _normal(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def detect(text: str) -> list[JunkLine]:
    """Every junk line of the text, with its kind and the rule that found it."""
    lines = text.split("\n")
    found: dict[int, JunkLine] = {}

    def mark(i: int, kind: str, rule: str) -> None:
        found.setdefault(i, JunkLine(i + 1, kind, rule))

    normal_lines = [_normal(line) for line in lines]
    for first, last in _bullet_runs(lines):
        items = [BULLET.match(lines[k]).group("item") for k in range(first, last + 1)]
        header = first - 1
        while header >= 0 and not lines[header].strip():
            header -= 1
        # Contents: the run is announced as such, or most of its items are headings further down.
        later = set(normal_lines[last + 1:])
        repeated = sum(1 for item in items if _normal(item) in later)
        if header >= 0 and TOC_HEADER.match(lines[header]):
            mark(header, "table-of-contents", "contents header")
            for k in range(first, last + 1):
                mark(k, "table-of-contents", "contents item")
        elif repeated >= max(2, (len(items) + 1) // 2):
            for k in range(first, last + 1):
                mark(k, "table-of-contents", "items repeat later headings")
        elif sum(1 for item in items if is_title_like(item)) >= max(1, (2 * len(items) + 2) // 3):
            for k in range(first, last + 1):
                mark(k, "link-list", "run of title-like bullet items")

    for i, line in enumerate(lines):
        if not line.strip() or i in found:
            continue
        if NAVIGATION.match(line) or BREADCRUMB.match(line):
            mark(i, "link-list", "navigation")
        elif CTA_CUE.search(line) and READER.search(line):
            mark(i, "call-to-action", "addresses the reader")

    # Trailing headlines: walk back from the end over blank, junk and headline-like lines.
    tail: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        if i in found:
            break
        if BULLET.match(line) or not (is_title_like(line, 20) or " | " in line and len(WORD.findall(line)) <= 25):
            break
        tail.append(i)
    # A single short last line could be the article's own closing heading-less sentence fragment;
    # a real trailing block is set apart by blank lines or a source name ("… | The Daily Caller").
    if tail and (len(tail) >= 2 or " | " in lines[tail[0]] or not lines[tail[0] - 1].strip()):
        for i in tail:
            mark(i, "trailing-headlines", "headline after the article")
    return [found[i] for i in sorted(found)]


def ranges(text: str, junk: list[JunkLine] | None = None) -> list[JunkRange]:
    """Junk lines merged into ranges: same kind, separated only by blank lines."""
    lines = text.split("\n")
    junk = detect(text) if junk is None else junk
    out: list[JunkRange] = []
    for j in junk:
        if out and out[-1].kind == j.kind and all(not lines[k - 1].strip() for k in range(out[-1].last + 1, j.line)):
            out[-1] = JunkRange(out[-1].first, j.line, j.kind)
        else:
            out.append(JunkRange(j.line, j.line, j.kind))
    return out
