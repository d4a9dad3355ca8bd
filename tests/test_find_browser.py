"""Find, compare and cite in real headless Chromium (issue 13): suggestions as you type in the search
box, a full-text search, a pair page with its time axis, a facet selection in the claims browser, a
shared query from the gallery, why a fact is inferred, a claim's citation and the API's page.
`make screenshots` keeps the pictures for the README."""
from __future__ import annotations

import re
import urllib.request

from tests.browsing import assert_only_asked, requests_of


def get_json(url: str) -> dict:
    import json

    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


def test_a_reader_searches_compares_and_filters(site_url, open_page, shots):
    from playwright.sync_api import expect

    page = open_page({"width": 1360, "height": 900})
    requests = requests_of(page)

    # Search as you type: each keystroke asks for suggestions; the actor is one arrow key away.
    page.goto(site_url + "/id/Iran.html")
    box = page.locator("form.site-search input[name=q]")
    box.click()
    box.press_sequentially("hezb", delay=60)
    suggestion = page.locator("ul.suggestions a", has_text="Hezbollah").first
    expect(suggestion).to_be_visible()
    typed = [u for u in requests if "/api/autocomplete?" in u]
    assert len(typed) >= 2, typed          # asked while typing, not only at the end
    page.screenshot(path=str(shots / "search-as-you-type.png"))
    box.press("ArrowDown")
    first = page.locator("ul.suggestions a").first
    expect(first).to_be_focused()
    href = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + href)

    # Full-text search: the form works as a plain GET; matches are marked.
    box = page.locator("form.site-search input[name=q]")
    box.fill("close allies")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=close\+allies$"))
    found = get_json(site_url + "/api/search?q=close+allies")
    assert page.locator("li.passage").count() == min(found["total"], found["page_size"])
    assert page.locator("li.passage mark").count() >= 2 * page.locator("li.passage").count()
    page.screenshot(path=str(shots / "search.png"))

    # A pair through time, from an entity page's pair links.
    page.goto(site_url + "/id/Iran.html")
    page.locator('section.pairs a[href="/pair/Iran/Iraq"]').click()
    page.wait_for_url("**/pair/Iran/Iraq")
    pair = get_json(site_url + "/api/pair/Iran/Iraq")
    bars = page.locator(".axis-bar")
    assert bars.count() == len(pair["dated"]) > 0
    for i in range(bars.count()):
        box_ = bars.nth(i).bounding_box()
        assert box_ and box_["width"] >= 3
    assert page.locator("section.undated li.claim").count() == len(pair["undated"])
    # The picture for the README: the relations table's last rows above the time axis.
    page.locator("section.through-time").evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 260)")
    page.screenshot(path=str(shots / "pair.png"))

    # The claims browser: each facet click is a new URL; counts follow.
    page.goto(site_url + "/claims")
    page.locator('section[data-facet="tie"] a[data-value="hostile"]').click()
    page.wait_for_url(re.compile(r".*/claims\?tie=hostile$"))
    hostile = get_json(site_url + "/api/claims?tie=hostile")
    expect(page.locator("p.count strong")).to_have_text(str(hostile["total"]))
    polarity = min((v for v in hostile["facets"]["polarity"] if v["count"] > 0), key=lambda v: v["count"])
    page.locator(f'section[data-facet="polarity"] a[data-value="{polarity["value"]}"]').click()
    page.wait_for_url(re.compile(rf".*/claims\?tie=hostile&polarity={polarity['value']}$"))
    expect(page.locator("p.count strong")).to_have_text(str(polarity["count"]))
    page.screenshot(path=str(shots / "claims.png"))

    # The gallery of example queries: one opens in the editor by its short link, which the share
    # button gives back.
    from alliance_kg.server.shared_queries import query_id
    from tests.test_share import corpus_examples

    title, text = corpus_examples()[1]
    page.goto(site_url + "/sparql")
    page.wait_for_selector(".yasgui .tabsList .tab", timeout=15000)
    page.locator(f'section.gallery a[href="/q/{query_id(text)}"]').click()
    page.wait_for_url(f"**/q/{query_id(text)}")
    expect(page.locator(".yasgui .tabsList .tab.active")).to_contain_text(title)
    page.locator("#share-query").click()
    expect(page.locator("#share-link a")).to_have_text(f"{site_url}/q/{query_id(text)}")
    page.screenshot(path=str(shots / "shared-query.png"))

    # Why inferred: an inferred fact on an entity page opens its rule and the quoted claims behind it.
    page.goto(site_url + "/id/Iran.html?inferred=1#inferred")
    why = page.locator("li.inferred-fact a.why").first
    rule = why.text_content()
    why.click()
    page.wait_for_url(re.compile(r".*/why/[0-9a-f]+$"))
    expect(page.locator("dl.facts dd code").first).to_have_text(rule)
    assert page.locator("ol.premises li.premise").count() >= 1
    assert page.locator("ol.premises li.claim blockquote, ol.premises li.claim q").count() >= 1
    page.screenshot(path=str(shots / "why.png"))

    # Cite: a claim page's citation names the dataset version its permalink points at.
    claim = page.locator("ol.premises li.claim a[href^='/claim/']").first
    claim.click()
    page.wait_for_url(re.compile(r".*/claim/.+"))
    version = get_json(site_url + "/api/search?q=allied")["version"]
    cite = page.locator("section.cite")
    expect(cite.locator("a[href*='?version=']")).to_have_attribute("href", re.compile(rf"\?version={version}$"))
    assert "@misc{" in cite.locator("pre.bibtex").text_content()
    cite.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 20)")
    page.screenshot(path=str(shots / "cite.png"))

    # The JSON API's page lists each operation of its OpenAPI description.
    page.goto(site_url + "/api")
    spec = get_json(site_url + "/api/openapi.json")
    assert page.locator("section.operation").count() == len(spec["paths"])
    page.screenshot(path=str(shots / "api.png"))
    assert_only_asked(site_url, requests)
