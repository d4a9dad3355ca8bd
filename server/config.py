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
    return cast(raw)


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
    cache_entries: int = field(default_factory=lambda: _env("cache_entries", 1024, int))
    # SERVICE endpoints that queries may call; empty means no outbound request, ever.
    service_allowlist: tuple = field(default_factory=lambda: _env("service_allowlist", (), tuple))

    def replace(self, **changes) -> "ServerConfig":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: v for k, v in changes.items() if v is not None})
        values["build_dir"] = Path(values["build_dir"])
        return ServerConfig(**values)
