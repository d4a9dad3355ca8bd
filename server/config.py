"""Server settings: the one place for defaults, limits and their environment variables.

Every setting has a flag on `alliance-kg serve` and an environment variable ALLIANCE_KG_<NAME>.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from alliance_kg.graph.config import DEFAULT_BASE
from alliance_kg.graph.corpus import Corpus, CorpusMissing


def _env(name: str, default, cast=str):
    raw = os.environ.get(f"ALLIANCE_KG_{name.upper()}")
    if raw is None or raw == "":
        return default
    if cast is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if cast is tuple:
        return tuple(x.strip() for x in raw.split(",") if x.strip())
    try:
        return cast(raw)
    except ValueError:
        kind = {int: "an integer", float: "a number"}.get(cast, cast.__name__)
        raise ValueError(f"ALLIANCE_KG_{name.upper()} must be {kind}, not {raw!r}") from None


def _default_build_dir() -> Path:
    try:
        return Corpus.default().build_dir
    except CorpusMissing:
        return Path("build").resolve()


@dataclass(frozen=True)
class ServerConfig:
    build_dir: Path = field(default_factory=lambda: Path(_env("build", None) or _default_build_dir()))
    base: str = field(default_factory=lambda: _env("base", DEFAULT_BASE))
    host: str = field(default_factory=lambda: _env("host", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env("port", 8000, int))
    # --- limits: everything that protects the server from a query lives here -----------------
    timeout: float = field(default_factory=lambda: _env("timeout", 10.0, float))        # seconds per query
    max_rows: int = field(default_factory=lambda: _env("max_rows", 10_000, int))        # result rows, signalled
    max_query_length: int = field(default_factory=lambda: _env("max_query_length", 20_000, int))  # characters
    max_search_length: int = field(default_factory=lambda: _env("max_search_length", 1000, int))  # characters of q
    max_body_bytes: int = field(default_factory=lambda: _env("max_body_bytes", 64 * 1024, int))
    workers: int = field(default_factory=lambda: _env("workers", 2, int))               # query processes
    max_waiting: int = field(default_factory=lambda: _env("max_waiting", 8, int))       # queued before 503
    threads: int = field(default_factory=lambda: _env("threads", 16, int))              # WSGI threads
    # Items per list on an entity page (its claims as subject, as object, its inferred facts, its pairs);
    # the rest are a page away, so a page's size follows from this, not from how much the corpus says.
    entity_page_size: int = field(default_factory=lambda: _env("entity_page_size", 25, int))
    # Claims per JSON-LD download or evidence pack (/claims.jsonld, /claims.zip, /pair/A/B/evidence.zip):
    # each is compacted through rdflib, about 3 s per 1,000 claims on this project's 2-core machines, so
    # a selection of the whole corpus would hold a web thread for minutes. CSV and JSON pages have no bound.
    max_pack_claims: int = field(default_factory=lambda: _env("max_pack_claims", 1000, int))
    # Actors the home page's overview picture draws (the most connected): a picture of thousands is
    # unreadable, and laying it out grows with the square of the actors (server/network/layout.py).
    overview_max_actors: int = field(default_factory=lambda: _env("overview_max_actors", 100, int))
    # Triples a query may touch, bounded before it runs (server/engine/bounded.py), to be evaluated in
    # the web server's own process instead of a worker; 0 sends every query to a worker.
    inline_max_cost: int = field(default_factory=lambda: _env("inline_max_cost", 100_000, int))
    # --- memory: caches are bounded in bytes (an answer or file over the entry limit is not kept) ---
    cache_bytes: int = field(default_factory=lambda: _env("cache_bytes", 32 * 1024 * 1024, int))        # SPARQL answers
    page_cache_bytes: int = field(default_factory=lambda: _env("page_cache_bytes", 32 * 1024 * 1024, int))  # gzipped files
    cache_max_entry_bytes: int = field(default_factory=lambda: _env("cache_max_entry_bytes", 1024 * 1024, int))
    page_max_entry_bytes: int = field(default_factory=lambda: _env("page_max_entry_bytes", 8 * 1024 * 1024, int))
    # --- shared queries (/q/<id>): files in a directory outside the versioned build, bounded ---------
    # empty: <build_dir>/shared-queries (beside versions/, so every rebuild keeps them)
    shared_queries: str = field(default_factory=lambda: _env("shared_queries", ""))
    shared_queries_max_files: int = field(default_factory=lambda: _env("shared_queries_max_files", 100_000, int))
    shared_queries_max_bytes: int = field(default_factory=lambda: _env("shared_queries_max_bytes", 64 * 1024 * 1024, int))
    shared_queries_per_minute: int = field(default_factory=lambda: _env("shared_queries_per_minute", 20, int))  # per address
    # Quads each process keeps in the in-memory merges of requested default graphs (several
    # default-graph-uri or FROM); the service's own default graphs are merged in the store instead.
    merge_budget_quads: int = field(default_factory=lambda: _env("merge_budget_quads", 200_000, int))
    # --- reloading: seconds between looks at the build's `current` pointer (0: only on SIGHUP) ---
    reload_interval: float = field(default_factory=lambda: _env("reload_interval", 1.0, float))
    # A remote SPARQL 1.1 query endpoint holding the pushed dataset (`serve --store`); empty: embedded.
    store: str = field(default_factory=lambda: _env("store", ""))
    store_auth: str = field(default_factory=lambda: _env("store_auth", ""))              # user:password
    # Bytes read from the store per answer; the row cap usually stops reading long before.
    store_max_bytes: int = field(default_factory=lambda: _env("store_max_bytes", 64 * 1024 * 1024, int))
    # SERVICE endpoints that queries may call; empty means no outbound request, ever.
    service_allowlist: tuple = field(default_factory=lambda: _env("service_allowlist", (), tuple))

    def __post_init__(self):
        # Checked here, not only by the CLI: ALLIANCE_KG_PORT=99999 must not listen somewhere else.
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is not a TCP port (0-65535; 0 picks a free one)")
        if self.workers < 1 or self.threads < 1:
            raise ValueError("workers and threads must each be at least 1")
        if self.entity_page_size < 1 or self.overview_max_actors < 1:
            raise ValueError("entity_page_size and overview_max_actors must each be at least 1")
        if self.max_pack_claims < 0:
            raise ValueError("max_pack_claims must be 0 (no JSON-LD downloads or evidence packs) or more")

    @property
    def shared_queries_dir(self) -> Path:
        return Path(self.shared_queries) if self.shared_queries else Path(self.build_dir) / "shared-queries"

    def replace(self, **changes) -> "ServerConfig":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: v for k, v in changes.items() if v is not None})
        values["build_dir"] = Path(values["build_dir"])
        return ServerConfig(**values)
