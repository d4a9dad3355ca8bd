"""`alliance-kg link`: candidates from Wikidata's API as proposals for review, never into actors.yaml.

The API is a local stand-in serving recorded answers in the API's own JSON format
(tests/fixtures/wikidata/); the corpus is the test's own.
"""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from alliance_kg.cli import main
from tests.standins import WikidataApiStandIn, free_port

ACTORS = """\
actors:
  - id: Iran
    class: State
    label: Iran
    altLabels: [Islamic Republic of Iran]
  - id: Ali_Khamenei
    class: Person
    label: Ali Khamenei
  - id: Hezbollah
    class: NonStateArmedGroup
    label: Hezbollah
  - id: Nowhere_Front
    class: Militia
    label: Nowhere Front
  - id: Iraq
    class: State
    label: Iraq
    wikidata:
      id: Q796
      evidence: "a test corpus's evidence"
"""


@pytest.fixture()
def corpus(tmp_path):
    root = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["init", str(root)])
    assert result.exit_code == 0, result.output
    (root / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    return root


def link(corpus, *args):
    return CliRunner().invoke(main, ["--corpus", str(corpus), "link", *args])


def proposals(corpus) -> dict:
    data = yaml.safe_load((corpus / "proposed" / "wikidata-links.yaml").read_text(encoding="utf-8"))
    return {p["actor"]: p for p in data["proposals"]}


def test_candidates_are_proposed_with_the_api_answers_as_evidence(corpus):
    before = (corpus / "actors.yaml").read_bytes()
    with WikidataApiStandIn() as api:
        result = link(corpus, "--api", api.url)
    assert result.exit_code == 0, result.output
    assert (corpus / "actors.yaml").read_bytes() == before          # never written by the command
    found = proposals(corpus)
    assert sorted(found) == ["Ali_Khamenei", "Hezbollah", "Iran", "Nowhere_Front"]   # Iraq has its QID

    iran = found["Iran"]
    assert iran["searched"] == ["Iran", "Islamic Republic of Iran"]
    assert [c["id"] for c in iran["candidates"]] == ["Q794", "Q4892743"]
    first = iran["candidates"][0]
    assert first["matches"] == ["Iran", "Islamic Republic of Iran"]   # label and alias
    assert first["class_fit"] is True
    assert {"id": "Q6256", "label": "country"} in first["instance_of"]
    assert first["found_by"] == ["Iran", "Islamic Republic of Iran"]
    assert first["wikidata"]["id"] == "Q794"
    assert first["wikidata"]["evidence"].endswith("answers saved in proposed/wikidata/Iran.json")
    assert iran["evidence"] == "proposed/wikidata/Iran.json"
    assert iran["candidates"][1]["class_fit"] is False               # an item without a state class

    assert found["Ali_Khamenei"]["candidates"][0]["class_fit"] is True          # human
    assert found["Hezbollah"]["candidates"][0]["class_fit"] is None             # not judged for this class
    assert found["Hezbollah"]["candidates"][0]["instance_of"] == []
    assert found["Nowhere_Front"]["candidates"] == []
    assert "Nowhere_Front: no candidate" in result.output
    assert "Iran: 2 candidate(s), first Q794 'Iran' (name matches)" in result.output

    evidence = json.loads((corpus / "proposed" / "wikidata" / "Iran.json").read_text(encoding="utf-8"))
    actions = [r["params"]["action"] for r in evidence["requests"]]
    assert actions == ["wbsearchentities", "wbsearchentities", "wbgetentities", "wbgetentities"]
    assert evidence["requests"][0]["response"]["search"][0]["id"] == "Q794"     # the answer as served
    entities = evidence["requests"][2]["response"]["entities"]
    assert entities["Q794"]["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]["id"] == "Q6256"
    assert set(entities["Q794"]["claims"]) == {"P31"}     # the capital (P36) served with it is not kept


def test_requests_follow_the_api_and_name_the_client(corpus):
    with WikidataApiStandIn() as api:
        assert link(corpus, "--api", api.url, "Hezbollah").exit_code == 0
    search, entities = api.requests[0], api.requests[1]
    assert search["params"] == {"action": "wbsearchentities", "search": "Hezbollah", "language": "en",
                                "uselang": "en", "type": "item", "limit": "5", "format": "json"}
    assert entities["params"]["action"] == "wbgetentities" and entities["params"]["ids"] == "Q41053"
    assert set(entities["params"]["props"].split("|")) == {"labels", "aliases", "descriptions", "claims"}
    assert search["user_agent"].startswith("alliance-kg-link/")
    assert sorted(proposals(corpus)) == ["Hezbollah"]                 # only the actor asked for


def test_a_second_run_and_an_offline_run_use_the_cache(corpus):
    with WikidataApiStandIn() as api:
        assert link(corpus, "--api", api.url).exit_code == 0
        asked = len(api.requests)
        assert link(corpus, "--api", api.url).exit_code == 0
        assert len(api.requests) == asked                              # everything came from the cache
    first = (corpus / "proposed" / "wikidata-links.yaml").read_text(encoding="utf-8")
    result = link(corpus, "--offline")                                 # the stand-in is gone
    assert result.exit_code == 0, result.output
    assert proposals(corpus)["Iran"]["candidates"][0]["id"] == "Q794"
    assert (corpus / "proposed" / "wikidata-links.yaml").read_text(encoding="utf-8") == first


def test_offline_without_the_answer_in_the_cache_says_so(corpus, tmp_path):
    result = link(corpus, "--offline", "--cache", str(tmp_path / "empty-cache.json"), "Iran")
    assert result.exit_code == 1
    assert "offline, and the cache" in result.output and "has no answer" in result.output


def test_an_unreachable_api_is_one_clear_line(corpus):
    result = link(corpus, "--api", f"http://127.0.0.1:{free_port()}/w/api.php", "Iran")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: Wikidata's API at http://127.0.0.1:") and "is unreachable" in lines[0]
    assert not (corpus / "proposed" / "wikidata-links.yaml").exists()


def test_an_error_answer_of_the_api_is_reported(corpus, monkeypatch):
    with WikidataApiStandIn() as api:
        monkeypatch.setattr(api, "answer", lambda path, params: (200, {"error": {
            "code": "maxlag", "info": "Waiting for a database server: 6 seconds lagged."}}))
        result = link(corpus, "--api", api.url, "Iran")
    assert result.exit_code == 1
    assert "Wikidata's API refused" in result.output and "maxlag" in result.output


def test_a_server_error_is_reported_with_its_status(corpus, monkeypatch):
    with WikidataApiStandIn() as api:
        monkeypatch.setattr(api, "answer", lambda path, params: (503, {}))
        result = link(corpus, "--api", api.url, "Iran")
    assert result.exit_code == 1 and "answered HTTP 503" in result.output


def test_unknown_and_already_linked_actors(corpus):
    result = link(corpus, "--offline", "Atlantis")
    assert result.exit_code == 1 and "unknown actor id(s): Atlantis" in result.output
    result = link(corpus, "--offline", "Iraq")
    assert result.exit_code == 0
    assert "Iraq: already linked to Q796; nothing proposed" in result.output


# -- `alliance-kg propose`: new actors of a document go through the same path ---------------------
ARTICLE = """Iran and its partners

Iran supports Hezbollah with weapons and money. Iran also backs the Nowhere Front in the region.
"""


@pytest.fixture()
def article(tmp_path):
    """A corpus whose actors.yaml knows Iran only, and a document naming two actors it does not know."""
    root = tmp_path / "corpus"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    (root / "actors.yaml").write_text("actors:\n  - id: Iran\n    class: State\n    label: Iran\n", encoding="utf-8")
    text = tmp_path / "article.txt"
    text.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["--corpus", str(root), "add", str(text)])
    assert result.exit_code == 0, result.output
    return root, result.output.strip().splitlines()[-1]


def propose_doc(root, doc_id, *args):
    return CliRunner().invoke(main, ["--corpus", str(root), "propose", doc_id, "--force", *args])


def proposed_actors(root, doc_id) -> dict:
    data = yaml.safe_load((root / "proposed" / f"{doc_id}.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a for a in data["actors"]}


def test_propose_offline_says_so_and_still_proposes(article):
    root, doc_id = article
    result = propose_doc(root, doc_id)
    assert result.exit_code == 0, result.output
    assert "wikidata: offline, candidates from the cache only (--wikidata asks the API)" in result.output
    actors = proposed_actors(root, doc_id)
    assert sorted(actors) == ["Hezbollah", "Nowhere_Front"]
    for actor in actors.values():
        assert actor["wikidataCandidates"]["status"] == "offline"
        assert "no answer for" in actor["wikidataCandidates"]["detail"]
        assert "candidates" not in actor["wikidataCandidates"]
    assert "wikidata: Hezbollah: offline: no answer for 'Hezbollah' in the cache" in result.output
    assert not (root / "proposed" / "wikidata-links.yaml").exists()


def test_propose_asks_the_api_through_the_link_path(article):
    root, doc_id = article
    before = (root / "actors.yaml").read_bytes()
    with WikidataApiStandIn() as api:
        result = propose_doc(root, doc_id, "--api", api.url)
    assert result.exit_code == 0, result.output
    assert (root / "actors.yaml").read_bytes() == before
    searched = [r["params"]["search"] for r in api.requests if r["params"]["action"] == "wbsearchentities"]
    assert searched == ["Hezbollah", "Nowhere Front"]                  # the new actors only, not Iran

    actors = proposed_actors(root, doc_id)
    hezbollah = actors["Hezbollah"]["wikidataCandidates"]
    assert hezbollah["status"] == "candidates"
    assert [c["id"] for c in hezbollah["candidates"]] == ["Q41053"]
    assert hezbollah["candidates"][0]["matches"] == ["Hezbollah"]
    assert hezbollah["evidence"] == "proposed/wikidata/Hezbollah.json"
    assert actors["Nowhere_Front"]["wikidataCandidates"]["status"] == "no candidate"

    # The same files `alliance-kg link` writes: the saved answers, and a ready block for review.
    evidence = json.loads((root / "proposed" / "wikidata" / "Hezbollah.json").read_text(encoding="utf-8"))
    assert evidence["requests"][0]["response"]["search"][0]["id"] == "Q41053"
    links = proposals(root)
    assert sorted(links) == ["Hezbollah", "Nowhere_Front"]
    assert links["Hezbollah"]["candidates"][0]["wikidata"]["id"] == "Q41053"

    # Accepting the claim adds the actor without any QID: a person copies the block after checking it.
    result = CliRunner().invoke(main, ["--corpus", str(root), "accept", doc_id, "--all"])
    assert result.exit_code == 0, result.output
    curated = {a["id"]: a for a in yaml.safe_load((root / "actors.yaml").read_text(encoding="utf-8"))["actors"]}
    assert set(curated["Hezbollah"]) == {"id", "class", "label"}
    assert CliRunner().invoke(main, ["--corpus", str(root), "validate"]).exit_code == 0


def test_propose_offline_after_an_online_run_uses_the_cache(article):
    root, doc_id = article
    with WikidataApiStandIn() as api:
        assert propose_doc(root, doc_id, "--api", api.url).exit_code == 0
    result = propose_doc(root, doc_id)                                  # the stand-in is gone
    assert result.exit_code == 0, result.output
    hezbollah = proposed_actors(root, doc_id)["Hezbollah"]["wikidataCandidates"]
    assert hezbollah["status"] == "candidates" and "the cache (offline)" in hezbollah["detail"]
    assert hezbollah["candidates"][0]["id"] == "Q41053"


def test_propose_with_the_api_unreachable_still_proposes(article):
    root, doc_id = article
    result = propose_doc(root, doc_id, "--api", f"http://127.0.0.1:{free_port()}/w/api.php")
    assert result.exit_code == 0, result.output
    actors = proposed_actors(root, doc_id)
    first = actors["Hezbollah"]["wikidataCandidates"]
    assert first["status"] == "unreachable" and "is unreachable" in first["detail"]
    # after one failure the others are answered from the cache only, not tried again
    assert actors["Nowhere_Front"]["wikidataCandidates"]["status"] == "offline"
    data = yaml.safe_load((root / "proposed" / f"{doc_id}.yaml").read_text(encoding="utf-8"))
    assert [c["object"] for c in data["claims"]] == ["Hezbollah", "Nowhere_Front"]
