"""A remote triplestore behind the site: `alliance-kg push` (load, verify, switch, clean up, fail safe)
and `serve --store` (names rewritten, answers normalised, 503 when the store is down or slow).

The endpoint and linked-data suites already run on every backend (tests/stores.py); these tests
cover what only a remote store has. They use an Oxigraph server of their own, so that switching
versions here never disturbs the store the session's app reads.
"""
from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from alliance_kg.cli import main
from alliance_kg.push import PushError, push
from alliance_kg.server.app import create_app
from alliance_kg.server.config import ServerConfig
from alliance_kg.server.engine.remote import StoreNotLoaded
from alliance_kg.server.engine.versioned import GraphNames, record_graph
from tests import stores
from tests.helpers import AK, BASE, ID

ACTORS = BASE + "graph/actors"
ASK_IRAN = f"ASK {{ <{ID}Iran> <{AK}hasProxy> <{ID}Hezbollah> }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with stores.oxigraph(tmp_path_factory.mktemp("own-oxigraph")) as running:
        yield running


def another_version(build_dir, directory, version: str, drop_from: str = ACTORS, miscount: int = 0):
    """A copy of the build as a different dataset version: one triple of `drop_from` left out (and the
    manifest's count of that graph off by `miscount`, to make a push that cannot verify)."""
    copy = directory / version
    shutil.copytree(build_dir, copy)
    lines = (copy / "dataset.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = next(i for i, line in enumerate(lines) if line.rstrip().endswith(f"<{drop_from}> ."))
    (copy / "dataset.nq").write_text("".join(lines[:dropped] + lines[dropped + 1:]), encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = version
    manifest["graphs"][drop_from] -= 1 - miscount
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


def app_on(build_dir, server, **settings):
    app = create_app(ServerConfig(build_dir=build_dir, store=server.query_url, **settings))
    app.testing = True
    return app


def stored_graphs(server) -> set[str]:
    import httpx
    r = httpx.post(server.query_url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                   headers={"Accept": "application/sparql-results+json"})
    return {b["g"]["value"] for b in r.json()["results"]["bindings"]}


def recorded_version(server) -> str | None:
    import httpx
    r = httpx.post(server.query_url, data={"query": f"SELECT ?v WHERE {{ GRAPH <{record_graph(BASE)}> "
                                                    f"{{ <{BASE}dataset> ?p ?v }} }}"},
                   headers={"Accept": "application/sparql-results+json"})
    values = [b["v"]["value"] for b in r.json()["results"]["bindings"]]
    return values[0] if values else None


def test_push_switch_and_clean_up(build_dir, server, tmp_path):
    first = push(build_dir, server.gsp_url, server.query_url)
    version = json.loads((build_dir / "manifest.json").read_text())["version"]
    assert first.version == version and recorded_version(server) == version
    names = GraphNames(version, tuple(first.graphs))
    assert {names.to_store(g) for g in first.graphs} <= stored_graphs(server)
    assert push(build_dir, server.gsp_url, server.query_url).unchanged

    second_dir = another_version(build_dir, tmp_path, "second")
    second = push(second_dir, server.gsp_url, server.query_url, keep_previous=True)
    assert second.previous == version and second.deleted == [] and recorded_version(server) == "second"
    old_app, new_app = app_on(build_dir, server), app_on(second_dir, server)   # both versions are served
    try:
        for app in (old_app, new_app):
            r = app.test_client().get("/sparql", query_string={"query": ASK_IRAN})
            assert r.status_code == 200 and json.loads(r.data)["boolean"] is True
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ACTORS}> {{ ?s ?p ?o }} }}"
        counts = [int(json.loads(app.test_client().get("/sparql", query_string={"query": count}).data)
                      ["results"]["bindings"][0]["n"]["value"]) for app in (old_app, new_app)]
        assert counts == [first.graphs[ACTORS], first.graphs[ACTORS] - 1]
    finally:
        old_app.extensions["alliance_kg"].close()
        new_app.extensions["alliance_kg"].close()

    third = push(another_version(build_dir, tmp_path, "third"), server.gsp_url, server.query_url)
    assert set(third.deleted) == {names.to_store(g) for g in first.graphs} | \
        {GraphNames("second", tuple(first.graphs)).to_store(g) for g in first.graphs}
    assert not any(g.endswith(("?version=" + version, "?version=second")) for g in stored_graphs(server))
    with pytest.raises(StoreNotLoaded, match="run `alliance-kg push`"):
        app_on(build_dir, server)   # the first build's graphs are gone: serving it would answer wrongly


def test_a_failed_push_leaves_the_served_version(build_dir, server, tmp_path):
    push(build_dir, server.gsp_url, server.query_url)
    served = recorded_version(server)
    before = stored_graphs(server)
    broken = another_version(build_dir, tmp_path, "broken", miscount=1)   # the store will hold one triple less
    with pytest.raises(PushError, match="does not hold what was pushed"):
        push(broken, server.gsp_url, server.query_url)
    assert recorded_version(server) == served and stored_graphs(server) == before
    app = app_on(build_dir, server)
    try:
        assert json.loads(app.test_client().get("/sparql", query_string={"query": ASK_IRAN}).data)["boolean"] is True
    finally:
        app.extensions["alliance_kg"].close()


