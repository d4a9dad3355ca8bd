"""`alliance-kg serve`: serve the built dataset under a production WSGI server (waitress)."""
from __future__ import annotations

import sys

import click

from server.config import ServerConfig


@click.command()
@click.option("--host", default=None, help="Interface to listen on [env ALLIANCE_KG_HOST; default 127.0.0.1].")
@click.option("--port", default=None, type=int, help="Port [env ALLIANCE_KG_PORT; default 8000].")
@click.option("--build", "build_dir", default=None, type=click.Path(file_okay=False),
              help="Built dataset directory, built first if missing [env ALLIANCE_KG_BUILD; default build/].")
@click.option("--timeout", default=None, type=float,
              help="Seconds a query may run before it is stopped (503) [env ALLIANCE_KG_TIMEOUT; default 10].")
@click.option("--max-rows", default=None, type=int,
              help="Result rows per answer; more is cut and signalled by X-SPARQL-Truncated "
                   "[env ALLIANCE_KG_MAX_ROWS; default 10000].")
@click.option("--workers", default=None, type=int,
              help="Query processes (concurrent queries) [env ALLIANCE_KG_WORKERS; default 2].")
@click.option("--threads", default=None, type=int, help="HTTP threads [env ALLIANCE_KG_THREADS; default 16].")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="A SERVICE endpoint queries may call (repeatable; none by default) "
                   "[env ALLIANCE_KG_SERVICE_ALLOWLIST, comma-separated].")
def serve(host, port, build_dir, timeout, max_rows, workers, threads, allow_service):
    """Serve the dataset over HTTP: SPARQL endpoint, linked data and pages.

    Nothing is fetched from the network unless allow-listed with --allow-service
    (for example https://query.wikidata.org/sparql).
    """
    import waitress

    from server import create_app

    config = ServerConfig().replace(host=host, port=port, build_dir=build_dir, timeout=timeout,
                                    max_rows=max_rows, workers=workers, threads=threads,
                                    service_allowlist=tuple(allow_service) or None)
    if not (config.build_dir / "manifest.json").is_file():
        from dataclasses import replace

        from graph.config import BuildConfig
        from graph.pipeline import BuildError, build

        click.echo(f"no dataset in {config.build_dir}: building it first")
        try:
            build(replace(BuildConfig(), build_dir=config.build_dir.resolve()))
        except BuildError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
    app = create_app(config)
    click.echo(f"alliance-kg serving {config.build_dir} on http://{config.host}:{config.port}/ "
               f"(SPARQL: http://{config.host}:{config.port}/sparql)")
    try:
        waitress.serve(app, host=config.host, port=config.port, threads=config.threads,
                       # the query pool bounds concurrency; keep the connection backlog modest too
                       backlog=256, connection_limit=max(100, config.threads * 8), ident="alliance-kg")
    finally:
        app.extensions["alliance_kg"].engine.close()
