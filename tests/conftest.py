"""Shared fixtures: one real build of the seeds per test session, and an app over it.

The app runs on a backend: `embedded` (pyoxigraph in-process, the default), or a real triplestore
the fixtures start themselves and load with `alliance-kg push`: `oxigraph` (Oxigraph's server, from
PyPI) and `virtuoso` (Virtuoso Open Source, from Debian). A test module opts into every backend with
`pytestmark = stores.BACKENDS`; every other module gets the embedded one.
"""
from __future__ import annotations

import pytest

from alliance_kg.graph.config import BuildConfig
from tests import stores


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    """The real dataset, built once from the repository's corpus (seeds/, graph/data/) and ontology/ into a temporary dir."""
    from alliance_kg.graph.pipeline import build

    out = tmp_path_factory.mktemp("published") / "build"
    build(BuildConfig.for_corpus(build_dir=out))
    return out


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    with stores.oxigraph(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    with stores.virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def backend(request):
    return getattr(request, "param", "embedded")


@pytest.fixture(scope="session")
def store_url(backend, build_dir, request):
    """The query endpoint of the backend's store, loaded with the build ("" for the embedded one)."""
    if backend == "embedded":
        return ""
    from alliance_kg.push import push

    server = request.getfixturevalue(f"{backend}_server")
    push(build_dir, server.gsp_url, server.query_url)
    return server.query_url


@pytest.fixture(scope="session")
def app(build_dir, store_url):
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    application = create_app(ServerConfig(build_dir=build_dir, store=store_url))
    application.testing = True
    yield application
    application.extensions["alliance_kg"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


# The repository corpus checked (not published), its triples as one graph (a fresh copy per test, which
# a shape test may break), and the shapes: shared by the shape tests.
@pytest.fixture(scope="session")
def checked():
    from alliance_kg.graph.pipeline import check

    return check(BuildConfig.for_corpus())


@pytest.fixture()
def data(checked):
    from rdflib import Graph

    g = Graph()
    for quad in checked.assembled.dataset.quads((None, None, None, None)):
        g.add(quad[:3])
    return g


@pytest.fixture(scope="session")
def shapes():
    from alliance_kg.graph.load import load_turtle

    config = BuildConfig.for_corpus()
    return load_turtle(config.shapes_file, config.base)


# --- the browser tests (tests/browsing.py) ---------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, one per test module (make browser installs it)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.browsing import ARGS, CHROMIUM

    assert Path(CHROMIUM).exists(), "Debian's chromium is required (make browser installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """A new page in a context of its own (screen size, script on or off), closed after the test."""
    from tests.browsing import DESKTOP

    contexts = []

    def open_(viewport=DESKTOP, javascript: bool = True):
        context = chromium.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: the test's own folder, or docs/screenshots under `make screenshots`."""
    import os
    from pathlib import Path

    from tests.browsing import SCREENSHOTS_ENV

    return Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)


@pytest.fixture(scope="session")
def axe_script():
    """axe-core from the npm registry (package.json's devDependencies), installed if missing."""
    import subprocess

    from tests.browsing import AXE, ROOT

    if not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    return AXE


@pytest.fixture(scope="module")
def site_url(build_dir):
    """The seeds' build served on a free port, for a browser."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig
    from tests.test_sparql_safety import serving

    app = create_app(ServerConfig(build_dir=build_dir))
    try:
        with serving(app) as base:
            yield base
    finally:
        app.extensions["alliance_kg"].close()
