"""Round-trip YAML for the curated files: edits keep the curators' comments, order and layout.

Writes are atomic (a temporary file in the same folder, then os.replace), so a crash or a full disk
never leaves a half-written curated file behind.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq


def round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # The curated files indent lists under their key by two spaces ("documents:\n  - id: ...").
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096          # never fold a long quote onto several lines
    return yaml


def load(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return round_trip().load(f)


def dumps(data: Any) -> str:
    out = io.StringIO()
    round_trip().dump(data, out)
    return out.getvalue()


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace path's content all at once: readers see the old file or the new one, never a mix."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def dump_atomic(path: Path, data: Any) -> None:
    write_atomic(path, dumps(data))


def flow_map(**items: Any) -> CommentedMap:
    """A mapping written on one line, as the curated files write junk ranges and times."""
    m = CommentedMap(items)
    m.fa.set_flow_style()
    return m


def flow_seq(items) -> CommentedSeq:
    s = CommentedSeq(items)
    s.fa.set_flow_style()
    return s
