"""The application factory, and what every view needs: the site and the dataset version it serves.

A request sees one immutable `Snapshot` (a published dataset version, its IRIs and its engine),
pinned on first use for the whole request, so that a new build swapped in mid-request can never mix
two versions in one response. Query workers never import this module (nor Flask).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, has_request_context

from alliance_kg.graph.iris import Iris
from alliance_kg.server import http
from alliance_kg.server.cache import AnswerCache
from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import PublishedDataset
from alliance_kg.server.engine import QueryEngine, create_engine


@dataclass(frozen=True)
class Snapshot:
    """One dataset version and everything derived from it; replaced whole, never changed."""

    dataset: PublishedDataset
    iris: Iris
    engine: QueryEngine

    @classmethod
    def open(cls, config: ServerConfig, directory: Path) -> "Snapshot":
        dataset = PublishedDataset.open(directory)
        return cls(dataset=dataset, iris=Iris(dataset.base), engine=create_engine(config, dataset))

    @property
    def version(self) -> str:
        return self.dataset.version


class Site:
    """The running site: its settings, its answer cache and the snapshot it currently serves."""

    def __init__(self, config: ServerConfig, snapshot: Snapshot):
        self.config = config
        self.answers = AnswerCache(config.cache_entries)   # keys carry the dataset version
        self._current = snapshot
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The snapshot of this request (pinned on first use), or the current one outside a request."""
        if not has_request_context():
            return self._current
        pinned = g.get("alliance_kg_snapshot")
        if pinned is None:
            pinned = g.alliance_kg_snapshot = self._current
        return pinned

    def swap(self, snapshot: Snapshot) -> Snapshot:
        """Serve `snapshot` from now on; returns the one it replaces (the caller retires it)."""
        with self._lock:
            old, self._current = self._current, snapshot
        return old

    # What views read, always from the request's snapshot.
    @property
    def dataset(self) -> PublishedDataset:
        return self.snapshot().dataset

    @property
    def iris(self) -> Iris:
        return self.snapshot().iris

    @property
    def engine(self) -> QueryEngine:
        return self.snapshot().engine

    def close(self) -> None:
        self._current.engine.close()


def site() -> Site:
    return current_app.extensions["alliance_kg"]


def create_app(config: ServerConfig | None = None) -> Flask:
    from alliance_kg.server.views import register_views

    config = config or ServerConfig()
    build_dir = Path(config.build_dir).resolve()
    # Flask cannot guess an instance folder for a package installed under a mapped directory; this
    # application keeps no instance files, so name one beside the build.
    # Static files are served by server/assets.py (content-hashed names, long caching), not by Flask.
    app = Flask(__name__, instance_path=str(build_dir.parent / "instance"), static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["alliance_kg"] = Site(config, Snapshot.open(config, build_dir))
    http.install(app)
    register_views(app)
    return app
