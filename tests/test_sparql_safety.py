"""Facing the internet: no outbound request unless allow-listed, hard timeouts that free the worker
while others are served, bounded concurrency, signalled row caps, and federation that works."""
from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
import urllib.parse

import pytest
import waitress.server

from alliance_kg.graph.localquery import LocalDataset
from alliance_kg.server.app import create_app
from alliance_kg.server.config import ServerConfig
from tests.helpers import AK, ID

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = f"ASK {{ <{ID}Iran> <{AK}hasProxy> <{ID}Hezbollah> }}"
# As quick, but its cost is not bounded before it runs (a free subject): always evaluated by a worker.
POOLED_QUICK = f"ASK {{ ?s <{AK}hasProxy> <{ID}Hezbollah> }}"


@contextlib.contextmanager
def serving(app):
    """The app under waitress on a free loopback port, in a thread; stopped on exit."""
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=8)
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except OSError:   # the loop's select() saw the sockets closed under it, by the close below
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)


@contextlib.contextmanager
def app_with(build_dir, **settings):
    app = create_app(ServerConfig(build_dir=build_dir, **settings))
    try:
        yield app
    finally:
        app.extensions["alliance_kg"].close()


def fetch(base: str, query: str, timeout: float = 30, **params):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query, **params}),
                 headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


@pytest.fixture()
def listener():
    """A TCP listener on loopback that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                connections.append(conn.recv(512))
                conn.close()
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", connections
    stop.set()
    thread.join(timeout=2)
    sock.close()


def test_no_query_makes_a_connection(client, listener):
    url, connections = listener
    attempts = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{url[:-6]}> SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
        f"DESCRIBE <{url}>",
    ]
    statuses = []
    for q in attempts:
        statuses.append(client.get("/sparql", query_string={"query": q}).status_code)
        statuses.append(client.post("/sparql", data={"update": q}).status_code)
    time.sleep(0.5)
    assert connections == []
    assert statuses[0] == statuses[2] == statuses[4] == statuses[6] == 403     # the SERVICE forms
    assert statuses[8] == statuses[10] == statuses[14] == 200                 # FROM, FROM NAMED, DESCRIBE: local


def test_timeout_stops_the_query_and_others_keep_being_served(build_dir):
    with app_with(build_dir, timeout=1.5, workers=2) as app, serving(app) as base:
        fetch(base, POOLED_QUICK)   # workers warm
        slow = {}

        def run_slow():
            started = time.monotonic()
            slow["status"], slow["headers"], _ = fetch(base, CROSS_PRODUCT)
            slow["seconds"] = time.monotonic() - started
        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.2)
        answered = []
        while thread.is_alive():
            status, _, body = fetch(base, POOLED_QUICK)
            answered.append((status, json.loads(body).get("boolean")))
            time.sleep(0.05)
        thread.join()
        assert slow["status"] == 503 and int(slow["headers"]["Retry-After"]) >= 1
        assert slow["seconds"] < 10                        # stopped, not run to completion
        assert answered and all(a == (200, True) for a in answered)
        time.sleep(1.0)                                   # the killed worker has been replaced
        assert [fetch(base, POOLED_QUICK)[0] for _ in range(4)] == [200] * 4


def test_saturation_is_503_at_once_not_a_queue(build_dir):
    with app_with(build_dir, timeout=3, workers=1, max_waiting=0) as app, serving(app) as base:
        fetch(base, POOLED_QUICK)     # answered by the worker: it has opened the dataset
        thread = threading.Thread(target=fetch, args=(base, CROSS_PRODUCT))
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        status, headers, _ = fetch(base, POOLED_QUICK + " # busy")
        assert status == 503 and "Retry-After" in headers
        assert time.monotonic() - started < 2.5            # refused immediately, not queued
        # A query whose cost is bounded before it runs needs no worker (engine/bounded.py): answered.
        status, _, body = fetch(base, QUICK + " # busy")
        assert status == 200 and json.loads(body)["boolean"] is True
        thread.join()


def test_row_cap_is_signalled(build_dir):
    with app_with(build_dir, max_rows=7) as app:
        r = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert r.headers["X-SPARQL-Truncated"] == "true" and r.headers["X-SPARQL-Max-Rows"] == "7"
        assert len(json.loads(r.data)["results"]["bindings"]) == 7
        small = app.test_client().get("/sparql", query_string={"query": SELECT_TWO})
        assert "X-SPARQL-Truncated" not in small.headers


SELECT_TWO = f"SELECT ?s WHERE {{ ?s a <{AK}InformalNetwork> }}"


def test_pathological_queries_get_a_clean_answer(build_dir):
    deep_path = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a (<{AK}alliedWith>|^<{AK}alliedWith>)*/(!<urn:x>)* ?b }}"
    nested = "SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300
    with app_with(build_dir, timeout=2) as app, serving(app) as base:
        for q in (deep_path, nested, CROSS_PRODUCT):
            status, _, body = fetch(base, q)
            assert status in (200, 400, 503), body
        assert fetch(base, QUICK)[0] == 200


def test_federation_with_an_allow_listed_endpoint(build_dir):
    with app_with(build_dir) as remote_app, serving(remote_app) as remote:
        endpoint = remote + "/sparql"
        q = f"SELECT ?proxy WHERE {{ SERVICE <{endpoint}> {{ <{ID}Iran> <{AK}hasProxy> ?proxy }} }}"
        with app_with(build_dir, service_allowlist=(endpoint,)) as app:
            r = app.test_client().get("/sparql", query_string={"query": q})
            assert r.status_code == 200, r.data
            found = {b["proxy"]["value"] for b in json.loads(r.data)["results"]["bindings"]}
            local = LocalDataset.open(build_dir).execute(f"SELECT ?p WHERE {{ <{ID}Iran> <{AK}hasProxy> ?p }}")
            assert found == {s["p"].value for s in local} and found
            other = app.test_client().get("/sparql", query_string={"query": q.replace(endpoint, endpoint + "x")})
            assert other.status_code == 403
