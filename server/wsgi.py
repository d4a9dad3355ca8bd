"""Run the application under a production WSGI server (waitress: pure Python, no fork, so the query
pool owns the only child processes). SIGHUP makes the server look for a new build at once."""
from __future__ import annotations

import errno
import signal
import socket
import threading
from typing import Callable

from alliance_kg.graph.corpus import Corpus
from alliance_kg.server.config import ServerConfig


class CannotServe(Exception):
    """The server cannot start (the port is taken, the address is not ours…): one line says why."""


def _check_address(host: str, port: int) -> None:
    """Fail before anything starts when the address cannot be listened on (a second check comes with
    the real bind: another program may take the port in between)."""
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise CannotServe(f"cannot listen on {host}: {e.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as waitress does
        try:
            probe.bind(address)
        except OSError as e:
            raise CannotServe(_explain(host, port, e)) from None


def _explain(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use by another program: choose another with --port (0 picks a free one)"
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need privileges): choose another with --port"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def serve(config: ServerConfig, announce: Callable[[str], None] = print, curate: Corpus | None = None) -> None:
    import waitress.server

    from alliance_kg.server.app import create_app

    _check_address(config.host, config.port)
    app = create_app(config, curate=curate)
    site = app.extensions["alliance_kg"]
    try:
        try:
            server = waitress.server.create_server(
                app, host=config.host, port=config.port, threads=config.threads,
                # the query pool bounds concurrency; keep the connection backlog modest too
                backlog=256, connection_limit=max(100, config.threads * 8), ident="alliance-kg")
        except OSError as e:
            raise CannotServe(_explain(config.host, config.port, e)) from None
        port = getattr(server, "effective_port", config.port)
        if threading.current_thread() is threading.main_thread():
            # A signal handler only sets an event: the reload itself runs in the watcher's thread.
            signal.signal(signal.SIGHUP, lambda *_: site.request_reload())
        if curate is not None:
            announce(f"review page (writes to {curate.root}): http://{config.host}:{port}/curate/")
        announce(f"alliance-kg serving {config.build_dir} (version {site.snapshot().version}) on "
                 f"http://{config.host}:{port}/ (SPARQL: http://{config.host}:{port}/sparql); "
                 f"a new build is picked up by itself, or at once on SIGHUP")
        server.run()
    finally:
        site.close()
