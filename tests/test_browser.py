"""A person's path through the site, in real headless Chromium (Debian's package, driven by
Playwright): home page and its network picture, Iran's page and its quoted evidence, the query UI
running an example — and not one request leaving this machine."""
from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from alliance_kg.graph.corpus import Corpus
from alliance_kg.server.app import create_app
from alliance_kg.server.config import ServerConfig
from tests.helpers import BASE
from tests.test_sparql_safety import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1360, "height": 1000}, {"width": 390, "height": 844}
# One page of each kind; the query UI is checked once YASGUI has drawn itself.
PAGE_KINDS = {"home": "/", "entity": "/id/Iran.html", "claim": "/claim/000_233c5097a7797f3f/iran-allied-iraq.html",
              "document": "/document/000_233c5097a7797f3f.html", "query": "/sparql", "ontology": "/ontology.html",
              "downloads": "/downloads", "shapes": "/shapes.html", "graph": "/graph/inferred.html",
              "error": "/id/Nobody", "year": "/id/Iran.html?year=1985"}
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


def test_a_reader_follows_the_evidence_and_queries(site_url, axe_script, tmp_path):
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
        assert page.locator("svg.network .edge").count() > 50
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
        assert _serious_violations(page, axe_script) == []   # the results table too
        page.screenshot(path=str(shots / "query.png"))
        browser.close()

    own = urllib.parse.urlsplit(site_url).netloc
    off_host = [u for u in requests if urllib.parse.urlsplit(u).netloc not in (own, "")
                and not u.startswith(("data:", "blob:"))]
    assert requests and off_host == []


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core from the npm registry (package.json's devDependencies), installed if missing."""
    if not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    return AXE


def _serious_violations(page, axe_script: Path) -> list[str]:
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => v.impact + " " + v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))""")
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_kind_of_page_passes_axe_and_fits_the_screen(site_url, axe_script, viewport, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    problems = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport=viewport)
        for kind, path in PAGE_KINDS.items():
            response = page.goto(site_url + path)
            if kind == "query":
                if viewport is PHONE:   # a phone loads the full editor only when asked
                    assert page.locator("form.plain-query").is_visible()
                    page.get_by_role("button", name="Open the full query editor").click()
                page.wait_for_selector(".yasgui .tabsList", timeout=15000)
            if kind != "error":   # every text response is compressed for a browser
                assert response.headers.get("content-encoding") in ("br", "gzip"), path
            wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if wide > 0:
                problems[kind] = [f"scrolls sideways by {wide}px"]
            found = _serious_violations(page, axe_script)
            if found:
                problems.setdefault(kind, []).extend(found)
            if viewport is PHONE and kind in ("home", "entity", "document"):
                page.screenshot(path=str(shots / f"{kind}-phone.png"))
        browser.close()
    assert problems == {}


def test_the_time_control_redraws_the_network_without_script_and_with(site_url):
    from playwright.sync_api import sync_playwright

    def ties(page) -> set[str]:
        return set(page.locator("svg.network .edge title").all_text_contents())

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for javascript in (True, False):
            context = browser.new_context(java_script_enabled=javascript, viewport=DESKTOP)
            page = context.new_page()
            page.goto(site_url + "/id/Iran.html")
            every = ties(page)
            page.locator("#year").fill("1985")
            if javascript:   # the year shows as the slider moves
                assert page.locator("#year-output").inner_text() == "1985"
            page.get_by_role("button", name="Show").click()
            page.wait_for_url("**/id/Iran.html?year=1985")
            assert page.locator("#year-output").inner_text() == "1985"
            in_1985 = ties(page)
            assert "Iran – Iraq (hostility)" in in_1985 and "Iran – Iraq (alliance)" not in in_1985
            assert "Iran – Iraq (alliance)" in every and in_1985 < every
            context.close()
        browser.close()


def test_the_query_page_keeps_a_form_when_its_ui_cannot_load(site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport=DESKTOP)
        # an install without `make vendor`: YASGUI's files are missing
        page.route("**/static/vendor/**", lambda route: route.fulfill(status=404, body=""))
        page.goto(site_url + "/sparql")
        form = page.locator("form.plain-query")
        assert form.is_visible() and page.get_by_label("SPARQL query").is_visible()
        page.get_by_label("Result format").select_option("csv")
        with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST") as answer:
            page.get_by_role("button", name="Run query").click()
        assert answer.value.status == 200 and "text/csv" in answer.value.headers["content-type"]
        browser.close()
