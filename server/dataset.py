"""The published dataset as the server sees it: one immutable version directory (graph/release.py).

`alliance-kg build` writes `manifest.json` beside the data files; its `version` (a digest of the
dataset) keys caches and ETags, so a new build invalidates every cached answer and page.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from alliance_kg.graph import release
from alliance_kg.graph.store import STORE_DIR


class DatasetMissing(FileNotFoundError):
    pass


@dataclass(frozen=True)
class PublishedFile:
    name: str
    media_type: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class PublishedDataset:
    directory: Path
    version: str
    base: str
    files: tuple[PublishedFile, ...]
    graphs: dict            # graph IRI -> triple count
    manifest: dict

    @classmethod
    def open(cls, directory: Path) -> "PublishedDataset":
        """The version a build directory publishes (its `current` one), or a version's own directory."""
        directory = release.current(Path(directory)) or Path(directory)
        manifest_path = directory / "manifest.json"
        if not manifest_path.is_file():
            raise DatasetMissing(f"no built dataset in {directory} (run `alliance-kg build`)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = tuple(PublishedFile(**{k: f[k] for k in ("name", "media_type", "bytes", "sha256")})
                      for f in manifest["files"])
        return cls(directory, manifest["version"], manifest["base"], files, manifest["graphs"], manifest)

    @property
    def nquads(self) -> Path:
        return self.directory / "dataset.nq"

    @property
    def store(self) -> Path | None:
        """The version's query store (graph/store.py), when its build wrote one."""
        path = self.directory / STORE_DIR
        return path if path.is_dir() else None

    def path(self, name: str) -> Path:
        return self.directory / name
