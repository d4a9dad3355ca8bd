"""Shared fixtures: one real build of the seeds per test session, and an app over it."""
from __future__ import annotations

import pytest

from alliance_kg.graph.config import BuildConfig


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    """The real dataset, built once from the repository's corpus (seeds/, graph/data/) and ontology/ into a temporary dir."""
    from alliance_kg.graph.pipeline import build

    out = tmp_path_factory.mktemp("published") / "build"
    build(BuildConfig.for_corpus(build_dir=out))
    return out


@pytest.fixture(scope="session")
def app(build_dir):
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    application = create_app(ServerConfig(build_dir=build_dir))
    application.testing = True
    yield application
    application.extensions["alliance_kg"].close()


@pytest.fixture()
def client(app):
    return app.test_client()
