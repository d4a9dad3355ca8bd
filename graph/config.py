"""Where the pipeline reads from and writes to: the one place for paths and the base IRI.

Every setting can be overridden by an environment variable so that the CLI, the server and the
tests agree without passing paths around.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE = "https://w3id.org/alliance-kg/"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class BuildConfig:
    """Inputs and output of one build."""

    base: str = field(default_factory=lambda: os.environ.get("ALLIANCE_KG_BASE", DEFAULT_BASE))
    seeds_dir: Path = field(default_factory=lambda: _env_path("ALLIANCE_KG_SEEDS", PROJECT_ROOT / "seeds"))
    ontology_dir: Path = field(default_factory=lambda: _env_path("ALLIANCE_KG_ONTOLOGY", PROJECT_ROOT / "ontology"))
    data_dir: Path = field(default_factory=lambda: _env_path("ALLIANCE_KG_DATA", PROJECT_ROOT / "graph" / "data"))
    queries_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "graph" / "queries")
    build_dir: Path = field(default_factory=lambda: _env_path("ALLIANCE_KG_BUILD", PROJECT_ROOT / "build"))

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base!r}")

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "alliance.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def context_file(self) -> Path:
        return self.ontology_dir / "context.jsonld"

    @property
    def actors_file(self) -> Path:
        return self.data_dir / "actors.yaml"

    @property
    def documents_file(self) -> Path:
        return self.data_dir / "documents.yaml"

    @property
    def claims_dir(self) -> Path:
        return self.data_dir / "claims"
