"""The README's example queries answer what the articles say (they run against a fresh build)."""
from __future__ import annotations

import pytest
import yaml

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.localquery import LocalDataset
from tests.helpers import curated_claims

QUERIES = BuildConfig.for_corpus().queries_dir
EXPECTED = yaml.safe_load((QUERIES / "expected.yaml").read_text(encoding="utf-8"))
# Federated queries ask a remote endpoint; tests/test_federation.py runs them against a stand-in.
LOCAL = {name: expected for name, expected in EXPECTED.items() if "service" not in expected}


def test_every_query_file_has_an_expectation_and_a_title():
    files = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert files == sorted(EXPECTED)
    for name in files:
        assert (QUERIES / name).read_text(encoding="utf-8").startswith("# title: ")


@pytest.fixture(scope="module")
def local(build_dir):
    return LocalDataset.open(build_dir)


@pytest.mark.parametrize("name", sorted(LOCAL))
def test_example_query(local, name):
    expected = LOCAL[name]
    result = local.execute((QUERIES / name).read_text(encoding="utf-8"), expected.get("inferred", False))
    values = {s[expected["column"]].value for s in result}
    wanted = expected["values"]
    if wanted == "counted from the claim files":
        wanted = curated_claims().values()
    assert values == {str(v) for v in wanted}


def test_claims_per_document_matches_the_curated_files(local):
    from alliance_kg.graph.curation import load_yaml
    config = BuildConfig.for_corpus()
    curated = {p.stem: len(load_yaml(p)["claims"]) for p in config.claims_dir.glob("*.yaml")}
    rows = local.execute((QUERIES / "6-claims-per-document.rq").read_text(encoding="utf-8"))
    counted = {s["document"].value.rsplit("/", 1)[1]: int(s["claims"].value) for s in rows}
    assert counted == curated
