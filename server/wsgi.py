"""Run the application under a production WSGI server (waitress: pure Python, no fork, so the query
pool owns the only child processes)."""
from __future__ import annotations

from typing import Callable

from alliance_kg.graph.corpus import Corpus
from alliance_kg.server.config import ServerConfig


def serve(config: ServerConfig, announce: Callable[[str], None] = print, curate: Corpus | None = None) -> None:
    import waitress

    from alliance_kg.server.app import create_app

    app = create_app(config, curate=curate)
    if curate is not None:
        announce(f"review page (writes to {curate.root}): http://{config.host}:{config.port}/curate/")
    announce(f"alliance-kg serving {config.build_dir} on http://{config.host}:{config.port}/ "
             f"(SPARQL: http://{config.host}:{config.port}/sparql)")
    try:
        waitress.serve(app, host=config.host, port=config.port, threads=config.threads,
                       # the query pool bounds concurrency; keep the connection backlog modest too
                       backlog=256, connection_limit=max(100, config.threads * 8), ident="alliance-kg")
    finally:
        app.extensions["alliance_kg"].close()
