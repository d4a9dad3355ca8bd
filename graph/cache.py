"""The per-document build cache: everything the build makes of one document, kept between builds.

An entry (graph/assemble.py's DocumentPart without its rdflib graph: the direct triples, what the
spanning shapes read, its validation results, its N-Quads, JSON-LD node objects and search rows) is used
only when its key matches: the hash of everything the document's part depends on (its text and
record, its claims and their anchors, the actors, the ontology, the shapes, the base IRI, the build's
own source code and the versions of the libraries that shape its output). Parsing, cleaning and
anchoring still run on every document, so bad input is reported exactly as in a full build; what the
cache saves is assembling, validating and serialising the documents that did not change.
`alliance-kg build --full` neither reads nor trusts it (it rewrites it).
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import pickle
from pathlib import Path

from alliance_kg.graph.assemble import DocumentPart

FORMAT = 2   # bump when an entry's layout changes
LIBRARIES = ("rdflib", "pyshacl", "owlrl", "pyoxigraph")


def code_version() -> str:
    """A hash of the build's own source: a changed rule or writer invalidates every entry."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def plain(value):
    """Curated records as JSON-able data, without where they were written (line numbers move when
    another entry is edited, and only feed error messages, which are recomputed every build)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("origin", "fields")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class DocumentCache:
    def __init__(self, directory: Path, shared: dict, enabled: bool = True):
        """`shared`: what every document depends on (ontology, shapes, actors, base...)."""
        self.directory = Path(directory)
        self.enabled = enabled
        libraries = {name: importlib.metadata.version(name) for name in LIBRARIES}
        self.common = hashlib.sha256(json.dumps({"format": FORMAT, "code": code_version(), "libraries": libraries,
                                                 **plain(shared)}, sort_keys=True).encode()).hexdigest()
        self.hits: set[str] = set()
        self.written: set[str] = set()    # memo entries this build used or wrote (the others are pruned)

    def key(self, source, claims, anchors) -> str:
        data = {"common": self.common, "document": plain(source.record), "sha256": source.sha256,
                "junk": plain(list(source.junk)), "claims": plain(claims), "anchors": plain(anchors)}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def _path(self, doc_id: str) -> Path:
        return self.directory / f"{doc_id}.pickle"

    def lookup(self, doc_id: str, key: str) -> DocumentPart | None:
        if not self.enabled:
            return None
        try:
            with open(self._path(doc_id), "rb") as f:
                part = pickle.load(f)
            if not isinstance(part, DocumentPart) or part.key != key or part.results is None:
                return None
        except Exception:   # no entry, or a damaged one: the cache may cost a rebuild, never a build
            return None
        self.hits.add(doc_id)
        return part

    def store(self, part: DocumentPart) -> None:
        """Write a finished part (serialised, graph dropped) that passed the document-local shapes without
        any result. A part with results is validated again next time: a result carries blank nodes of
        this build's parse of the shapes (its source shape), which a later build's results would not
        share, so its report would not be the one a full build writes."""
        if part.doc_id in self.hits or part.results is None or part.results:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(part.doc_id)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump(dataclasses.replace(part, graph=None), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)       # a reader never sees half an entry

    # -- what spans documents but rarely changes (the actors' shapes' report, the ontology's closure,
    # the serialised actors and inferred graphs): kept by the hash of everything it is computed from.
    def _memo_path(self, key) -> Path:
        digest = hashlib.sha256(json.dumps([self.common, plain(key)]).encode()).hexdigest()
        return self.directory / "memo" / f"{digest}.pickle"

    def get(self, key):
        if not self.enabled:
            return None
        try:
            path = self._memo_path(key)
            with open(path, "rb") as f:
                value = pickle.load(f)
            self.written.add(path.name)
            return value
        except Exception:   # missing or damaged: computed again
            return None

    def keep(self, key) -> None:
        """Keep an entry this build did not read (the next build may), so that pruning spares it."""
        self.written.add(self._memo_path(key).name)

    def put(self, key, value) -> None:
        path = self._memo_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        self.written.add(path.name)

    def prune(self, doc_ids) -> None:
        """Drop the entries of documents no longer in the corpus."""
        if not self.directory.is_dir():
            return
        keep = set(doc_ids)
        for path in self.directory.glob("*.pickle"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
        for path in (self.directory / "memo").glob("*.pickle"):
            if path.name not in self.written:
                path.unlink(missing_ok=True)
