"""Small helpers shared by the tests (fixtures live in conftest.py)."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from graph.config import PROJECT_ROOT, BuildConfig

AK = "https://w3id.org/alliance-kg/ontology#"
ID = "https://w3id.org/alliance-kg/id/"
BASE = "https://w3id.org/alliance-kg/"


def copy_of_data(tmp_path: Path) -> BuildConfig:
    """A BuildConfig over a private copy of graph/data/, so a test can break it freely."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "graph" / "data", data)
    return replace(BuildConfig(), data_dir=data, build_dir=tmp_path / "build")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
