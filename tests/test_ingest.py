"""The ingestion path: junk detection, `add`, the proposer's cue families, hedges, denials, times,
the anchoring check of every proposal, accept / reject, and the commands end to end."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_kg.cli import main
from alliance_kg.graph import anchor
from alliance_kg.graph.clean import read_source
from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.corpus import REPOSITORY_CORPUS, REPOSITORY_ROOT, Corpus
from alliance_kg.graph.curation import ActorRecord, JunkRange, Origin, load_actors, load_claims, load_documents
from alliance_kg.graph.ingest import junk as junk_rules
from alliance_kg.graph.ingest import review, yamlio
from alliance_kg.graph.ingest.add import AddError, add_document
from alliance_kg.graph.ingest.commands import review_paths, run_propose
from alliance_kg.graph.ingest.gazetteer import Gazetteer
from alliance_kg.graph.ingest.propose import Document, Proposal, proposal_yaml, propose, source_for
from tests.helpers import scratch_corpus

# The development articles live beside the repository (CI checks out ../shared next to it).
DEVSET = Path(os.environ.get("ALLIANCE_KG_DEVSET", REPOSITORY_ROOT.parent / "shared" / "devset"))


@pytest.fixture(scope="module")
def devset() -> Path:
    if not (DEVSET / "README.md").exists():
        pytest.fail(f"development set not found at {DEVSET}: check out ../shared beside the repository "
                    "or set ALLIANCE_KG_DEVSET")
    return DEVSET


ARTICLE = """\
Tehran And The Pirates: A Made-Up Alliance
Home > World > Middle East
The Republic of Freedonia has long been a quiet friend of Iran, and the relationship matters.
Table of Contents
- Origins Of The Friendship
- Where It Stands Now
Origins Of The Friendship
Freedonia's government and Iran signed a trade pact in 1999. Iran backs the Red Cove Brigade.
- Ten Best Beaches For Summer
- Celebrity Chef Shares Secret Recipe
- How To Fold A Fitted Sheet
Where It Stands Now
The two countries still trade. Whether that lasts is an open question for the region.
Do you think the pact will hold? Let us know in the comments below and share this article!
- Top Gadgets Of The Year
- Why Cats Sleep So Much

Freedonia Wins Regional Chess Championship | The Daily Example

