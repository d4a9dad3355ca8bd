"""A person's path through the site, in real headless Chromium (Debian's package, driven by
Playwright): home page and its network picture, Iran's page and its quoted evidence, the query UI
running an example — and not one request leaving this machine."""
from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

from alliance_kg.graph.corpus import Corpus
from alliance_kg.server.app import create_app
from alliance_kg.server.config import ServerConfig
from tests.helpers import BASE
from tests.test_sparql_safety import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Screenshots go to a temporary folder, or (make screenshots) to docs/screenshots for the README.
SCREENSHOTS_ENV = "ALLIANCE_KG_SCREENSHOTS"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site_url(build_dir):
    app = create_app(ServerConfig(build_dir=build_dir))
    try:
        with serving(app) as base:
            yield base
    finally:
        app.extensions["alliance_kg"].close()


def test_a_reader_follows_the_evidence_and_queries(site_url, tmp_path):
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (make browser installs it)"
    shots = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))

        page.goto(site_url + "/")
        network = page.locator("svg.network")
        assert network.count() == 1
        assert page.locator("svg.network line.edge").count() > 50
        assert page.locator("svg.network a.node").count() > 30
        page.screenshot(path=str(shots / "home.png"), full_page=False)

        page.locator('svg.network a.node[href="/id/Iran.html"]').click()
        page.wait_for_url("**/id/Iran.html")
        assert page.locator("h1").inner_text() == "Iran"
        quote = "Iran and Iraq are very close allies supporting each other against the Islamic State."
        assert page.get_by_text(quote).count() >= 1
        assert page.locator(".inferred-fact").count() > 5
        page.screenshot(path=str(shots / "iran.png"), full_page=False)

        page.goto(site_url + "/sparql")
        page.wait_for_selector(".yasgui .tabsList", timeout=15000)
        examples = len(list(Corpus.default().queries_dir.glob("*.rq")))   # one tab per example query
        assert page.locator(".yasgui .tabsList .tab").count() >= examples
        page.locator(".yasqe_queryButton").first.click()
        page.wait_for_selector(".yasr .dataTable tbody tr", timeout=15000)
        assert page.locator(".yasr .dataTable tbody tr").count() >= 6
        # the result's IRIs link to this server's pages, not to w3id.org
        hrefs = page.eval_on_selector_all(".yasr .dataTable a.iri", "links => links.map(a => a.getAttribute('href'))")
        assert [h for h in hrefs if h.startswith(BASE)] == [] and any(h.startswith("/id/") for h in hrefs), hrefs
        page.screenshot(path=str(shots / "query.png"))
        browser.close()

    own = urllib.parse.urlsplit(site_url).netloc
    off_host = [u for u in requests if urllib.parse.urlsplit(u).netloc not in (own, "")
                and not u.startswith(("data:", "blob:"))]
    assert requests and off_host == []