@pytest.mark.parametrize("line, message", [
    (f"<{ID}Iran> <{AK}mentionedIn> <{ACTORS}> <{ACTORS}> .\n", "is used as a term"),
    (f"_:b0 <{AK}note> \"x\" <{ACTORS}> .\n", "blank node"),
    (f"<{ID}Iran> <{AK}note> \"x\" .\n", "default graph")])
def test_a_build_the_scheme_cannot_carry_is_refused_before_anything_is_sent(build_dir, tmp_path, line, message):
    copy = tmp_path / "odd"
    shutil.copytree(build_dir, copy)
    with open(copy / "dataset.nq", "a", encoding="utf-8") as f:
        f.write(line)
    with stores.listener() as (url, accepted):
        with pytest.raises(PushError, match=message) as error:
            push(copy, url + "store", url + "query")
        assert not accepted, "nothing is sent for a build that cannot be pushed"
    assert "dataset.nq" in str(error.value)


def test_push_with_credentials_to_virtuoso(build_dir, virtuoso_server, tmp_path):
    # Virtuoso's authenticated Graph Store endpoint wants HTTP Digest (its dba account on a fresh database).
    gsp = virtuoso_server.gsp_url + "-auth"
    authed = another_version(build_dir, tmp_path, "authed")
    with pytest.raises(PushError, match="401"):
        push(authed, gsp, virtuoso_server.query_url, auth="dba:wrong", keep_previous=True)
    report = push(authed, gsp, virtuoso_server.query_url, auth="digest:dba:dba", keep_previous=True)
    assert report.version == "authed" and sum(report.graphs.values()) == sum(
        json.loads((build_dir / "manifest.json").read_text())["graphs"].values()) - 1


def test_push_and_serve_from_the_command_line(build_dir, server):
    runner = CliRunner()
    result = runner.invoke(main, ["push", "--build-dir", str(build_dir), "--gsp", server.gsp_url,
                                  "--query-url", server.query_url])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(main, ["push", "--build-dir", str(build_dir), "--gsp", "http://127.0.0.1:9/store",
                               "--query-url", "http://127.0.0.1:9/query"])
    assert bad.exit_code == 1 and "still serves" in bad.output


def test_store_names_are_rewritten_in_queries_and_back_in_answers():
    names = GraphNames("v1", (ACTORS,))
    query = (f'PREFIX g: <{BASE}graph/> SELECT * FROM <{ACTORS}> WHERE {{ GRAPH g:actors {{ ?s ?p "<{ACTORS}>" }} '
             f'# <{ACTORS}>\n VALUES ?g {{ <{ACTORS}> <{BASE}graph/other> }} }}')
    rewritten = names.rewrite_query(query)
    assert rewritten.count(f"<{ACTORS}?version=v1>") == 3
    assert f'"<{ACTORS}>"' in rewritten and f"# <{ACTORS}>\n" in rewritten   # strings and comments untouched
    assert f"PREFIX g: <{BASE}graph/>" in rewritten and f"<{BASE}graph/other>" in rewritten
    assert names.term(ox.NamedNode(ACTORS + "?version=v1")) == ox.NamedNode(ACTORS)
    assert names.term(ox.NamedNode(ACTORS + "?version=v0")) == ox.NamedNode(ACTORS + "?version=v0")


@pytest.fixture()
def silent_store():
    with stores.listener() as (url, accepted):
        yield url + "query", accepted


def test_a_slow_store_is_503_with_retry_after_and_the_request_is_cancelled(build_dir, silent_store):
    url, accepted = silent_store
    app = create_app(ServerConfig(build_dir=build_dir, store=url, timeout=1))
    try:
        client = app.test_client()
        r = client.get("/sparql", query_string={"query": ASK_IRAN})
        assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
        page = client.get("/id/Iran.ttl")
        assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
    finally:
        app.extensions["alliance_kg"].close()
    assert accepted, "the store was asked"


def test_a_store_that_is_down_is_503(build_dir):
    port = stores.free_port()   # nothing listens there
    app = create_app(ServerConfig(build_dir=build_dir, store=f"http://127.0.0.1:{port}/query"))
    try:
        r = app.test_client().get("/sparql", query_string={"query": ASK_IRAN})
        assert r.status_code == 503 and r.mimetype == "application/problem+json" and r.headers["Retry-After"]
    finally:
        app.extensions["alliance_kg"].close()


def test_row_cap_on_a_remote_store(build_dir, server):
    push(build_dir, server.gsp_url, server.query_url)
    app = app_on(build_dir, server, max_rows=5)
    try:
        r = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["X-SPARQL-Truncated"] == "true"
        assert len(r.data.decode().strip().splitlines()) == 1 + 5
    finally:
        app.extensions["alliance_kg"].close()
