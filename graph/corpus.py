"""A corpus: the directory that holds what a build reads and that is not code.

    <corpus>/corpus.yaml       optional: where the documents and the build live, if not below
    <corpus>/documents/        the source documents, byte for byte (offsets into them are data)
    <corpus>/documents.yaml    each document's id, file, SHA-256, title and junk line ranges
    <corpus>/actors.yaml       every actor, place and event
    <corpus>/claims/           the curated claims, one file per document
    <corpus>/proposed/         drafts for review, never published: claims (`alliance-kg propose`),
                               Wikidata candidates (`alliance-kg link`)
    <corpus>/queries/          example SPARQL queries (`# title:` first line) and their expected answers
    <corpus>/build/            the published dataset

The repository's own corpus (graph/data/) keeps its documents in seeds/ and its build in build/ at the
repository root; its corpus.yaml says so. Which corpus a command works on is decided here only:
`--corpus DIR`, else ALLIANCE_KG_CORPUS, else the repository's own corpus when running from a checkout.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

MANIFEST = "corpus.yaml"
ENVIRONMENT = "ALLIANCE_KG_CORPUS"
# The checkout this module lives in, when it lives in one (an installed wheel has no corpus beside it).
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
REPOSITORY_CORPUS = REPOSITORY_ROOT / "graph" / "data"


class CorpusMissing(Exception):
    """No corpus where one was expected; the message says how to make or name one."""


@dataclass(frozen=True)
class Corpus:
    root: Path
    documents_dir: Path
    build_dir: Path

    # -- the files a build reads ---------------------------------------------------------------
    @property
    def documents_file(self) -> Path:
        return self.root / "documents.yaml"

    @property
    def actors_file(self) -> Path:
        return self.root / "actors.yaml"

    @property
    def claims_dir(self) -> Path:
        return self.root / "claims"

    @property
    def proposed_dir(self) -> Path:
        return self.root / "proposed"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def display(self, path: Path) -> str:
        """A path as a person reads it in an error message: relative to the corpus's parent folder."""
        path = Path(path).resolve()
        for anchor in (REPOSITORY_ROOT, self.root.parent):
            try:
                return str(path.relative_to(anchor))
            except ValueError:
                continue
        return str(path)

    # -- finding one ---------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path | str) -> "Corpus":
        root = Path(root).resolve()
        if not (root / "documents.yaml").is_file():
            raise CorpusMissing(f"{root} is not a corpus (no documents.yaml): "
                                f"create one with `alliance-kg init {root}`")
        settings: dict = {}
        manifest = root / MANIFEST
        if manifest.is_file():
            try:
                settings = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as e:
                raise CorpusMissing(f"{manifest}: not valid YAML: {e}") from None
            if not isinstance(settings, dict) or set(settings) - {"documents", "build"}:
                raise CorpusMissing(f"{manifest}: expected a mapping with the keys 'documents' and 'build'")
        return cls(root=root,
                   documents_dir=(root / settings.get("documents", "documents")).resolve(),
                   build_dir=(root / settings.get("build", "build")).resolve())

    @classmethod
    def default(cls) -> "Corpus":
        named = os.environ.get(ENVIRONMENT)
        if named:
            return cls.open(named)
        if (REPOSITORY_CORPUS / "documents.yaml").is_file():
            return cls.open(REPOSITORY_CORPUS)
        raise CorpusMissing(f"no corpus given: pass --corpus DIR or set {ENVIRONMENT} "
                            "(`alliance-kg init DIR` creates an empty one)")

    @classmethod
    def resolve(cls, root: Path | str | None) -> "Corpus":
        return cls.open(root) if root else cls.default()


EMPTY_FILES = {
    "documents.yaml": (
        "# The source documents of this corpus and the parts of them that are web junk.\n"
        "# Each document is a file in documents/, kept byte for byte: evidence offsets count Unicode code\n"
        "# points of that file, so the build checks its SHA-256. `junk` lists 1-based inclusive line ranges\n"
        "# that are not the article (kinds: {kinds}); no claim may quote from them.\n"
        "documents: []\n"),
    "actors.yaml": (
        "# Every actor, place and event the claims name (see the class list in the ontology).\n"
        "actors: []\n"),
}


def init(root: Path | str) -> Corpus:
    """Create an empty corpus at root (refusing a folder that already holds one)."""
    from alliance_kg.graph.curation import JUNK_KINDS

    root = Path(root).resolve()
    if (root / "documents.yaml").exists():
        raise CorpusMissing(f"{root} already holds a corpus")
    for folder in ("documents", "claims", "proposed", "queries"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name, text in EMPTY_FILES.items():
        (root / name).write_text(text.format(kinds=", ".join(JUNK_KINDS)), encoding="utf-8")
    (root / "queries" / "expected.yaml").write_text(
        "# Expected answers of the example queries, checked by the tests: <file>: <answer>\n{}\n", encoding="utf-8")
    return Corpus.open(root)
