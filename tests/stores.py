"""Real triplestores for the tests, started on a free loopback port and stopped afterwards.

    oxigraph   Oxigraph's server (`oxigraph serve`, PyPI `oxigraph`, a test dependency)
    virtuoso   Virtuoso Open Source 7 (Debian `virtuoso-opensource`; installed here when missing, as
               root, like `make virtuoso` does), on a fresh database with its Graph Store endpoint
               /sparql-graph-crud opened to the anonymous SPARQL user (loopback only); a fresh
               database takes one to three minutes to start, so ALLIANCE_KG_TEST_VIRTUOSO=http://host:port
               names an already running, writable one instead (while working on these tests)
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

# Every backend an app can run on; a test module opts in with `pytestmark = stores.BACKENDS`.
BACKENDS = pytest.mark.parametrize("backend", ["embedded", "oxigraph", "virtuoso"], indirect=True, scope="session")


@dataclass(frozen=True)
class StoreServer:
    name: str
    query_url: str
    gsp_url: str
    process: subprocess.Popen | None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the store exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url}: no answer after {seconds:g} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def running(command: list[str], cwd: Path, log: Path):
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def oxigraph(directory: Path):
    executable = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    log = directory / "oxigraph.log"
    with running([executable, "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}"],
                 directory, log) as process:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base + "/query", process, log, 60)
        yield StoreServer("oxigraph", base + "/query", base + "/store", process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
[SPARQL]
; above any row cap of ours: Virtuoso cuts results at this count without saying so
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def install_virtuoso() -> str:
    found = shutil.which("virtuoso-t")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("Virtuoso is not installed and this is not root: run `make virtuoso` "
                           "(apt-get install virtuoso-opensource) first")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], check=True, env=env)
    return shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"


@contextlib.contextmanager
def virtuoso(directory: Path):
    reuse = os.environ.get("ALLIANCE_KG_TEST_VIRTUOSO")   # http://host:port of a running, writable Virtuoso
    if reuse:
        yield StoreServer("virtuoso", reuse + "/sparql", reuse + "/sparql-graph-crud", None)
        return
    executable = install_virtuoso()
    sql, http = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=directory, sql=sql, http=http), encoding="utf-8")
    log = directory / "virtuoso.out"
    with running([executable, "-c", "virtuoso.ini", "+foreground"], directory, log) as process:
        base = f"http://127.0.0.1:{http}"
        # A fresh database takes a while on a busy machine (it creates and checkpoints its schema).
        wait_until_answering(base + "/sparql", process, log, 600)
        # The Graph Store endpoint writes as the anonymous SPARQL user: grant it updates.
        isql = shutil.which("isql-vt") or "isql-vt"
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba",
                        "exec=GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"],
                       check=True, capture_output=True, timeout=60)
        yield StoreServer("virtuoso", base + "/sparql", base + "/sparql-graph-crud", process)


@contextlib.contextmanager
def listener():
    """A loopback TCP server that accepts connections, records them and never answers: a store that
    hangs, or a trap that shows whether anything was fetched. Yields (URL, accepted connections)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                pass
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/", accepted
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        sock.close()
