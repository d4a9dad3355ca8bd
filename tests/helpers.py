"""Small helpers shared by the tests (fixtures live in conftest.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.corpus import REPOSITORY_CORPUS, Corpus

AK = "https://w3id.org/alliance-kg/ontology#"
ID = "https://w3id.org/alliance-kg/id/"
BASE = "https://w3id.org/alliance-kg/"


def copy_of_data(tmp_path: Path) -> BuildConfig:
    """A BuildConfig over a private copy of the repository's corpus (its curated files; the documents
    stay where they are), so a test can break it freely. ALLIANCE_KG_CORPUS=<corpus root> names it."""
    data = tmp_path / "data"
    shutil.copytree(REPOSITORY_CORPUS, data)
    repository = Corpus.open(REPOSITORY_CORPUS)
    (data / "corpus.yaml").write_text(f"documents: {repository.documents_dir}\nbuild: {tmp_path / 'build'}\n",
                                      encoding="utf-8")
    return BuildConfig.for_corpus(data)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def published_dir(build_dir: Path) -> Path:
    """The directory of the version a build directory publishes (build/versions/<version>)."""
    from alliance_kg.graph.release import current

    version = current(build_dir)
    assert version is not None, f"no published version in {build_dir}"
    return version


def published_paths(build_dir: Path) -> list[Path]:
    """The files a version publishes: everything in its directory but the servers' query store
    (graph/store.py), which is derived from them and published nowhere."""
    from alliance_kg.graph.store import STORE_DIR

    return sorted(p for p in published_dir(build_dir).iterdir() if p.name != STORE_DIR)


# --- expectations computed from the curated data (so that curating a new document breaks no test) ---

def curated_documents(config: BuildConfig | None = None) -> list[str]:
    """The ids of the documents the corpus curates (documents.yaml)."""
    import yaml
    config = config or BuildConfig.for_corpus()
    return [d["id"] for d in yaml.safe_load(config.documents_file.read_text(encoding="utf-8"))["documents"]]


def curated_claims(config: BuildConfig | None = None) -> dict[str, int]:
    """Claims per document, as the curated claim files hold them."""
    import yaml
    config = config or BuildConfig.for_corpus()
    return {p.stem: len(yaml.safe_load(p.read_text(encoding="utf-8"))["claims"]) for p in config.claims_dir.glob("*.yaml")}


def expected_graphs(config: BuildConfig | None = None, base: str = BASE) -> set[str]:
    """Every named graph a build publishes: ontology, actors, inferred, and one per document."""
    return {f"{base}graph/{name}" for name in ("ontology", "actors", "inferred")} | \
        {f"{base}graph/document/{d}" for d in curated_documents(config)}


def scratch_corpus(tmp_path: Path) -> Corpus:
    """A private corpus with copies of the repository's curated files AND its documents, so a test
    can add documents and accept claims into it."""
    root = tmp_path / "corpus"
    shutil.copytree(REPOSITORY_CORPUS, root, ignore=shutil.ignore_patterns("corpus.yaml", "proposed"))
    shutil.copytree(Corpus.open(REPOSITORY_CORPUS).documents_dir, root / "documents")
    (root / "corpus.yaml").write_text(f"documents: documents\nbuild: {tmp_path / 'build'}\n", encoding="utf-8")
    return Corpus.open(root)
