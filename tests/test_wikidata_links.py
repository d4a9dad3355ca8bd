"""The Wikidata links of the curated actors: each cites its QID, and the unlinked ones are accounted for."""
from __future__ import annotations

import re

from alliance_kg.graph.corpus import REPOSITORY_CORPUS
from alliance_kg.graph.curation import load_actors

ACTORS = load_actors(REPOSITORY_CORPUS / "actors.yaml")


def test_every_evidence_names_the_qid_it_supports():
    for actor in ACTORS.values():
        if actor.wikidata:
            # The source states the QID (as "Q794", or as "…,794" in a WD~Label,number link).
            digits = actor.wikidata.qid[1:]
            assert re.search(rf"(?<!\d){digits}(?!\d)", actor.wikidata.evidence), actor.id


def test_no_qid_is_given_to_two_actors():
    qids = [a.wikidata.qid for a in ACTORS.values() if a.wikidata]
    assert len(qids) == len(set(qids))


def test_the_data_readme_accounts_for_every_actor_without_a_qid():
    text = (REPOSITORY_CORPUS / "README.md").read_text(encoding="utf-8")
    section = text.split("### Wikidata links", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    listed = {name for line in table for name in re.findall(r"`([A-Za-z0-9_-]+)`", line.split(" | ")[0])}
    unlinked = {a.id for a in ACTORS.values() if a.wikidata is None}
    assert listed == unlinked
    linked = len(ACTORS) - len(unlinked)
    assert f"{linked} of the {len(ACTORS)} actors are linked. The {len(unlinked)} without a QID" in section
