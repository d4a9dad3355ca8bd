"""A person's path through the site, in real headless Chromium (Debian's package, driven by
Playwright): home page and its network picture, Iran's page and its quoted evidence, the query UI
running an example — and not one request leaving this machine."""
from __future__ import annotations

import pytest

from alliance_kg.graph.corpus import Corpus
from tests.browsing import DESKTOP, PHONE, assert_only_asked, requests_of, serious_violations
from tests.helpers import BASE

# One page of each kind; the query UI is checked once YASGUI has drawn itself.
PAGE_KINDS = {"home": "/", "entity": "/id/Iran.html", "claim": "/claim/000_233c5097a7797f3f/iran-allied-iraq.html",
              "document": "/document/000_233c5097a7797f3f.html", "query": "/sparql", "ontology": "/ontology.html",
              "downloads": "/downloads", "shapes": "/shapes.html", "graph": "/graph/inferred.html",
              "error": "/id/Nobody", "year": "/id/Iran.html?year=1985"}


def test_a_reader_follows_the_evidence_and_queries(site_url, open_page, axe_script, shots):
    page = open_page()
    requests = requests_of(page)

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
    assert serious_violations(page, axe_script) == []   # the results table too
    page.screenshot(path=str(shots / "query.png"))
    assert_only_asked(site_url, requests)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_kind_of_page_passes_axe_and_fits_the_screen(site_url, open_page, axe_script, viewport, shots):
    problems = {}
    page = open_page(viewport)
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
        found = serious_violations(page, axe_script)
        if found:
            problems.setdefault(kind, []).extend(found)
        if viewport is PHONE and kind in ("home", "entity", "document"):
            page.screenshot(path=str(shots / f"{kind}-phone.png"))
    assert problems == {}


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_time_control_redraws_the_network_without_script_and_with(site_url, open_page, javascript):
    def ties(page) -> set[str]:
        return set(page.locator("svg.network .edge title").all_text_contents())

    page = open_page(DESKTOP, javascript)
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


def test_the_query_page_keeps_a_form_when_its_ui_cannot_load(site_url, open_page):
    page = open_page()
    # an install without `make vendor`: YASGUI's files are missing
    page.route("**/static/vendor/**", lambda route: route.fulfill(status=404, body=""))
    page.goto(site_url + "/sparql")
    form = page.locator("form.plain-query")
    assert form.is_visible() and page.get_by_label("SPARQL query").is_visible()
    page.get_by_label("Result format").select_option("csv")
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Run query").click()
    assert answer.value.status == 200 and "text/csv" in answer.value.headers["content-type"]
