"""A new build goes live atomically: versioned build directories, leases, the version header, a pool
that serves one version, and clients under load that never see two versions in one response."""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import shutil
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from alliance_kg.graph import release
from alliance_kg.graph.pipeline import build
from tests.helpers import AK, copy_of_data, published_dir
from tests.test_sparql_safety import CROSS_PRODUCT, app_with, serving

COUNT = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{AK}Claim> }}"


def get(base: str, path: str, headers: dict | None = None, timeout: float = 60):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def count_path() -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": COUNT, "format": "json"})


def count_of(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def digest_of(header: str) -> bytes:
    assert header.startswith("sha-256=:") and header.endswith(":"), header
    return base64.b64decode(header[len("sha-256=:"):-1])


def publish_variant(build_dir: Path, drop: int) -> dict:
    """A new version made by hand (cheaper than a build): the current one minus `drop` claims' types."""
    source = release.current(build_dir)

    def write(out: Path) -> dict:
        shutil.copytree(source, out)
        kept, dropped = [], 0
        for line in (out / "dataset.nq").read_text(encoding="utf-8").splitlines(keepends=True):
            if dropped < drop and f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{AK}Claim>" in line:
                dropped += 1
                continue
            kept.append(line)
        (out / "dataset.nq").write_text("".join(kept), encoding="utf-8")
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        manifest["version"] = hashlib.sha256("".join(kept).encode()).hexdigest()[:16]
        manifest["counts"]["claims"] -= dropped
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return manifest
    return release.publish(build_dir, write).manifest


# --- the build directory: versions, pointer, leases --------------------------------------------

def fake_manifest(out: Path, version: str) -> dict:
    out.mkdir()
    (out / "data.txt").write_text(version)
    manifest = {"version": version, "files": [{"name": "data.txt"}]}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def test_versions_pointer_links_and_pruning_spare_what_is_leased(tmp_path):
    build_dir = tmp_path / "build"
    first = release.publish(build_dir, lambda out: fake_manifest(out, "v1")).directory
    assert release.current(build_dir) == first.resolve() and (build_dir / "data.txt").read_text() == "v1"
    lease = release.Lease(first)                        # a server serves v1
    for v in ("v2", "v3", "v4"):
        release.publish(build_dir, lambda out, v=v: fake_manifest(out, v))
    assert (build_dir / "data.txt").read_text() == "v4"   # build/<file> follows the pointer
    names = [p.name for p in release.versions(build_dir)]
    assert "v1" in names and names[-2:] == ["v3", "v4"] and "v2" not in names   # v2 unused and old: pruned
    assert release.prune(build_dir, keep=0) == [build_dir / "versions" / "v3"]   # never the current one
    assert (first / "data.txt").read_text() == "v1"       # still readable while leased
    lease.release()
    assert release.prune(build_dir, keep=0) == [build_dir / "versions" / "v1"]
    with pytest.raises(FileNotFoundError):
        release.Lease(first)                               # a pruned version cannot be leased
    # the same version published again is reused as it is, and becomes current
    release.publish(build_dir, lambda out: fake_manifest(out, "v4"))
    assert [p.name for p in release.versions(build_dir)] == ["v4"]


def test_a_build_directory_of_the_flat_layout_is_read_and_then_migrated(tmp_path):
    flat = tmp_path / "build"
    fake = fake_manifest(flat, "old")
    assert release.current(flat) == flat
    release.publish(flat, lambda out: fake_manifest(out, "new"))
    assert fake["files"][0]["name"] == "data.txt" and (flat / "data.txt").is_symlink()
    assert json.loads((flat / "manifest.json").read_text())["version"] == "new"


# --- one version per pool, per request ---------------------------------------------------------

@pytest.fixture()
def private_build(tmp_path, build_dir):
    """A copy of the session's build directory that a test may publish new versions into."""
    out = tmp_path / "build"

    def copy(target: Path) -> dict:
        shutil.copytree(published_dir(build_dir), target)
        return json.loads((target / "manifest.json").read_text())
    release.publish(out, copy)
    return out


def test_a_replaced_worker_loads_the_version_the_others_serve(private_build):
    with app_with(private_build, timeout=1.5, workers=2, reload_interval=0) as app, serving(app) as base:
        site = app.extensions["alliance_kg"]
        status, headers, body = get(base, count_path())
        old_version, old_count = headers["x-dataset-version"], count_of(body)
        new = publish_variant(private_build, drop=1)          # published, not yet picked up
        assert get(base, "/sparql?" + urllib.parse.urlencode({"query": CROSS_PRODUCT}))[0] == 503
        time.sleep(1)                                          # the replacement loads meanwhile
        for _ in range(6):          # every worker, the replacement included, answers for the old version
            query = COUNT + f" # {_}"                         # distinct text: never the cached answer
            status, headers, body = get(base, "/sparql?" + urllib.parse.urlencode({"query": query}))
            assert status == 200 and headers["x-dataset-version"] == old_version and count_of(body) == old_count
        old = site.snapshot()
        assert site.reload() is True
        status, headers, body = get(base, count_path())
        assert headers["x-dataset-version"] == new["version"] and count_of(body) == old_count - 1
        assert old.closed.wait(10)                             # retired: workers stopped, lease dropped
        assert release.prune(private_build, keep=0) == [old.dataset.directory]


def test_every_response_names_its_version_and_downloads_carry_repr_digest(client, build_dir):
    version = json.loads((published_dir(build_dir) / "manifest.json").read_text())["version"]
    for path in ("/", "/id/Iran.html", "/sparql?query=ASK%7B%7D", "/download/dataset.nq", "/nothing"):
        assert client.get(path).headers["X-Dataset-Version"] == version
    plain = client.get("/download/dataset.nq")
    assert digest_of(plain.headers["Repr-Digest"]) == hashlib.sha256(plain.data).digest()
    assert "Digest" not in plain.headers
    zipped = client.get("/download/dataset.nq", headers={"Accept-Encoding": "gzip"})
    # RFC 9530 §3: the representation's digest, content coding included
    assert digest_of(zipped.headers["Repr-Digest"]) == hashlib.sha256(zipped.data).digest()
    assert "Repr-Digest" in client.get("/download/dataset.nq").headers["Access-Control-Expose-Headers"]


# --- under load --------------------------------------------------------------------------------

def test_reload_under_load_every_response_is_200_and_of_one_version(tmp_path):
    """Clients keep querying and fetching pages and downloads while the corpus is rebuilt three
    times (one claim fewer each time); each response is checked against the manifest of the version
    it names."""
    config = copy_of_data(tmp_path)
    claims = config.claims_dir / "004_704bd78250eadceb.yaml"
    original = claims.read_text(encoding="utf-8")
    manifests = {}

    def rebuild(drop: int) -> str:
        text = original
        for _ in range(drop):            # the last claims of the file (no other claim refers to them)
            text = text[:text.rindex("\n  - id:") + 1]
        claims.write_text(text, encoding="utf-8")
        manifest = build(config).manifest
        manifests[manifest["version"]] = manifest
        return manifest["version"]

    first = rebuild(0)
    seen: list[tuple] = []
    failures: list[str] = []
    stop = threading.Event()

    def client(kind: str):
        while not stop.is_set():
            try:
                if kind == "count":
                    status, headers, body = get(base, count_path())
                    seen.append(("count", headers.get("x-dataset-version"), count_of(body) if status == 200 else None))
                elif kind == "page":
                    for path in ("/", "/id/Iran.html", "/document/004_704bd78250eadceb.html"):
                        status, headers, body = get(base, path)
                        seen.append(("page", headers.get("x-dataset-version"), headers.get("last-modified")))
                        if status != 200:
                            break
                else:
                    accept = {"Accept-Encoding": "gzip"} if len(seen) % 2 else {}
                    status, headers, body = get(base, "/download/dataset.nq", accept)
                    seen.append(("download", headers.get("x-dataset-version"),
                                 (hashlib.sha256(body).digest(), digest_of(headers["repr-digest"]),
                                  headers.get("content-encoding"))))
                if status != 200:
                    failures.append(f"{kind}: {status} {body[:200]!r}")
            except Exception as e:        # a dropped connection is a failure too
                failures.append(f"{kind}: {type(e).__name__}: {e}")

    with app_with(config.build_dir, reload_interval=0.2, workers=2) as app, serving(app) as base:
        site = app.extensions["alliance_kg"]
        threads = [threading.Thread(target=client, args=(k,)) for k in ("count", "count", "page", "download")]
        for t in threads:
            t.start()
        try:
            versions = [first]
            for drop in (1, 2, 3):
                versions.append(rebuild(drop))
                deadline = time.monotonic() + 60
                while site.snapshot().version != versions[-1] and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert site.snapshot().version == versions[-1], "the new build did not go live"
                time.sleep(1.5)          # load on the new version
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
    assert failures == []
    assert {v for _, v, _ in seen} == set(versions), "responses named a version that was never published"
    assert len({v for kind, v, _ in seen if kind == "count"}) >= 3
    modified: dict = {}
    for kind, version, value in seen:
        manifest = manifests[version]
        if kind == "count":
            assert value == manifest["counts"]["claims"], f"version {version} answered {value}"
        elif kind == "page":
            modified.setdefault(version, set()).add(value)
        else:
            actual, announced, encoding = value
            assert actual == announced
            if encoding is None:
                nq = next(f for f in manifest["files"] if f["name"] == "dataset.nq")
                assert actual.hex() == nq["sha256"]
    assert all(len(stamps) == 1 for stamps in modified.values()), modified
    assert len(set(manifests[v]["counts"]["claims"] for v in versions)) == 4


def test_alliance_kg_serve_reloads_on_sighup(private_build):
    """The command itself: with polling off, SIGHUP alone makes it serve the new build."""
    import os
    import re
    import signal
    import subprocess
    import sys

    from alliance_kg.graph.corpus import REPOSITORY_ROOT
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ALLIANCE_KG_RELOAD_INTERVAL": "0", "ALLIANCE_KG_WORKERS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "alliance_kg.cli", "serve", "--build-dir", str(private_build),
                               "--port", "0"], cwd=REPOSITORY_ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = server.stdout.readline()
        base = re.search(r"on (http://127\.0\.0\.1:\d+)/", line).group(1)   # port 0: the one it got is announced
        first = get(base, count_path())
        new = publish_variant(private_build, drop=2)
        time.sleep(1.5)
        assert get(base, count_path())[1]["x-dataset-version"] == first[1]["x-dataset-version"]   # not polling
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while get(base, count_path())[1]["x-dataset-version"] != new["version"] and time.monotonic() < deadline:
            time.sleep(0.2)
        status, headers, body = get(base, count_path())
        assert headers["x-dataset-version"] == new["version"] and count_of(body) == count_of(first[2]) - 2
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
