"""Read the source documents exactly as stored and mark the parts that are web junk.

The text is never modified: evidence offsets are counted in Unicode code points of the stored file,
so the file's SHA-256 is checked against the curated one before anything is anchored to it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from alliance_kg.graph.curation import CurationError, DocumentRecord


@dataclass(frozen=True)
class Segment:
    start: int      # code point offset, inclusive
    end: int        # code point offset, exclusive
    kind: str


@dataclass(frozen=True)
class SourceText:
    record: DocumentRecord
    path: Path
    text: str
    sha256: str
    junk: tuple[Segment, ...]

    def junk_at(self, start: int, end: int) -> Segment | None:
        """The junk segment that [start, end) overlaps, if any."""
        return next((s for s in self.junk if start < s.end and s.start < end), None)


def line_offsets(text: str) -> list[int]:
    """Code point offset at which each line starts (index 0 is line 1)."""
    offsets = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            offsets.append(i + 1)
    return offsets


def _error(record: DocumentRecord, documents_file: Path, key: str, message: str, junk: int | None = None):
    """An error at the curated key's own line (documents[i].sha256), or the record's if built by hand."""
    if record.fields is None:
        return CurationError(documents_file, record.origin.line, f"document {record.id}.{key}", message)
    fields = record.fields if junk is None else record.fields.sub("junk", junk)
    return fields.error(key, message)


def read_source(record: DocumentRecord, documents_dir: Path, documents_file: Path) -> SourceText:
    path = documents_dir / record.file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _error(record, documents_file, "file", f"source file {path} not found") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != record.sha256:
        raise _error(record, documents_file, "sha256",
                     f"{path.name} has SHA-256 {digest}, not the curated {record.sha256}: the "
                     "document changed, so its evidence offsets can no longer be trusted")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _error(record, documents_file, "file", f"{path.name} is not valid UTF-8: {e}") from None
    starts = line_offsets(text)
    segments = []
    for j, junk in enumerate(record.junk):
        if junk.last_line > len(starts):
            raise _error(record, documents_file, "lines",
                         f"line {junk.last_line} is past the end of {path.name} ({len(starts)} lines)", junk=j)
        start = starts[junk.first_line - 1]
        end = starts[junk.last_line] - 1 if junk.last_line < len(starts) else len(text)
        segments.append(Segment(start, end, junk.kind))
    return SourceText(record, path, text, digest, tuple(segments))
