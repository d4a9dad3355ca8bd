"""Endpoint benchmark: this endpoint against rdflib-endpoint and Oxigraph's own server, on the same
built dataset, in one run, plus the ceiling (a constant response under the same WSGI server); and our
endpoint in front of a remote store (`serve --store`, loaded by `alliance-kg push`) beside the embedded one.

    .venv/bin/python bench/endpoint.py [--requests 1500] [--clients 8] [--seconds 15] [--virtuoso]
                                       [--build DIR] [--skip rdflib-endpoint,ours→oxigraph] [--before CMD]

Before the load, our server is started alone: the seconds until its first answer and the RSS of all
its processes (web server and query workers) are reported, and their RSS again after the load. The
last line is one JSON object with every figure (req/s, p50/p99 per cell, ratios), for scripts.

The remote backends: "ours→oxigraph" (Oxigraph's server, always) and "ours→virtuoso" (with --virtuoso;
Virtuoso Open Source from Debian, started on a fresh database, which takes a minute or two).

Every server binds to 127.0.0.1 only. The load generator is bounded in requests and time: 8 client
threads on keep-alive connections. "uncached" asks about a different actor in every request, so the
engine's own speed shows; "cached" repeats one query (our endpoint answers from its ETag cache).
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from soak import processes as server_processes  # noqa: E402  (RSS of a server and its workers: one place)
from tests import stores  # noqa: E402  (the tests' own way to start a store: one place)

AK = "https://w3id.org/alliance-kg/ontology#"
ID = "https://w3id.org/alliance-kg/id/"

QUERIES = {
    "lookup": "SELECT ?p ?o WHERE {{ <{actor}> ?p ?o }}",
    "two-hop join": "SELECT DISTINCT ?c WHERE {{ <{actor}> ?p ?b . ?b ?q ?c . FILTER(isIRI(?c)) }}",
    "aggregate": "SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?s != <{actor}>) }} GROUP BY ?p ORDER BY DESC(?n)",
}

CONSTANT_APP = '''
import sys, waitress
body = b'{"head":{"vars":["n"]},"results":{"bindings":[]}}'
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(body)))])
    return [body]
waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=16, ident="ceiling")
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rounded(cell: dict) -> dict:
    return {k: (round(v, 3) if v == v else None) if isinstance(v, float) else v for k, v in cell.items()}


def processes_rss(pid: int) -> dict:
    rows = server_processes(pid)
    return {"total": sum(mb for *_, mb in rows), "each": ", ".join(f"{role} {mb:.0f}" for role, _, mb in rows)}


def wait_until_up(port: int, path: str, seconds: float = 120, poll: float = 0.3) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(poll)
    raise RuntimeError(f"server on port {port} did not start")


def load(port: int, path: str, queries: list[str], requests: int, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = [0]
    deadline = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if counter[0] >= requests:
                    return
                i = counter[0]
                counter[0] += 1
            q = queries[i % len(queries)]
            started = time.perf_counter()
            try:
                conn.request("GET", f"{path}?query={urllib.parse.quote(q)}",
                             headers={"Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
    return {"rps": len(latencies) / wall, "p50": pick(0.5), "p99": pick(0.99), "ok": len(latencies), "errors": errors[0]}


def actors(build_dir: Path) -> list[str]:
    names = []
    for line in (build_dir / "dataset.nq").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"<{ID}") and "/graph/actors>" in line and "rdf-syntax-ns#type" in line:
            names.append(line.split(">", 1)[0][1:])
    return sorted(set(names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--virtuoso", action="store_true", help="also measure ours in front of Virtuoso")
    parser.add_argument("--skip", default="", help="servers not to measure, comma-separated "
                        "(rdflib-endpoint loads the whole dataset into rdflib: minutes at 100×)")
    parser.add_argument("--before", type=Path, help="another checkout's `alliance-kg` command, measured side "
                        "by side as 'before' (e.g. main's, for a before/after in one run)")
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if not (args.build / "manifest.json").exists():
        subprocess.run([str(BIN / "alliance-kg"), "build", "--build-dir", str(args.build)], check=True)
    nquads = args.build / "dataset.nq"
    everyone = actors(args.build)
    tmp = Path(tempfile.mkdtemp())
    processes = []
    remote_stores = contextlib.ExitStack()
    try:
        ports = {name: free_port() for name in ("alliance-kg", "rdflib-endpoint", "oxigraph", "ceiling")}
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        # Ours first and alone: its start (to the first answer) and memory are not shared with the others'.
        started = time.perf_counter()
        ours = subprocess.Popen([str(BIN / "alliance-kg"), "serve", "--build-dir", str(args.build),
                                 "--port", str(ports["alliance-kg"]), "--workers", "2"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(ours)
        wait_until_up(ports["alliance-kg"], "/sparql?query=ASK%7B%7D", poll=0.02)
        start_seconds = time.perf_counter() - started
        rss_start = processes_rss(ours.pid)
        print(f"alliance-kg serve: first answer after {start_seconds:.2f} s; RSS of its processes "
              f"{rss_start['total']:.0f} MB ({rss_start['each']})", flush=True)
        backends = [("oxigraph", stores.oxigraph)] + ([("virtuoso", stores.virtuoso)] if args.virtuoso else [])
        backends = [(name, start) for name, start in backends if f"ours→{name}" not in skip]
        for name, start in backends:
            (tmp / name).mkdir()
            store = remote_stores.enter_context(start(tmp / name))
            subprocess.run([str(BIN / "alliance-kg"), "push", "--build-dir", str(args.build), "--gsp", store.gsp_url,
                            "--query-url", store.query_url], check=True, stdout=subprocess.DEVNULL)
            ports[f"ours→{name}"] = free_port()
            processes.append(subprocess.Popen([str(BIN / "alliance-kg"), "serve", "--build-dir", str(args.build),
                                               "--port", str(ports[f"ours→{name}"]), "--workers", "2",
                                               "--store", store.query_url],
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if args.before:
            ports["before"] = free_port()
            processes.append(subprocess.Popen([str(args.before), "serve", "--build-dir", str(args.build),
                                               "--port", str(ports["before"]), "--workers", "2"],
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if "rdflib-endpoint" in skip:
            del ports["rdflib-endpoint"]
        else:
            processes.append(subprocess.Popen([str(BIN / "rdflib-endpoint"), "serve", str(nquads), "--host",
                                               "127.0.0.1", "--port", str(ports["rdflib-endpoint"])],
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(tmp / "ox"), "--file", str(nquads)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(subprocess.Popen([str(BIN / "oxigraph"), "serve-read-only", "--location", str(tmp / "ox"),
                                           "--bind", f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        processes.append(subprocess.Popen([sys.executable, "-c", CONSTANT_APP, str(ports["ceiling"])],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        paths = {"alliance-kg": "/sparql", "before": "/sparql", "rdflib-endpoint": "/", "oxigraph": "/query", "ceiling": "/",
                 **{f"ours→{name}": "/sparql" for name, _ in backends}}
        for name, port in ports.items():
            if name == "alliance-kg":
                continue
            wait_until_up(port, paths[name] + ("?query=ASK%7B%7D" if name != "ceiling" else ""))

        quads = sum(1 for _ in open(nquads, encoding="utf-8"))
        print(f"dataset: {nquads} ({quads} quads), "
              f"{args.clients} clients, up to {args.requests} requests or {args.seconds:g} s per cell\n")
        ceiling = load(ports["ceiling"], "/", ["x"], args.requests, args.clients, args.seconds)
        print(f"ceiling (constant response, waitress): {ceiling['rps']:.0f} req/s, "
              f"p50 {ceiling['p50']:.1f} ms, p99 {ceiling['p99']:.1f} ms\n")
        print("| query | mode | server | req/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|---|")
        results = {}
        for qname, template in QUERIES.items():
            for mode in ("uncached", "cached"):
                # uncached: a different actor each time, and a unique comment so no cache can answer
                queries = [template.format(actor=everyone[i % len(everyone)]) + f" # request {i}"
                           for i in range(args.requests)] if mode == "uncached" \
                    else [template.format(actor=ID + "Iran")]
                for server in [p for p in ("alliance-kg", "before", "rdflib-endpoint", "oxigraph") if p in ports] + \
                        [f"ours→{n}" for n, _ in backends]:
                    r = load(ports[server], paths[server], queries, args.requests, args.clients, args.seconds)
                    results[(qname, mode, server)] = r
                    print(f"| {qname} | {mode} | {server} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                          f"{r['errors']} |", flush=True)
        rss_end = processes_rss(ours.pid)
        print(f"\nalliance-kg serve after the load: RSS of its processes {rss_end['total']:.0f} MB ({rss_end['each']})")
        print("\nRatios (uncached): ours / rdflib-endpoint, ours / oxigraph, ours / ceiling")
        ratios: dict[str, dict] = {}
        for qname in QUERIES:
            ours_rps = results[(qname, "uncached", "alliance-kg")]["rps"]
            ratios[qname] = {other: ours_rps / results[(qname, "uncached", other)]["rps"]
                             for other in ("before", "rdflib-endpoint", "oxigraph") if (qname, "uncached", other) in results}
            ratios[qname]["ceiling"] = ours_rps / ceiling["rps"]
            print(f"- {qname}: " + ", ".join(f"{v:.2f}× {k}" for k, v in ratios[qname].items()))
        if backends:
            print("\nRemote store behind our endpoint (uncached): ours→store / ours embedded")
        for qname in QUERIES:
            ours_rps = results[(qname, "uncached", "alliance-kg")]["rps"]
            for n, _ in backends:
                ratios[qname][f"ours→{n} / ours"] = results[(qname, "uncached", f"ours→{n}")]["rps"] / ours_rps
            if backends:
                print(f"- {qname}: " + ", ".join(f"{ratios[qname][f'ours→{n} / ours']:.2f}× with {n}"
                                                 for n, _ in backends))
        # The last line is for scripts. (A cell without one successful request has NaN latencies: null.)
        print(json.dumps({"dataset": str(nquads), "quads": quads, "clients": args.clients,
                          "start_seconds": round(start_seconds, 3),
                          "rss_mb": {"start": round(rss_start["total"], 1), "end": round(rss_end["total"], 1)},
                          "ceiling": rounded(ceiling),
                          "cells": [{"query": q, "mode": m, "server": srv, **rounded(r)}
                                    for (q, m, srv), r in results.items()],
                          "ratios_uncached": {q: rounded(r) for q, r in ratios.items()}}))
    finally:
        for p in processes:
            p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        remote_stores.close()   # after the servers that read them
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
