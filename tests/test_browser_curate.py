"""A curator's path in real headless Chromium: open the review page, accept a proposed claim, build,
and find the claim with its quote on the entity page of the new build."""
from __future__ import annotations

from alliance_kg.graph.config import BuildConfig
from alliance_kg.graph.ingest import yamlio
from alliance_kg.graph.ingest.add import add_document
from alliance_kg.graph.ingest.commands import review_paths, run_propose
from alliance_kg.graph.pipeline import build
from alliance_kg.server.app import create_app
from alliance_kg.server.config import ServerConfig
from tests.helpers import scratch_corpus
from tests.test_sparql_safety import serving

ARTICLE = """\
Caracas And Tehran: An Alliance Across The Atlantic
Venezuela has become a close ally of Iran, and since 2006 Tehran has reportedly supplied Caracas with drones.
Iran backs Hezbollah in Lebanon. Brazil is not a member of the Axis of Resistance.
Table of Contents
- Origins
- Today
- Five Beaches You Must Visit This Summer
What do you think? Share your thoughts in the comments below.
"""
QUOTE = "Venezuela has become a close ally of Iran"


def test_a_curator_accepts_a_proposal_and_finds_it_after_a_build(tmp_path, build_dir, open_page, shots):
    corpus = scratch_corpus(tmp_path)
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    doc_id = add_document(source, corpus.documents_dir, corpus.documents_file).id
    _, result = run_propose(corpus, doc_id)
    claim = next(c for c in result["claims"] if c["evidence"][0]["quote"].startswith("Venezuela"))

    app = create_app(ServerConfig(build_dir=build_dir), curate=corpus)
    try:
        with serving(app) as base:
            page = open_page({"width": 1360, "height": 900})
            page.goto(f"{base}/curate/{doc_id}")
            assert page.locator(f"mark#q-{claim['id']}").count() == 1
            page.screenshot(path=str(shots / "curate.png"), full_page=False)
            page.locator(f"#c-{claim['id']} button[value=accept]").click()
            page.wait_for_load_state()
            assert page.locator(f"#c-{claim['id']}").count() == 0
    finally:
        app.extensions["alliance_kg"].close()
    accepted = yamlio.load(review_paths(corpus).claims(doc_id))["claims"]
    assert [c["id"] for c in accepted] == [claim["id"]]

    published = tmp_path / "published"
    build(BuildConfig.for_corpus(corpus, build_dir=published))
    app = create_app(ServerConfig(build_dir=published))
    try:
        with serving(app) as base:
            page = open_page()
            page.goto(f"{base}/id/{claim['subject']}.html")
            assert page.get_by_text(QUOTE).count() >= 1
    finally:
        app.extensions["alliance_kg"].close()