Stock Markets Rally On Friday
"""
ARTICLE_JUNK = {2: "link-list", 4: "table-of-contents", 5: "table-of-contents", 6: "table-of-contents",
                9: "link-list", 10: "link-list", 11: "link-list", 14: "call-to-action", 15: "link-list",
                16: "link-list", 18: "trailing-headlines", 20: "trailing-headlines"}


# --- junk ---------------------------------------------------------------------------------------

def test_junk_rules_on_a_synthetic_page():
    found = {j.line: j.kind for j in junk_rules.detect(ARTICLE)}
    assert found == ARTICLE_JUNK
    assert [(r.first, r.last, r.kind) for r in junk_rules.ranges(ARTICLE)] == [
        (2, 2, "link-list"), (4, 6, "table-of-contents"), (9, 11, "link-list"), (14, 14, "call-to-action"),
        (15, 16, "link-list"), (18, 20, "trailing-headlines")]


def test_article_lists_and_closing_lines_are_not_junk():
    text = ("Iran's Partners\nThe article begins here with a real paragraph about Iran.\n"
            "- Iran supplied weapons to the group, according to officials.\n"
            "- The group denied receiving them, and the dispute continues.\n"
            "The final paragraph ends the article with a sentence.\n")
    assert junk_rules.detect(text) == []


def test_junk_rules_reproduce_the_curated_junk_of_the_seeds():
    corpus = Corpus.open(REPOSITORY_CORPUS)
    for record in load_documents(corpus.documents_file):
        text = (corpus.documents_dir / record.file).read_text(encoding="utf-8")
        lines = text.split("\n")
        curated = {n for j in record.junk for n in range(j.first_line, j.last_line + 1) if lines[n - 1].strip()}
        found = {j.line for j in junk_rules.detect(text)}
        assert found == curated, record.id
        kinds = {n: j.kind for j in record.junk for n in range(j.first_line, j.last_line + 1)}
        assert all(kinds[j.line] == j.kind for j in junk_rules.detect(text)), record.id


def test_junk_rules_find_every_junk_line_of_the_development_articles(devset):
    for junk_file in sorted(devset.glob("*_junk.txt")):
        text_file = devset / junk_file.name.replace("_junk.txt", ".txt")
        gold = {int(row.split("\t")[1]) for row in junk_file.read_text(encoding="utf-8").splitlines() if row.strip()}
        found = {j.line for j in junk_rules.detect(text_file.read_text(encoding="utf-8"))}
        assert found == gold, text_file.name


# --- add ------------------------------------------------------------------------------------------

@pytest.fixture()
def scratch(tmp_path) -> Corpus:
    return scratch_corpus(tmp_path)


@pytest.fixture()
def corpus(scratch) -> tuple[Path, Path]:
    return scratch.documents_dir, scratch.root


def test_add_copies_hashes_and_records_the_document(corpus, tmp_path):
    seeds, data = corpus
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    before = (data / "documents.yaml").read_text(encoding="utf-8")
    added = add_document(source, seeds, data / "documents.yaml")
    sha = hashlib.sha256(ARTICLE.encode()).hexdigest()
    existing = [d.id for d in load_documents(REPOSITORY_CORPUS / "documents.yaml")]
    number = max(int(i.split("_")[0]) for i in existing) + 1
    assert added.id == f"{number:03d}_{sha[:16]}"
    assert added.file.read_bytes() == source.read_bytes()
    after = (data / "documents.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)            # comments and the existing entries are untouched
    record = {d.id: d for d in load_documents(data / "documents.yaml")}[added.id]
    assert record.sha256 == sha and record.title == "Tehran And The Pirates: A Made-Up Alliance"
    assert [(j.first_line, j.last_line, j.kind) for j in record.junk] == [
        (r.first, r.last, r.kind) for r in junk_rules.ranges(ARTICLE)]
    read_source(record, seeds, data / "documents.yaml")      # the build accepts it


def test_add_refuses_a_duplicate(corpus):
    seeds, data = corpus
    seed = next(seeds.glob("*.txt"))
    with pytest.raises(AddError, match="already in the corpus"):
        add_document(seed, seeds, data / "documents.yaml")


def test_add_refuses_text_that_is_not_utf8(corpus, tmp_path):
    seeds, data = corpus
    for name, raw, message in (("latin1.txt", "Caf\xe9 in Tehran\n".encode("latin-1"), "not UTF-8"),
                               ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "NUL|not UTF-8"),
                               ("empty.txt", b"\n\n", "empty")):
        bad = tmp_path / name
        bad.write_bytes(raw)
        before = (data / "documents.yaml").read_bytes()
        with pytest.raises(AddError, match=message):
            add_document(bad, seeds, data / "documents.yaml")
        assert (data / "documents.yaml").read_bytes() == before
        assert sorted(p.name for p in seeds.iterdir()) == sorted(
            p.name for p in Corpus.open(REPOSITORY_CORPUS).documents_dir.iterdir())


def test_add_refuses_a_taken_or_malformed_id(corpus, tmp_path):
    seeds, data = corpus
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    taken = load_documents(data / "documents.yaml")[0].id
    with pytest.raises(AddError, match="already taken"):
        add_document(source, seeds, data / "documents.yaml", doc_id=taken)
    with pytest.raises(AddError, match="not a valid name"):
        add_document(source, seeds, data / "documents.yaml", doc_id="no spaces please")


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "x.yaml"
    yamlio.write_atomic(target, "a: 1\n")
    yamlio.write_atomic(target, "a: 2\n")
    assert target.read_text() == "a: 2\n" and [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


# --- the proposer -----------------------------------------------------------------------------------

FIXTURE_ACTORS = [
    {"id": "Hezbollah", "class": "NonStateArmedGroup", "label": "Hezbollah"},
    {"id": "Hamas", "class": "NonStateArmedGroup", "label": "Hamas"},
    {"id": "Houthis", "class": "NonStateArmedGroup", "label": "Houthis", "altLabels": ["Houthi movement"]},
    {"id": "Axis_of_Resistance", "class": "InformalNetwork", "label": "Axis of Resistance"},
    {"id": "Quds_Force", "class": "SecurityForce", "label": "Quds Force"},
    {"id": "IRGC", "class": "SecurityForce", "label": "Islamic Revolutionary Guard Corps", "altLabels": ["IRGC"]},
    {"id": "Iran_Iraq_War", "class": "War", "label": "Iran-Iraq War"},
    {"id": "Golan_Heights", "class": "Place", "label": "Golan Heights"},
]


def gazetteer() -> Gazetteer:
    g = Gazetteer.generic()
    g.add_curated(FIXTURE_ACTORS)
    return g


def proposals_for(text: str) -> list[dict]:
    document = Document("t", text, ())
    result = propose(document, gazetteer(), curated={a["id"] for a in FIXTURE_ACTORS})
    assert not result["dropped"]
    return result["claims"]


def triples(text: str) -> set[tuple]:
    return {(c["subject"], c["relation"], c["object"]) for c in proposals_for(text)}


@pytest.mark.parametrize("sentence, expected", [
    ("Iran and Iraq are close allies today.", ("Iran", "alliedWith", "Iraq")),
    ("The alliance between Damascus and Tehran lasted decades.", ("Syria", "alliedWith", "Iran")),
    ("Russia and Iran cooperated closely on the battlefield.", ("Russia", "cooperatesWith", "Iran")),
    ("In 1995 Iran supplied Sudan with weapons.", ("Iran", "supports", "Sudan")),
    ("The Iranian-backed Houthis fired missiles.", ("Iran", "supports", "Houthis")),
    ("At the UN, Moscow vetoed resolutions that targeted Damascus, shielding Damascus from sanctions.",
     ("Russia", "shieldsDiplomatically", "Syria")),
    ("In 1982 the IRGC helped found Hezbollah in the Bekaa.", ("IRGC", "supportedFoundingOf", "Hezbollah")),
    ("Analysts describe Hezbollah as Tehran's most capable proxy.", ("Hezbollah", "proxyOf", "Iran")),
    ("Syria became a member of the Axis of Resistance.", ("Syria", "memberOf", "Axis_of_Resistance")),
    ("Iran traded oil with Syria for years.", ("Iran", "tradesWith", "Syria")),
    ("After the war, Qatar courted Turkey with investments.", ("Qatar", "seeksAlignmentWith", "Turkey")),
    ("Kuwait aligned itself with Saudi Arabia.", ("Kuwait", "alignedWith", "Saudi_Arabia")),
    ("Hafez al-Assad regarded Saddam Hussein as a bitter enemy; Hussein said so too.", ("Hafez_al-Assad", "hostileTo", "Saddam_Hussein")),
    ("Hezbollah fought Israel to a standstill.", ("Hezbollah", "atWarWith", "Israel")),
    ("Egypt strongly opposed Libya on the matter.", ("Egypt", "opposes", "Libya")),
    ("Tehran condemned Israel after the raid.", ("Iran", "condemns", "Israel")),
    ("In 1980 Iraq invaded Iran.", ("Iraq", "invaded", "Iran")),
    ("Israel attacked Hezbollah positions near the border.", ("Israel", "attacked", "Hezbollah")),
    ("The regime in Baghdad oppressed Kuwait for years.", ("Iraq", "oppresses", "Kuwait")),
    ("Raisi warned the Houthis about the shipping attacks.", None),
    ("Iran warned Pakistan against further strikes.", ("Iran", "warns", "Pakistan")),
    ("The United States sanctioned Syria in 2020.", ("United_States", "sanctions", "Syria")),
    ("Iran exerts influence over Iraq through the militias.", ("Iran", "influences", "Iraq")),
    ("Israel controls the Golan Heights.", ("Israel", "controls", "Golan_Heights")),
    ("Hezbollah operates in Syria and Lebanon.", ("Hezbollah", "operatesIn", "Syria")),
    ("Iraq took part in the Iran-Iraq War.", ("Iraq", "participatedIn", "Iran_Iraq_War")),
    ("Hezbollah embraced the ideology of Iran's revolution, a shared ideology with Iran.",
     ("Hezbollah", "sharesIdentityWith", "Iran")),
    ("The Quds Force, the foreign arm of the IRGC, sent advisers.", ("Quds_Force", "org:subOrganizationOf", "IRGC")),
    ("Syria under President Hafez al-Assad sided with Tehran.", ("Hafez_al-Assad", "org:headOf", "Syria")),
])
def test_relation_cue_families(sentence, expected):
    found = triples(sentence)
    if expected is None:
        assert not any(t[1] == "warns" and t[0] == "Iran" for t in found)
    else:
        assert expected in found, found


def test_known_actors_by_capital_demonym_alias_and_possessive():
    found = triples("Tehran's ally Hezbollah thanked the Islamic Republic. Iranian-backed Hamas cheered. "
                    "Moscow backs Damascus.")
    assert ("Hezbollah", "alliedWith", "Iran") in found
    assert ("Iran", "supports", "Hamas") in found
    assert ("Russia", "supports", "Syria") in found


def test_new_actors_are_proposed_with_a_class():
    text = ("Since 2013 the Fatemiyoun Brigade has fought for Syria. The Sudanese general Abdel Fattah "
            "al-Burhan leads the army. Rebels led by Hayat Tahrir al-Sham (HTS) attacked Syria.")
    result = propose(Document("t", text, ()), gazetteer(), curated={a["id"] for a in FIXTURE_ACTORS})
    classes = {a["id"]: a["class"] for a in result["actors"]}
    assert classes.get("Fatemiyoun_Brigade") == "Militia"
    assert classes.get("Hayat_Tahrir_al-Sham") == "NonStateArmedGroup"
    assert "HTS" in next(a for a in result["actors"] if a["id"] == "Hayat_Tahrir_al-Sham")["altLabels"]
    # lexicon states the claims use but actors.yaml does not have are proposed too
    assert classes.get("Syria") == "State"


def test_no_new_names_from_headings_and_people_need_evidence():
    text = ("The Bitter Rivals Of The Gulf\nIran backs the Houthis. Western Sahara opposes Iran. "
            "Iran backs Ebrahim Raisi, who ruled Iran. Raisi visited Syria.")
    result = propose(Document("t", text, ()), gazetteer(), curated={a["id"] for a in FIXTURE_ACTORS})
    labels = {a["label"]: a["class"] for a in result["actors"]}
    assert not any("Rivals" in label for label in labels)
    assert "Western Sahara" not in labels          # two capitalised words, nothing says it is a person
    assert labels.get("Ebrahim Raisi") == "Person"


@pytest.mark.parametrize("sentence, hedge", [
    ("Iran reportedly supplied Sudan with drones.", "reportedly"),
    ("Hezbollah is believed to have kept fighters in Syria, as Iran backs Hezbollah.", None),
    ("Analysts say Iran backs the Houthis.", "Analysts say"),
    ("Sudan accused Israel of bombing Khartoum's factory, and Israel attacked Sudan.", None),
])
def test_hedges(sentence, hedge):
    claims = proposals_for(sentence)
    assert claims
    if hedge:
        hedged = [c for c in claims if c.get("modality") == "hedged"]
        assert hedged and all(c["hedge"] == hedge and hedge in c["evidence"][0]["quote"] for c in hedged)
    plain = [c for c in proposals_for("Iran backs the Houthis.")]
    assert plain and all("modality" not in c for c in plain)


def test_denials():
    claims = {(c["subject"], c["relation"], c["object"]): c for c in proposals_for(
        "Russia is not a member of the Axis of Resistance. Iran never armed Hamas. Iran backs Hezbollah.")}
    assert claims[("Russia", "memberOf", "Axis_of_Resistance")]["polarity"] == "negated"
    assert claims[("Iran", "supports", "Hamas")]["polarity"] == "negated"
    assert "polarity" not in claims[("Iran", "supports", "Hezbollah")]
    # a denial belongs to its own verb phrase, not to the next one
    claims = proposals_for("Qatar has shown no interest in restoring ties and has courted Turkey.")
    courted = [c for c in claims if c["relation"] == "seeksAlignmentWith" and c["object"] == "Turkey"]
    assert courted and "polarity" not in courted[0]


@pytest.mark.parametrize("sentence, time", [
    ("Since 2012 Iran has backed Hezbollah.", {"start": 2012, "text": "Since 2012"}),
    ("Until 2005 Syria backed Hezbollah.", {"end": 2005, "text": "Until 2005"}),
    ("From 1980 to 1988 Iraq attacked Iran.", {"start": 1980, "end": 1988, "text": "From 1980 to 1988"}),
    ("Iraq attacked Iran in the 1980s.", {"start": 1980, "end": 1989, "text": "the 1980s"}),
    ("In March 2011 Iran backed Syria.", {"start": 2011, "end": 2011, "text": "In March 2011"}),
    ("Iraq attacked Iran in 1980-88.", {"start": 1980, "end": 1988, "text": "1980-88"}),
])
def test_time_expressions(sentence, time):
    claims = proposals_for(sentence)
    assert claims and claims[0]["time"] == time


def test_questions_and_quoted_questions_assert_nothing():
    assert proposals_for('Are Iran and Iraq allies? Readers ask "is Iran and Iraq allies" every day.') == []


class InventingExtractor:
    """An extractor that proposes a quote the text does not contain, and one from a junk line."""

    name = "inventing"

    def extract(self, document, gazetteer):
        text = document.text
        junk_at = text.index("Ten Best Beaches")
        return [Proposal("Iran", "supports", "Syria", 0, 0, "x", 0.9),           # empty, replaced below
                Proposal("Iran", "supports", "Syria", junk_at, junk_at + 16, "x", 0.9)], {}


def test_every_quote_is_checked_by_the_anchoring_step():
    ranges = [JunkRange(r.first, r.last, r.kind) for r in junk_rules.ranges(ARTICLE)]
    source = source_for("t", ARTICLE, ranges, Path("t.txt"))
    document = Document("t", ARTICLE, source.junk)
    result = propose(document, gazetteer(), extractors=[InventingExtractor()], source=source, curated=set())
    assert result["claims"] == [] and len(result["dropped"]) == 2
    assert any("junk" in d for d in result["dropped"]) and any("not found" in d or "empty" in d for d in result["dropped"])


def test_proposals_on_a_development_article_pass_the_anchoring_step(devset, corpus):
    seeds, data = corpus
    text_file = devset / "syria_iran_assad.txt"
    added = add_document(text_file, seeds, data / "documents.yaml")
    documents = {d.id: d for d in load_documents(data / "documents.yaml")}
    source = read_source(documents[added.id], seeds, data / "documents.yaml")
    actors = load_actors(data / "actors.yaml")
    g = Gazetteer.generic()
    g.add_curated(actors.values())
    result = propose(Document(added.id, source.text, source.junk), g, source=source, curated=set(actors))
    assert len(result["claims"]) >= 20
    out = data / "proposed" / f"{added.id}.yaml"
    out.parent.mkdir()
    out.write_text(proposal_yaml(result), encoding="utf-8")
    # The proposal file is the curated claim format plus `actors:`, `confidence` and `cue`.
    loaded = yamlio.load(out)
    assert all({"confidence", "cue", "evidence"} <= set(c) for c in loaded["claims"])
    plain = {"document": added.id, "claims": [{k: v for k, v in c.items() if k not in ("confidence", "cue")}
                                              for c in loaded["claims"]]}
    check = data / "claims" / f"{added.id}.yaml"
    yamlio.dump_atomic(check, plain)
    records = dict(actors)
    for a in loaded["actors"]:
        records[a["id"]] = ActorRecord(a["id"], a["class"], a["label"], list(a.get("altLabels", [])), None, None,
                                       None, Origin(out, 1))
    for claim in load_claims(check, documents, records):
        for a in anchor.anchor_claim(source, claim):
            assert source.junk_at(a.start, a.end) is None


# --- review and the commands ------------------------------------------------------------------------

def test_accept_reject_and_stale_pages(scratch, devset):
    data = scratch.root
    added = add_document(devset / "africa_south_asia.txt", scratch.documents_dir, scratch.documents_file)
    path, result = run_propose(scratch, added.id)
    paths = review_paths(scratch)
    ids = [c["id"] for c in result["claims"]]
    seen = review.fingerprint(paths.involved(added.id))
    review.reject(paths, added.id, [ids[0]])
    with pytest.raises(review.StaleError, match="changed on disk"):
        review.accept(paths, added.id, [ids[1]], expected=seen)
    with pytest.raises(review.ReviewError, match="no proposed claim"):
        review.accept(paths, added.id, ["no-such-claim"])
    outcome = review.accept(paths, added.id, take_all=True)
    assert outcome.accepted == ids[1:] and outcome.remaining == 0 and not path.exists()
    claims = yamlio.load(paths.claims(added.id))["claims"]
    assert [c["id"] for c in claims] == ids[1:]
    assert all("confidence" not in c and "cue" not in c for c in claims)
    actor_ids = {a["id"] for a in yamlio.load(paths.actors)["actors"]}
    assert {c["subject"] for c in claims} <= actor_ids
    assert (data / "actors.yaml").read_text(encoding="utf-8").startswith(
        (REPOSITORY_CORPUS / "actors.yaml").read_text(encoding="utf-8")[:400])


def test_proposals_already_curated_are_left_out(scratch):
    doc_id = load_documents(scratch.documents_file)[0].id
    curated = load_claims(scratch.claims_dir / f"{doc_id}.yaml", {d.id: d for d in load_documents(scratch.documents_file)},
                          load_actors(scratch.actors_file))
    _, result = run_propose(scratch, doc_id)
    (scratch.claims_dir / f"{doc_id}.yaml").unlink()
    _, everything = run_propose(scratch, doc_id, force=True)
    assert len(result["claims"]) < len(everything["claims"])
    text = (scratch.documents_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
    for claim in result["claims"]:
        start = text.find(claim["evidence"][0]["quote"])
        for c in curated:
            if (c.subject, c.relation, str(c.object)) == (claim["subject"], claim["relation"], str(claim["object"])):
                assert all(not (start < text.find(e.quote) + len(e.quote) and text.find(e.quote) < start + len(
                    claim["evidence"][0]["quote"])) for e in c.evidence if e.occurrence is None)


def test_add_propose_accept_then_the_build_validates(scratch, devset):
    runner = CliRunner()
    cli = ["--corpus", str(scratch.root)]
    done = runner.invoke(main, cli + ["add", str(devset / "syria_iran_assad.txt")])
    assert done.exit_code == 0, done.output
    doc_id = done.output.strip().splitlines()[-1]
    assert doc_id in {d.id for d in load_documents(scratch.documents_file)}
    again = runner.invoke(main, cli + ["add", str(devset / "syria_iran_assad.txt")])
    assert again.exit_code == 1 and "already in the corpus" in again.output
    assert runner.invoke(main, cli + ["propose", doc_id]).exit_code == 0
    assert runner.invoke(main, cli + ["propose", doc_id]).exit_code == 1        # would overwrite a review
    missing = runner.invoke(main, cli + ["accept", doc_id])
    assert missing.exit_code == 1 and "--all" in missing.output
    assert runner.invoke(main, cli + ["accept", doc_id, "--all"]).exit_code == 0
    from alliance_kg.graph.pipeline import check
    checked = check(BuildConfig.for_corpus(scratch))
    assert checked.outcome.conforms
