"""Shared queries: short, stable links (/q/<id>) to a query's text, kept as files, no database server.

A query is stored under the hash of its normalized text, in a directory of its own outside the
versioned build (`shared_queries` in server/config.py; build/shared-queries by default), so a link
outlives every rebuild and reload:

    <dir>/<id[:2]>/<id>.rq      the normalized text, UTF-8

The id is the first 12 characters of the base32 SHA-256 of that text (60 bits): the same query always
gets the same link, and the link says nothing but which text it is. A file is written once and never
replaced: written beside its name and then hard-linked into place (link(2) fails if the name exists),
so two requests storing the same query at once both succeed and neither can change what a published
link holds. Abuse is bounded by the settings in server/config.py: the query length (max_query_length),
the number of files and total bytes the store may hold, and how many new queries one client address
may store per minute. The tour's example queries have links of the same form without being stored:
they are looked up in the dataset version's queries.json first.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from pathlib import Path

ID_LENGTH = 12
ID_PATTERN = re.compile(rf"^[a-z2-7]{{{ID_LENGTH}}}$")
SUFFIX = ".rq"


def normalize(text: str) -> str:
    """The text that is hashed and kept: Unicode NFC, line ends as LF, no trailing blanks on a line,
    no blank lines before or after. Nothing inside a line changes, so the query means the same."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


def query_id(text: str) -> str:
    """The short id of a (normalized) query text."""
    digest = hashlib.sha256(normalize(text).encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:ID_LENGTH]


class Refused(Exception):
    """A query the store will not keep: `status` is the HTTP status that says why (400, 413, 429, 507)."""

    def __init__(self, status: int, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.status, self.detail, self.retry_after = status, detail, retry_after


class Conflict(Exception):
    """Another text already holds this id (a 60-bit collision): nothing is replaced."""


class SharedQueries:
    """The store of one server; safe for its threads (and for several servers sharing the directory)."""

    def __init__(self, directory: Path, max_files: int, max_bytes: int, per_minute: int):
        self.directory = Path(directory)
        self.max_files, self.max_bytes, self.per_minute = max_files, max_bytes, per_minute
        self._lock = threading.Lock()
        self._usage: tuple[int, int] | None = None         # (files, bytes), counted once, then kept up to date
        self._recent: OrderedDict[str, list[float]] = OrderedDict()   # client -> times of its recent stores

    def path(self, qid: str) -> Path:
        if not ID_PATTERN.match(qid):
            raise ValueError(f"{qid!r} is not a shared query id")
        return self.directory / qid[:2] / (qid + SUFFIX)

    def get(self, qid: str) -> str | None:
        try:
            return self.path(qid).read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None

    def _count(self) -> tuple[int, int]:
        files = size = 0
        if self.directory.is_dir():
            for sub in os.scandir(self.directory):
                if sub.is_dir(follow_symlinks=False) and len(sub.name) == 2:
                    for entry in os.scandir(sub.path):
                        if entry.name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False):
                            files, size = files + 1, size + entry.stat().st_size
        return files, size

    def _admit(self, client: str) -> None:
        """One more store for this client within the minute, or Refused(429)."""
        now = time.monotonic()
        times = [t for t in self._recent.pop(client, []) if now - t < 60]
        if len(times) >= self.per_minute:
            self._recent[client] = times
            raise Refused(429, f"at most {self.per_minute} new shared queries a minute from one address",
                          retry_after=int(60 - (now - times[0])) + 1)
        self._recent[client] = times + [now]
        while len(self._recent) > 10_000:        # the table of clients is bounded too
            self._recent.popitem(last=False)

    def put(self, text: str, client: str) -> tuple[str, bool]:
        """Keep a query; its id, and whether it was new. Raises Refused, or Conflict on a collision."""
        normal = normalize(text)
        qid = query_id(normal)
        data = normal.encode("utf-8")
        target = self.path(qid)
        existing = self.get(qid)
        if existing is not None:
            if existing != normal:
                raise Conflict(qid)
            return qid, False
        with self._lock:
            self._admit(client)
            if self._usage is None:
                self._usage = self._count()
            files, size = self._usage
            if files + 1 > self.max_files or size + len(data) > self.max_bytes:
                raise Refused(507, "the shared-query store is full; the query can still be run or linked in full")
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.parent / f".{qid}.{os.getpid()}.{threading.get_ident()}.tmp"
            try:
                temporary.write_bytes(data)
                try:
                    os.link(temporary, target)      # fails if the name exists: never replaced
                except FileExistsError:
                    if self.get(qid) != normal:
                        raise Conflict(qid) from None
                    return qid, False
            finally:
                temporary.unlink(missing_ok=True)
            self._usage = (files + 1, size + len(data))
        return qid, True
