"""The installed product, not the source tree: a non-editable install of the wheel builds and serves a
corpus of its own (the ontology, shapes, context, templates and static files travel in the package)."""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from alliance_kg.graph.corpus import REPOSITORY_ROOT

ARTICLE = ("Ruritania And Freedonia: Old Friends\n"
           "Ruritania is allied with Freedonia, officials in both capitals said.\n"
           "Read more: ten recipes for summer\n")


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel (and its dependencies) installed, outside the source tree."""
    root = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", REPOSITORY_ROOT)
    wheel = next((root / "dist").glob("alliance_kg-*.whl"))
    run(sys.executable, "-m", "venv", root / "venv")
    run(root / "venv" / "bin" / "pip", "install", "-q", wheel)
    return root / "venv" / "bin"


def test_the_wheel_carries_the_package_data_and_no_top_level_graph_or_server(installed):
    probe = ("import importlib.util, alliance_kg.graph.config as c, alliance_kg.server.app as a; "
             "print(c.packaged_ontology_dir()); print(a.__file__); "
             "print(importlib.util.find_spec('graph'), importlib.util.find_spec('server'))")
    out = run(installed / "python", "-c", probe, cwd=installed).stdout.splitlines()
    ontology, app, top_level = Path(out[0]), Path(out[1]), out[2]
    assert "site-packages" in str(ontology) and (ontology / "shapes.ttl").is_file()
    assert (app.parent / "templates" / "entity.html").is_file() and (app.parent / "static" / "style.css").is_file()
    assert top_level == "None None"


def test_the_installed_command_builds_and_serves_a_corpus_of_its_own(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_KG_")}
    cli = installed / "alliance-kg"
    corpus = tmp_path / "corpus"
    run(cli, "init", corpus, env=env, cwd=tmp_path)
    assert {p.name for p in corpus.iterdir()} >= {"documents", "documents.yaml", "actors.yaml", "claims", "proposed",
                                                  "queries"}
    (corpus / "documents" / "001_ruritania.txt").write_text(ARTICLE, encoding="utf-8")
    sha = hashlib.sha256(ARTICLE.encode()).hexdigest()
    # `init` wrote an empty list under a header comment: fill it as a curator (or `alliance-kg add`) would
    text = (corpus / "documents.yaml").read_text(encoding="utf-8").replace("documents: []", (
        "documents:\n  - id: 001_ruritania\n    file: 001_ruritania.txt\n"
        f"    sha256: {sha}\n    title: \"Ruritania And Freedonia: Old Friends\"\n    language: en\n"
        "    junk:\n      - {lines: [3, 3], kind: call-to-action}\n"))
    (corpus / "documents.yaml").write_text(text, encoding="utf-8")
    (corpus / "actors.yaml").write_text("actors:\n  - {id: Ruritania, class: State, label: Ruritania}\n"
                                        "  - {id: Freedonia, class: State, label: Freedonia}\n", encoding="utf-8")
    (corpus / "claims" / "001_ruritania.yaml").write_text(
        "document: 001_ruritania\nclaims:\n  - id: ruritania-allied-freedonia\n    subject: Ruritania\n"
        "    relation: alliedWith\n    object: Freedonia\n    evidence:\n"
        "      - quote: \"Ruritania is allied with Freedonia\"\n", encoding="utf-8")
    built = run(cli, "--corpus", corpus, "build", env=env, cwd=tmp_path)
    assert "1 claims" in built.stdout
    manifest = json.loads((corpus / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["claims"] == 1 and manifest["counts"]["documents"] == 1

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(cli), "--corpus", str(corpus), "serve", "--port", str(port), "--workers", "1"],
                              env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, page = time.monotonic() + 60, None
        while time.monotonic() < deadline and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/id/Ruritania.html", timeout=5) as response:
                    page = response.read().decode("utf-8")
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.5)
        assert page is not None and "Freedonia" in page and "Ruritania is allied with Freedonia" in page
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_installed_command_adds_a_document_and_drafts_its_claims(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_KG_")}
    cli = installed / "alliance-kg"
    corpus = tmp_path / "corpus"
    run(cli, "init", corpus, env=env, cwd=tmp_path)
    article = tmp_path / "article.txt"
    article.write_text("Iran And Syria\nIran backs Syria, and Russia condemned Israel in 2024.\n"
                       "- Ten Recipes For Summer\n- Celebrity Chef Reveals Secret\n", encoding="utf-8")
    added = run(cli, "--corpus", corpus, "add", article, env=env, cwd=tmp_path).stdout.splitlines()
    doc_id = added[-1]
    assert (corpus / "documents" / f"{doc_id}.txt").read_bytes() == article.read_bytes()
    run(cli, "--corpus", corpus, "propose", doc_id, env=env, cwd=tmp_path)
    proposal = (corpus / "proposed" / f"{doc_id}.yaml").read_text(encoding="utf-8")
    assert "relation: supports" in proposal and "relation: condemns" in proposal
    run(cli, "--corpus", corpus, "accept", doc_id, "--all", env=env, cwd=tmp_path)
    run(cli, "--corpus", corpus, "validate", env=env, cwd=tmp_path)
