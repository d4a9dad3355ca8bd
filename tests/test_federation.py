"""The federated tour query: our actors joined with Wikidata through SERVICE.

No test touches the network: the SERVICE endpoint is a local stand-in (Oxigraph's server over a few of
Wikidata's triples, tests/fixtures/wikidata/), and the query's Wikidata IRI is pointed at it.
"""
from __future__ import annotations

import contextlib
import json

import pytest
import yaml

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.localquery import LocalDataset
from alliance_kg.server.app import create_app
from alliance_kg.server.config import ServerConfig
from tests.helpers import ID
from tests.standins import FIXTURES, SparqlStandIn

QUERIES = BuildConfig.for_corpus().queries_dir
EXPECTED = yaml.safe_load((QUERIES / "expected.yaml").read_text(encoding="utf-8"))
FEDERATED = {name: expected for name, expected in EXPECTED.items() if "service" in expected}


def test_the_tour_has_a_federated_query():
    assert FEDERATED, "the tour's federated example is missing from expected.yaml"
    for name, expected in FEDERATED.items():
        text = (QUERIES / name).read_text(encoding="utf-8")
        assert f"SERVICE <{expected['service']}>" in text
        assert (FIXTURES / expected["standin"]).is_file()


@pytest.fixture(scope="module")
def standins(tmp_path_factory):
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(SparqlStandIn(FIXTURES / e["standin"], tmp_path_factory.mktemp(name)))
               for name, e in FEDERATED.items()}


def pointed_at(name: str, url: str) -> str:
    return (QUERIES / name).read_text(encoding="utf-8").replace(f"<{FEDERATED[name]['service']}>", f"<{url}>")


@pytest.mark.parametrize("name", sorted(FEDERATED))
def test_federated_query_joins_our_actors_with_the_endpoint(build_dir, standins, name):
    expected = FEDERATED[name]
    result = LocalDataset.open(build_dir).execute(pointed_at(name, standins[name].url))
    rows = list(result)
    assert {r[expected["column"]].value for r in rows} == set(expected["values"])
    assert [v.value for v in result.variables] == ["actor", "label", "item", "wikidataLabel"]
    iran = next(r for r in rows if r["label"].value == "Iran")
    assert iran["actor"].value == ID + "Iran"
    assert iran["item"].value == "http://www.wikidata.org/entity/Q794"
    assert iran["wikidataLabel"].language == "en"


@pytest.mark.parametrize("name", sorted(FEDERATED))
def test_the_endpoint_federates_only_with_an_allow_listed_service(build_dir, standins, name):
    expected = FEDERATED[name]
    url = standins[name].url
    query = pointed_at(name, url)
    allowed = create_app(ServerConfig(build_dir=build_dir, service_allowlist=(url,)))
    closed = create_app(ServerConfig(build_dir=build_dir))
    try:
        r = allowed.test_client().get("/sparql", query_string={"query": query})
        assert r.status_code == 200, r.data
        bindings = json.loads(r.data)["results"]["bindings"]
        assert {b[expected["column"]]["value"] for b in bindings} == set(expected["values"])
        # Without the allow-list, neither the stand-in nor Wikidata itself is called: 403 before evaluation.
        for q in (query, (QUERIES / name).read_text(encoding="utf-8")):
            refused = closed.test_client().get("/sparql", query_string={"query": q})
            assert refused.status_code == 403
            assert "is not allowed" in json.loads(refused.data)["detail"]
    finally:
        allowed.extensions["alliance_kg"].close()
        closed.extensions["alliance_kg"].close()
