"""The application factory, and what every view needs: the site and the dataset version it serves.

A request sees one immutable `Snapshot` (a published dataset version, its IRIs and its engine, whose
query workers all load that version), pinned when the request starts and counted until it ends, so
that a new build swapped in mid-request can never mix two versions in one response. A background
thread watches the build directory's `current` pointer (graph/release.py) and SIGHUP wakes it
(server/wsgi.py): the new snapshot is opened completely, workers ready, before it is swapped in; the
old one retires when its last request ends. Query workers never import this module (nor Flask).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app, g, has_request_context

from alliance_kg.graph import release
from alliance_kg.graph.corpus import Corpus
from alliance_kg.graph.iris import Iris
from alliance_kg.server import http
from alliance_kg.server.cache import ByteCache
from alliance_kg.server.config import ServerConfig
from alliance_kg.server.dataset import DatasetMissing, PublishedDataset
from alliance_kg.server.engine import QueryEngine, create_engine

log = logging.getLogger("alliance_kg.server")


class Snapshot:
    """One dataset version and everything derived from it; replaced whole, never changed.

    Counted: the site holds one reference while the snapshot is current, each request one while it
    runs. The last to let go closes the engine (its query workers) and releases the lease on the
    version's directory, so a build may then prune it."""

    def __init__(self, dataset: PublishedDataset, engine: QueryEngine, lease: release.Lease | None = None):
        self.dataset = dataset
        self.iris = Iris(dataset.base)
        self.engine = engine
        self.lease = lease
        manifest = dataset.directory / "manifest.json"
        # Read once: the version's files never change, and Last-Modified must not move within a version.
        self.modified = datetime.fromtimestamp(int(manifest.stat().st_mtime), tz=timezone.utc)
        self._users = 1
        self._lock = threading.Lock()
        self.closed = threading.Event()

    @classmethod
    def open(cls, config: ServerConfig, directory: Path) -> "Snapshot":
        """The version published in `directory` (a build directory), leased and with its engine running."""
        version_dir = release.current(directory)
        if version_dir is None:
            raise DatasetMissing(f"no built dataset in {directory} (run `alliance-kg build`)")
        lease = release.Lease(version_dir)
        try:
            dataset = PublishedDataset.open(version_dir)
            return cls(dataset, create_engine(config, dataset), lease)
        except BaseException:
            lease.release()
            raise

    @property
    def version(self) -> str:
        return self.dataset.version

    def acquire(self) -> bool:
        with self._lock:
            if self._users == 0:
                return False
            self._users += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            last = self._users == 0
        if last:
            # Off the request's thread: stopping worker processes must not delay anyone's response.
            threading.Thread(target=self._close, name=f"retire-{self.version}", daemon=True).start()

    def _close(self) -> None:
        try:
            self.engine.close()
        finally:
            if self.lease is not None:
                self.lease.release()
            self.closed.set()


