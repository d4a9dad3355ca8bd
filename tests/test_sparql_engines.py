"""Every README example query gives the same answers through the endpoint (pyoxigraph) and rdflib."""
from __future__ import annotations

import io

import pytest
import rdflib
import yaml
from rdflib.query import Result

from alliance_kg.graph.config import BuildConfig
from tests.helpers import BASE

QUERIES = BuildConfig.for_corpus().queries_dir
EXPECTED = yaml.safe_load((QUERIES / "expected.yaml").read_text(encoding="utf-8"))
# Federated queries ask a remote endpoint; tests/test_federation.py runs them against a stand-in.
LOCAL = {name: expected for name, expected in EXPECTED.items() if "service" not in expected}


@pytest.fixture(scope="module")
def rdflib_datasets(build_dir):
    """rdflib's view of the same data: the asserted union, and the union with inferences."""
    everything = rdflib.Dataset()
    everything.parse(build_dir / "dataset.nq", format="nquads")
    asserted, inferred = rdflib.Graph(), rdflib.Graph()
    for s, p, o, g in everything.quads((None, None, None, None)):
        inferred.add((s, p, o))
        if str(g) != BASE + "graph/inferred":
            asserted.add((s, p, o))
    return {False: asserted, True: inferred}


def rows(result: Result) -> list[tuple]:
    return sorted(tuple(str(v) if v is not None else None for v in row) for row in result)


@pytest.mark.parametrize("name", sorted(LOCAL))
def test_same_answers_on_both_engines(client, rdflib_datasets, name):
    query = (QUERIES / name).read_text(encoding="utf-8")
    inferred = LOCAL[name].get("inferred", False)
    r = client.get("/sparql", query_string={"query": query, "inferred": str(inferred).lower()})
    assert r.status_code == 200
    ours = Result.parse(io.BytesIO(r.data), format="json")
    theirs = rdflib_datasets[inferred].query(query)
    assert [str(v) for v in ours.vars] == [str(v) for v in theirs.vars]
    assert rows(ours) == rows(theirs) and len(rows(ours)) > 0
