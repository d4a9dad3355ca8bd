"""Register a new source document: copy it byte for byte, hash it, find its junk, record it.

`add_document` is what `alliance-kg add PATH` runs. It refuses what the build could not use later:
a file that is not UTF-8 text, a document already in the corpus (same SHA-256), an id that is taken
or malformed. The entry is appended to documents.yaml with a round-trip YAML library, so the
curators' comments and layout stay as they were.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from alliance_kg.graph.curation import JUNK_KINDS
from alliance_kg.graph.ingest import junk as junk_rules
from alliance_kg.graph.ingest import yamlio
from alliance_kg.graph.iris import NAME_PATTERN

# Seed ids are a three-digit sequence number and 16 hex digits: NNN_xxxxxxxxxxxxxxxx. The seeds'
# hex digits came with their collection; new documents take the first 16 hex digits of their own
# SHA-256, so an id can be recomputed from the file.
ID_PATTERN = re.compile(r"^(\d{3,})_[0-9a-f]{16}$")
MAX_TITLE_WORDS = 30


class AddError(Exception):
    """A document that cannot be added; the message says why and what to do."""


@dataclass
class Added:
    id: str
    file: Path
    sha256: str
    title: str
    junk: list[junk_rules.JunkRange]


def read_text(path: Path) -> tuple[bytes, str]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise AddError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AddError(f"{path}: is a directory, not a text file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise AddError(f"{path}: not UTF-8 text (byte {e.start}, line {line}: {e.reason}); convert it to "
                       "UTF-8 first, e.g. iconv -f LATIN1 -t UTF-8") from None
    if "\x00" in text:
        raise AddError(f"{path}: contains NUL bytes, so it is binary, not a text document")
    if not text.strip():
        raise AddError(f"{path}: is empty")
    return raw, text


def guess_title(text: str, junk_lines: set[int]) -> str | None:
    """The first non-blank line that is not junk, when it is short enough to be a title."""
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        if number in junk_lines:
            return None
        words = line.split()
        return line.strip() if len(words) <= MAX_TITLE_WORDS else None
    return None


def next_id(existing: list[str], sha256: str) -> str:
    numbers = [int(m.group(1)) for m in (ID_PATTERN.match(i) for i in existing) if m]
    return f"{(max(numbers) + 1) if numbers else 0:03d}_{sha256[:16]}"


def add_document(path: Path, seeds_dir: Path, documents_file: Path, doc_id: str | None = None,
                 title: str | None = None) -> Added:
    raw, text = read_text(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    data = yamlio.load(documents_file)
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise AddError(f"{documents_file}: expected a top-level 'documents:' list")
    documents = data["documents"]
    for entry in documents:
        if str(entry.get("sha256", "")).lower() == sha256:
            raise AddError(f"{path}: already in the corpus as document {entry.get('id')} "
                           f"({entry.get('file')}, same SHA-256 {sha256})")
    ids = [str(entry.get("id")) for entry in documents]
    if doc_id is None:
        doc_id = next_id(ids, sha256)
    elif not NAME_PATTERN.match(doc_id):
        raise AddError(f"--id {doc_id!r} is not a valid name ({NAME_PATTERN.pattern})")
    if doc_id in ids:
        raise AddError(f"--id {doc_id!r} is already taken in {documents_file}")
    target = Path(seeds_dir) / f"{doc_id}.txt"
    if target.exists():
        raise AddError(f"{target} already exists; choose another --id")

    found = junk_rules.detect(text)
    junk = junk_rules.ranges(text, found)
    assert all(r.kind in JUNK_KINDS for r in junk), "junk rules must use the build's kinds"
    if title is None:
        title = guess_title(text, {j.line for j in found}) or Path(path).stem
    title = title.strip()
    if not title:
        raise AddError("--title must not be empty")

    entry = yamlio.CommentedMap()
    entry["id"] = doc_id
    entry["file"] = target.name
    entry["sha256"] = sha256
    entry["title"] = DoubleQuotedScalarString(title)
    entry["language"] = "en"
    if junk:
        entry["junk"] = yamlio.CommentedSeq(
            [yamlio.flow_map(lines=yamlio.flow_seq([r.first, r.last]), kind=r.kind) for r in junk])
    documents.append(entry)
    new_yaml = yamlio.dumps(data)

    # The copy first (exclusive create: never overwrite), then the entry; undo the copy if the
    # entry cannot be written, so the corpus never holds a document it does not list.
    Path(seeds_dir).mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as f:
        f.write(raw)
    try:
        yamlio.write_atomic(documents_file, new_yaml)
    except BaseException:
        target.unlink()
        raise
    return Added(doc_id, target, sha256, title, junk)
