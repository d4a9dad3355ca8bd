"""Soak benchmark: mixed traffic against `alliance-kg serve` for a few minutes while the corpus is
rebuilt twice; the resident memory of every server process at the start and at the end.

    .venv/bin/python bench/soak.py [--seconds 120] [--clients 4] [--rebuilds 2]

The corpus is a private copy of the repository's (graph/data/, documents read from seeds/), so the
rebuilds (one claim fewer each time) touch nothing in the checkout. The server binds 127.0.0.1 only.
Traffic: distinct CONSTRUCT queries (each a new answer: they fill the answer cache), a COUNT query
checked against the X-Dataset-Version of its response, pages (home, the actor index, actor pages),
and downloads with and without gzip, checked against their Repr-Digest. Ends with one JSON line.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AK = "https://w3id.org/alliance-kg/ontology#"
ID = "https://w3id.org/alliance-kg/id/"
COUNT = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{AK}Claim> }}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(set(out))


def processes(server: int) -> list[tuple[str, int, float]]:
    """(role, pid, RSS MB) of the server and its query workers (the multiprocessing helper apart)."""
    rows = [("server", server, rss_mb(server) or 0.0)]
    for child in children(server):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        role = "worker" if "spawn_main" in command else "helper"
        rows.append((role, child, rss_mb(child) or 0.0))
    return rows


def copy_corpus(tmp: Path) -> Path:
    data = tmp / "data"
    shutil.copytree(ROOT / "graph" / "data", data)
    (data / "corpus.yaml").write_text(f"documents: {ROOT / 'seeds'}\nbuild: {tmp / 'build'}\n", encoding="utf-8")
    return data


def build(corpus: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "alliance-kg"), "--corpus", str(corpus), "build"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def drop_last_claim(corpus: Path) -> None:
    path = corpus / "claims" / "004_704bd78250eadceb.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.rindex("\n  - id:") + 1], encoding="utf-8")


class Traffic:
    def __init__(self, port: int, build_dir: Path, actors: list[str]):
        self.port, self.build_dir, self.actors = port, build_dir, actors
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []
        self.inconsistent = 0
        self.versions: set[str] = set()
        self.claims_by_version: dict[str, int] = {}
        self.n = 0

    def get(self, conn, path, headers=None):
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def one(self, conn, rng: random.Random) -> None:
        with self.lock:
            self.n += 1
            n = self.n
        kind = rng.choice(["construct", "construct", "count", "page", "page", "download"])
        if kind == "construct":
            actor = rng.choice(self.actors)
            q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s != <{actor}>) }} LIMIT {200 + n % 5000}"
            status, headers, body = self.get(conn, "/sparql?" + urlencode(q), {"Accept": "text/turtle"})
        elif kind == "count":
            status, headers, body = self.get(conn, "/sparql?" + urlencode(COUNT) + f"&n={n % 7}")
            if status == 200:
                value = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
                with self.lock:
                    seen = self.claims_by_version.setdefault(headers["x-dataset-version"], value)
                    self.inconsistent += seen != value
        elif kind == "page":
            path = rng.choice(["/", "/id/", "/id/" + rng.choice(self.actors).rsplit("/", 1)[1] + ".html"])
            status, headers, body = self.get(conn, path)
        else:
            gz = rng.random() < 0.5
            status, headers, body = self.get(conn, "/download/" + rng.choice(["dataset.nq", "dataset.ttl", "void.ttl"]),
                                             {"Accept-Encoding": "gzip"} if gz else {})
            if status == 200:
                announced = base64.b64decode(headers["repr-digest"].split("=:", 1)[1].rstrip(":"))
                with self.lock:
                    self.inconsistent += hashlib.sha256(body).digest() != announced
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.versions.add(headers.get("x-dataset-version", "?"))
            if status != 200:
                self.errors.append(f"{kind} {status}")

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stop.is_set():
            try:
                self.one(conn, rng)
            except (OSError, http.client.HTTPException) as e:
                with self.lock:
                    self.errors.append(f"{type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)


def urlencode(query: str) -> str:
    import urllib.parse
    return urllib.parse.urlencode({"query": query})


def wait_until_up(port: int, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rebuilds", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="alliance-kg-soak-"))
    server = None
    try:
        corpus = copy_corpus(tmp)
        first_build = build(corpus)
        build_dir = tmp / "build"
        actors = sorted({line.split(">", 1)[0][1:] for line in (build_dir / "dataset.nq").read_text(encoding="utf-8").splitlines()
                         if line.startswith(f"<{ID}") and "/graph/actors>" in line})
        port = free_port()
        server = subprocess.Popen([str(BIN / "alliance-kg"), "--corpus", str(corpus), "serve", "--port", str(port),
                                   "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, PYTHONUNBUFFERED="1"))
        wait_until_up(port)
        traffic = Traffic(port, build_dir, actors)
        threads = [threading.Thread(target=traffic.client, args=(i,), daemon=True) for i in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(min(10, args.seconds / 6))          # warmed up: caches begin to fill
        at_start = processes(server.pid)
        samples: list[tuple[float, float]] = []       # (seconds, RSS MB of all server processes)

        def sample():
            while not traffic.stop.is_set():
                samples.append((round(time.monotonic() - started), round(sum(m for *_, m in processes(server.pid)))))
                traffic.stop.wait(10)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rebuilds = []
        for k in range(args.rebuilds):
            time.sleep(max(0.0, started + args.seconds * (k + 1) / (args.rebuilds + 1) - time.monotonic()))
            drop_last_claim(corpus)
            rebuilds.append(build(corpus))
        time.sleep(max(0.0, started + args.seconds - time.monotonic()))
        at_end = processes(server.pid)
        traffic.stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    total = sum(traffic.counts.values())
    print(f"soak: {elapsed:.0f} s, {args.clients} clients, {total} requests ({total / elapsed:.0f} req/s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(traffic.counts.items())) + f"), {len(traffic.errors)} errors, "
          f"{traffic.inconsistent} inconsistent, {len(traffic.versions)} versions served; "
          f"builds: first {first_build:.0f} s, rebuilds " + ", ".join(f"{s:.0f} s" for s in rebuilds) + "\n")
    print("| when | process | pid | RSS MB |")
    print("|---|---|---|---|")
    for when, rows in (("start", at_start), ("end", at_end)):
        for role, pid, mb in rows:
            print(f"| {when} | {role} | {pid} | {mb:.0f} |")
        print(f"| {when} | all | | {sum(mb for _, _, mb in rows):.0f} |")
    print("\nRSS of all server processes every 10 s (s: MB): " + ", ".join(f"{t}: {m:.0f}" for t, m in samples))
    if traffic.errors:
        print("\nfirst errors:", traffic.errors[:5])
    print(json.dumps({"bench": "soak", "seconds": round(elapsed, 1), "clients": args.clients, "requests": total,
                      "errors": len(traffic.errors), "inconsistent": traffic.inconsistent,
                      "versions": len(traffic.versions), "rebuild_seconds": [round(s, 1) for s in rebuilds],
                      "rss_mb_start": {f"{r}:{p}": round(m, 1) for r, p, m in at_start},
                      "rss_mb_end": {f"{r}:{p}": round(m, 1) for r, p, m in at_end},
                      "rss_mb_total_start": round(sum(m for *_, m in at_start), 1),
                      "rss_mb_total_end": round(sum(m for *_, m in at_end), 1),
                      "rss_mb_total_samples": samples}))


if __name__ == "__main__":
    main()
