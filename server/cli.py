"""`alliance-kg serve`: serve the built dataset under a production WSGI server."""
from __future__ import annotations

import click

from server.config import ServerConfig


@click.command()
@click.option("--host", default=None, help="Interface to listen on [env ALLIANCE_KG_HOST, default 127.0.0.1].")
@click.option("--port", default=None, type=int, help="Port [env ALLIANCE_KG_PORT, default 8000].")
@click.option("--build", "build_dir", default=None, type=click.Path(file_okay=False),
              help="Built dataset directory [env ALLIANCE_KG_BUILD, default build/].")
def serve(host, port, build_dir):
    """Serve the dataset in BUILD (building it first if missing)."""
    import waitress

    from server import create_app

    config = ServerConfig().replace(host=host, port=port, build_dir=build_dir)
    app = create_app(config)
    click.echo(f"alliance-kg serving on http://{config.host}:{config.port}/")
    waitress.serve(app, host=config.host, port=config.port)
