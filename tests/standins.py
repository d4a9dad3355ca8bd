"""Local stand-ins for Wikidata, so that the tests never touch the network.

- WikidataApiStandIn: a tiny HTTP server on 127.0.0.1 answering the two Action API requests that
  `alliance-kg link` makes, from the recorded answers in tests/fixtures/wikidata/.
- SparqlStandIn: Oxigraph's own server (the `oxigraph` package) holding a few Wikidata triples, the
  endpoint a federated query's SERVICE clause is pointed at.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

FIXTURES = Path(__file__).parent / "fixtures" / "wikidata"


class WikidataApiStandIn:
    """Serves /w/api.php; records every request (query parameters and User-Agent) in `requests`."""

    def __init__(self, fixtures: Path = FIXTURES):
        self.fixtures = fixtures
        self.requests: list[dict] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):   # noqa: N802 (the name http.server calls)
                url = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
                standin.requests.append({"path": url.path, "params": params,
                                         "user_agent": self.headers.get("User-Agent")})
                status, body = standin.answer(url.path, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):   # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/w/api.php"

    def answer(self, path: str, params: dict) -> tuple[int, dict]:
        if path != "/w/api.php":
            return 404, {"error": "not found"}
        if params.get("format") != "json":
            return 200, {"error": {"code": "badformat", "info": "this stand-in answers format=json only"}}
        action = params.get("action")
        if action == "wbsearchentities":
            file = self.fixtures / "search" / f"{params.get('search', '')}.json"
            if file.is_file():
                return 200, json.loads(file.read_text(encoding="utf-8"))
            return 200, {"searchinfo": {"search": params.get("search", "")}, "search": [], "success": 1}
        if action == "wbgetentities":
            props = set(params.get("props", "info|sitelinks|aliases|labels|descriptions|claims|datatype").split("|"))
            entities = {}
            for qid in params.get("ids", "").split("|"):
                file = self.fixtures / "entities" / f"{qid}.json"
                if not file.is_file():
                    entities[qid] = {"id": qid, "missing": ""}
                    continue
                entity = json.loads(file.read_text(encoding="utf-8"))
                entities[qid] = {k: v for k, v in entity.items() if k in ("type", "id") or k in props}
            return 200, {"entities": entities, "success": 1}
        return 200, {"error": {"code": "badvalue", "info": f"Unrecognized value for parameter \"action\": {action}."}}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SparqlStandIn:
    """`oxigraph serve-read-only` over a store loaded from a Turtle file; the endpoint is `<url>`."""

    def __init__(self, turtle: Path, workdir: Path):
        self.turtle = turtle
        self.location = workdir / "oxigraph-standin"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @staticmethod
    def executable() -> str:
        found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(found).is_file():
            raise RuntimeError("Oxigraph's server is missing: `pip install -e '.[test]'` installs it (package oxigraph)")
        return found

    def __enter__(self):
        binary = self.executable()
        subprocess.run([binary, "load", "--location", str(self.location), "--file", str(self.turtle)],
                       check=True, capture_output=True)
        self.process = subprocess.Popen([binary, "serve-read-only", "--location", str(self.location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(self.url, params={"query": "ASK {}"}, timeout=1)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("Oxigraph's server did not start") from None
                time.sleep(0.1)

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