class Site:
    """The running site: its settings, its caches and the snapshot it currently serves."""

    def __init__(self, config: ServerConfig, snapshot: Snapshot):
        self.config = config
        # Keys carry the dataset version, so entries of a retired version are never served: they age out.
        self.answers = ByteCache(config.cache_bytes, config.cache_max_entry_bytes)
        self.pages = ByteCache(config.page_cache_bytes, config.page_max_entry_bytes)
        self._current = snapshot
        self._lock = threading.Lock()
        self._reloading = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.reloads = 0
        # Work a version's pages need before they can answer (the facet table): done for a new version
        # before it goes live, so the first request after a reload pays none of it.
        self.warmers: list[Callable[[Snapshot], None]] = []

    # -- the snapshot of a request ---------------------------------------------------------------
    def pin(self) -> Snapshot:
        """Pin the current snapshot to this request (counted until `unpin`)."""
        pinned = g.get("alliance_kg_snapshot")
        if pinned is None:
            with self._lock:
                pinned = self._current
                # The site's own reference keeps the current snapshot alive: this fails only once closed.
                if not pinned.acquire():
                    raise RuntimeError("the site is closed")
            g.alliance_kg_snapshot = pinned
        return pinned

    def unpin(self) -> None:
        pinned = g.pop("alliance_kg_snapshot", None)
        if pinned is not None:
            pinned.release()

    def snapshot(self) -> Snapshot:
        """The snapshot of this request (pinned on first use), or the current one outside a request."""
        if not has_request_context():
            return self._current
        return self.pin()

    def swap(self, snapshot: Snapshot) -> Snapshot:
        """Serve `snapshot` from now on; returns the one it replaces, which retires itself when the
        last request that uses it ends."""
        with self._lock:
            old, self._current = self._current, snapshot
        old.release()
        return old

    # -- noticing a new build --------------------------------------------------------------------
    def reload(self) -> bool:
        """Open the published version if it is not the one served, fully (engine and workers ready),
        then swap it in. True when a new version went live."""
        with self._reloading:       # the watcher and a caller (a test, an operator's tool) never race
            return self._reload()

    def _reload(self) -> bool:
        target = release.current(self.config.build_dir)
        if target is None or target == self._current.dataset.directory:
            return False
        fresh = Snapshot.open(self.config, self.config.build_dir)
        if fresh.dataset.directory == self._current.dataset.directory:
            fresh.release()
            return False
        try:
            fresh.engine.ready()    # swapped in with its query workers loaded: no request waits for them
            self.warm(fresh)        # and its derived tables (Site.warmers) prepared
        except BaseException:
            fresh.release()
            raise
        self.swap(fresh)
        self.reloads += 1
        log.info("now serving dataset version %s", fresh.version)
        return True

    def warm(self, snapshot: Snapshot) -> None:
        for warmer in self.warmers:
            try:
                warmer(snapshot)
            except Exception:     # a page will try again, and answer its own error if it must
                log.exception("could not prepare dataset version %s ahead of its requests", snapshot.version)

    def request_reload(self) -> None:
        """Ask the watcher to look now (safe from a signal handler: it only sets an event)."""
        self._wake.set()

    def watch(self, interval: float) -> None:
        """Poll the build directory's pointer every `interval` seconds (0: only when asked, e.g. on
        SIGHUP), in a background thread."""
        def loop():
            failed_for = None
            while not self._stop.is_set():
                woken = self._wake.wait(interval if interval > 0 else None)
                self._wake.clear()
                if self._stop.is_set():
                    return
                target = release.current(self.config.build_dir)
                if target == failed_for and not woken:
                    continue   # a version that failed to open is retried on SIGHUP or once it changes
                try:
                    self.reload()
                    failed_for = None
                except Exception:
                    failed_for = target
                    log.exception("could not open the new build in %s; still serving %s",
                                  self.config.build_dir, self._current.version)
        self._watcher = threading.Thread(target=loop, name="alliance-kg-reload", daemon=True)
        self._watcher.start()

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
        self._stop.set()
        self._wake.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            current = self._current
        current.release()
        current.closed.wait(timeout=10)


def site() -> Site:
    return current_app.extensions["alliance_kg"]


def create_app(config: ServerConfig | None = None, curate: Corpus | None = None) -> Flask:
    """The application; with `curate` (a corpus), also the review page that writes to it."""
    from alliance_kg.server.views import register_views

    config = config or ServerConfig()
    build_dir = Path(config.build_dir).resolve()
    # Flask cannot guess an instance folder for a package installed under a mapped directory; this
    # application keeps no instance files, so name one beside the build.
    # Static files are served by server/assets.py (content-hashed names, long caching), not by Flask.
    app = Flask(__name__, instance_path=str(build_dir.parent / "instance"), static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    the_site = app.extensions["alliance_kg"] = Site(config, Snapshot.open(config, build_dir))

    @app.before_request
    def pin_snapshot():
        # Every request, whatever it reads, sees one version from its first line to its last.
        the_site.pin()

    @app.after_request
    def name_the_version(response):
        response.headers["X-Dataset-Version"] = the_site.snapshot().version
        return response

    @app.teardown_request
    def unpin_snapshot(_error):
        the_site.unpin()

    http.install(app)
    register_views(app)
    from alliance_kg.server import finding, network

    the_site.warmers.append(finding.warm)
    the_site.warmers.append(lambda snapshot: network.warm(app, snapshot))

    def prepare() -> None:
        # The first version is prepared beside the first requests (which wait for it only if they need
        # it), and the page templates compiled once, as a reload finds them.
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)
        the_site.warm(the_site.snapshot())

    threading.Thread(target=prepare, name="alliance-kg-warm", daemon=True).start()
    the_site.watch(config.reload_interval)
    if curate is not None:
        from alliance_kg.server.views import curate as curate_views

        curate_views.register(app, curate)
    return app
