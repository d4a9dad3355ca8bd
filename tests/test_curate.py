"""The review page (`serve --curate`): off by default, loopback only, every write guarded by a
per-session token, refused when the files changed since the page was loaded, and it writes the same
YAML as `alliance-kg accept / reject`."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from alliance_kg.cli import main
from alliance_kg.graph.ingest import yamlio
from alliance_kg.graph.ingest.add import add_document
from alliance_kg.graph.ingest.commands import review_paths, run_propose
from tests.helpers import scratch_corpus

ARTICLE = """\
Freedonia And Iran: A Test Article
Venezuela has become a close ally of Iran. Iran backs Hezbollah, and since 2012 Tehran has reportedly armed the Houthis.
Brazil is not a member of the Axis of Resistance.
- Ten Beaches You Must Visit This Summer
- Celebrity Chef Reveals Secret Recipe
"""


@pytest.fixture()
def curated(tmp_path, build_dir):
    """An app over the real build whose review page writes to a scratch corpus with one proposal."""
    from alliance_kg.server.app import create_app
    from alliance_kg.server.config import ServerConfig

    corpus = scratch_corpus(tmp_path)
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    added = add_document(source, corpus.documents_dir, corpus.documents_file)
    path, result = run_propose(corpus, added.id)
    assert len(result["claims"]) >= 3
    app = create_app(ServerConfig(build_dir=build_dir), curate=corpus)
    app.testing = True
    yield app, corpus, added.id, [c["id"] for c in result["claims"]]
    app.extensions["alliance_kg"].close()


def page(client, doc_id):
    response = client.get(f"/curate/{doc_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)
    return html, token, fingerprint


def test_off_unless_curate_is_given(client):
    assert client.get("/curate/").status_code == 404


def test_page_highlights_each_proposal_and_sets_a_strict_cookie(curated):
    app, corpus, doc_id, ids = curated
    client = app.test_client()
    response = client.get(f"/curate/{doc_id}")
    html = response.get_data(as_text=True)
    assert all(f'id="q-{cid}"' in html and f'id="c-{cid}"' in html for cid in ids)
    assert re.search(r'<span class="junk" data-kind="link-list"[^>]*>- Ten Beaches You Must Visit This Summer\n- Celebrity Chef', html)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert response.headers["Cache-Control"] == "no-store"


def test_cross_origin_post_without_the_token_is_refused(curated):
    app, corpus, doc_id, ids = curated
    proposal = review_paths(corpus).proposal(doc_id)
    before = proposal.read_bytes()
    claims_file = review_paths(corpus).claims(doc_id)
    _, _, fingerprint = page(app.test_client(), doc_id)
    # A page on another origin: the browser may send the form (even with the cookie), not the token.
    attacker = app.test_client()
    page(attacker, doc_id)                 # the victim's browser has a session cookie
    for headers, form in (
            ({"Origin": "http://evil.example"}, {"action": "accept", "claim": ids[0], "fingerprint": fingerprint}),
            ({}, {"action": "accept", "claim": ids[0], "fingerprint": fingerprint}),
            ({}, {"action": "accept", "claim": ids[0], "fingerprint": fingerprint, "token": "guessed"})):
        response = attacker.post(f"/curate/{doc_id}", data=form, headers=headers)
        assert response.status_code == 403
    # The right token from another origin is refused too.
    _, token, _ = page(attacker, doc_id)
    response = attacker.post(f"/curate/{doc_id}", headers={"Origin": "http://evil.example"},
                             data={"action": "accept", "claim": ids[0], "fingerprint": fingerprint, "token": token})
    assert response.status_code == 403
    # A token belongs to its own session: another browser's token is worthless.
    other = app.test_client()
    _, other_token, _ = page(other, doc_id)
    fresh = app.test_client()
    fresh.set_cookie("alliance_kg_curate", "made-up-session", path="/curate")
    response = fresh.post(f"/curate/{doc_id}", data={"action": "accept", "claim": ids[0],
                                                     "fingerprint": fingerprint, "token": other_token})
    assert response.status_code == 403
    assert proposal.read_bytes() == before and not claims_file.exists()


def test_the_index_lists_documents_with_proposals_only(curated):
    app, corpus, doc_id, ids = curated
    (corpus.proposed_dir / "wikidata-links.yaml").write_text("links: []\n", encoding="utf-8")
    html = app.test_client().get("/curate/").get_data(as_text=True)
    assert f'href="/curate/{doc_id}"' in html and "wikidata-links" not in html


def test_only_loopback_clients(curated):
    app, corpus, doc_id, ids = curated
    client = app.test_client()
    assert client.get(f"/curate/{doc_id}", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 403
    assert client.get(f"/curate/{doc_id}", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_accept_reject_and_edit_write_the_curated_files(curated):
    app, corpus, doc_id, ids = curated
    client = app.test_client()
    paths = review_paths(corpus)
    _, token, fingerprint = page(client, doc_id)
    response = client.post(f"/curate/{doc_id}", data={"action": "accept", "claim": ids[0], "token": token,
                                                      "fingerprint": fingerprint})
    assert response.status_code == 303
    assert [c["id"] for c in yamlio.load(paths.claims(doc_id))["claims"]] == [ids[0]]
    _, token, fingerprint = page(client, doc_id)
    response = client.post(f"/curate/{doc_id}", data={
        "action": "edit", "claim": ids[1], "token": token, "fingerprint": fingerprint, "subject": "Iran",
        "relation": "hasProxy", "object": "Hezbollah", "hedge": "", "polarity": "negated", "start": "1990", "end": ""})
    assert response.status_code == 303
    edited = next(c for c in yamlio.load(paths.proposal(doc_id))["claims"] if c["id"] == ids[1])
    assert edited["relation"] == "hasProxy" and edited["polarity"] == "negated" and dict(edited["time"]) == {"start": 1990}
    _, token, fingerprint = page(client, doc_id)
    response = client.post(f"/curate/{doc_id}", data={"action": "reject", "claim": ids[1], "token": token,
                                                      "fingerprint": fingerprint})
    assert response.status_code == 303
    assert ids[1] not in {c["id"] for c in yamlio.load(paths.proposal(doc_id))["claims"]}


def test_an_edit_the_build_would_refuse_is_refused(curated):
    app, corpus, doc_id, ids = curated
    client = app.test_client()
    before = review_paths(corpus).proposal(doc_id).read_bytes()
    for field, value, message in (("relation", "likes", "not a relation of the ontology"),
                                  ("object", "Atlantis", "unknown actor")):
        _, token, fingerprint = page(client, doc_id)
        form = {"action": "edit", "claim": ids[0], "token": token, "fingerprint": fingerprint,
                "subject": "Iran", "relation": "supports", "object": "Hezbollah", field: value}
        response = client.post(f"/curate/{doc_id}", data=form)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert review_paths(corpus).proposal(doc_id).read_bytes() == before


def test_a_write_is_refused_when_the_files_changed_since_the_page_was_loaded(curated):
    app, corpus, doc_id, ids = curated
    client = app.test_client()
    paths = review_paths(corpus)
    _, token, fingerprint = page(client, doc_id)
    actors = paths.actors.read_text(encoding="utf-8")
    paths.actors.write_text(actors + "# edited by hand meanwhile\n", encoding="utf-8")
    before = paths.proposal(doc_id).read_bytes()
    response = client.post(f"/curate/{doc_id}", data={"action": "accept", "claim": ids[0], "token": token,
                                                      "fingerprint": fingerprint})
    assert response.status_code == 409 and "changed on disk" in response.get_data(as_text=True)
    assert paths.proposal(doc_id).read_bytes() == before and not paths.claims(doc_id).exists()


def test_serve_curate_refuses_a_public_address():
    result = CliRunner().invoke(main, ["serve", "--curate", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "loopback" in result.output
