"""The alliance-kg web application: SPARQL endpoint, linked-data documents and pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from graph.iris import Iris
from server import http
from server.cache import AnswerCache
from server.config import ServerConfig
from server.dataset import PublishedDataset


@dataclass
class Site:
    """What every view needs, built once at start-up (never per request)."""

    config: ServerConfig
    dataset: PublishedDataset
    iris: Iris
    engine: object   # server.engine.QueryEngine
    answers: AnswerCache


def site() -> Site:
    return current_app.extensions["alliance_kg"]


def create_app(config: ServerConfig | None = None) -> Flask:
    from server.engine import create_engine
    from server.views import register_views

    config = config or ServerConfig()
    dataset = PublishedDataset.open(config.build_dir)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["alliance_kg"] = Site(config=config, dataset=dataset, iris=Iris(dataset.base),
                                         engine=create_engine(config, dataset),
                                         answers=AnswerCache(config.cache_entries))
    http.install(app)
    register_views(app)
    return app
