"""What one build reads and writes: the corpus, the ontology files, the base IRI and the output.

The corpus (documents, curation, queries) is data and lives apart from the code (graph/corpus.py);
the ontology, shapes and JSON-LD context are part of the installed package (alliance_kg.ontology).
Every setting can be overridden by an environment variable so that the CLI, the server and the tests
agree without passing paths around.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path

from alliance_kg.graph.corpus import Corpus

DEFAULT_BASE = "https://w3id.org/alliance-kg/"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).resolve() if value else None


def packaged_ontology_dir() -> Path:
    """The ontology files of the installed package (the source tree's ontology/ in a checkout)."""
    return Path(str(files("alliance_kg.ontology")))


@dataclass(frozen=True)
class BuildConfig:
    """Inputs and output of one build."""

    corpus: Corpus = field(default_factory=Corpus.default)
    base: str = field(default_factory=lambda: os.environ.get("ALLIANCE_KG_BASE", DEFAULT_BASE))
    ontology_dir: Path = field(default_factory=lambda: _env_path("ALLIANCE_KG_ONTOLOGY") or packaged_ontology_dir())
    build_dir: Path = None  # type: ignore[assignment]  # None: the corpus's build folder (set in __post_init__)

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base!r}")
        if self.build_dir is None:
            object.__setattr__(self, "build_dir", _env_path("ALLIANCE_KG_BUILD") or self.corpus.build_dir)

    @classmethod
    def for_corpus(cls, corpus: Path | str | Corpus | None = None, build_dir: Path | str | None = None,
                   **changes) -> "BuildConfig":
        if not isinstance(corpus, Corpus):
            corpus = Corpus.resolve(corpus)
        resolved = Path(build_dir).resolve() if build_dir else None
        return cls(corpus=corpus, build_dir=resolved, **changes)  # type: ignore[arg-type]

    def with_documents(self, documents_dir: Path) -> "BuildConfig":
        return replace(self, corpus=replace(self.corpus, documents_dir=Path(documents_dir)))

    # -- the corpus's files, named as the pipeline reads them -------------------------------------
    @property
    def documents_dir(self) -> Path:
        return self.corpus.documents_dir

    @property
    def documents_file(self) -> Path:
        return self.corpus.documents_file

    @property
    def actors_file(self) -> Path:
        return self.corpus.actors_file

    @property
    def claims_dir(self) -> Path:
        return self.corpus.claims_dir

    @property
    def queries_dir(self) -> Path:
        return self.corpus.queries_dir

    # -- the package's files ---------------------------------------------------------------------
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
    def cache_dir(self) -> Path:
        """Per-document parts kept between builds (graph/cache.py): beside the build folder, never in
        it, since every file in a version of the build folder is published."""
        return self.build_dir.parent / f"{self.build_dir.name}.cache"
