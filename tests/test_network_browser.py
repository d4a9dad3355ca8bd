"""The network picture in real headless Chromium (Debian's package, driven by Playwright): zoom and
pan by buttons, keys, wheel, drag and pinch; filters by kind of tie and by relation; an actor's ties
lit up on hover and on focus; a tie opening the pair page; the year redrawn in place; the same
picture without script, its links working; axe and the phone width with the controls in place."""
from __future__ import annotations

import re

import pytest

from tests.browsing import DESKTOP, PHONE, serious_violations


def _open(open_page, url: str, viewport=DESKTOP, javascript: bool = True):
    page = open_page(viewport, javascript)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    if javascript:
        page.wait_for_selector(".network-filter")   # the script has built its controls
    return page, errors


def _view(page) -> list[float]:
    return [float(v) for v in page.locator("svg.network").get_attribute("viewBox").split()]


def _visible_ties(page, selector: str = "path.edge") -> int:
    return page.evaluate("""sel => [...document.querySelectorAll('svg.network .ties ' + sel)]
        .filter(p => getComputedStyle(p).display !== 'none' && getComputedStyle(p.parentNode).display !== 'none').length""",
                         selector)


def _point_on(page, selector: str) -> tuple[float, float]:
    """Where on the screen the middle of an element's line is (a real point to click on)."""
    return tuple(page.evaluate("""sel => { const p = document.querySelector(sel), m = p.getScreenCTM();
        const pt = p.getPointAtLength(p.getTotalLength() / 2);
        return [m.a * pt.x + m.c * pt.y + m.e, m.b * pt.x + m.d * pt.y + m.f]; }""", selector))


def test_zoom_and_pan_by_buttons_keys_wheel_drag_and_pinch(site_url, open_page, shots):
    page, errors = _open(open_page, site_url + "/")
    full = _view(page)
    page.get_by_role("button", name="Zoom in").click()
    zoomed = _view(page)
    assert zoomed[2] < full[2] and zoomed[3] < full[3]
    page.locator("figure").first.screenshot(path=str(shots / "network-zoomed.png"))
    page.get_by_role("button", name="Move right").click()
    assert _view(page)[0] > zoomed[0]
    page.get_by_role("button", name="Reset the view").click()
    assert _view(page) == full

    # keys, once the picture has focus (it is in the tab order)
    page.locator("svg.network").focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    keyed = _view(page)
    assert keyed[2] < full[2]
    page.keyboard.press("ArrowDown")
    assert _view(page)[1] > keyed[1]
    page.keyboard.press("0")
    assert _view(page) == full

    # the wheel zooms about the pointer; at full view, scrolling down is left to the page
    box = page.locator("svg.network").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"document.querySelector('svg.network').viewBox.baseVal.width < {full[2]}")
    wheeled = _view(page)
    # a drag on empty ground pans, and a drag that ends over a link does not follow it
    start = (box["x"] + 8, box["y"] + box["height"] - 8)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 60, start[1] - 40, steps=6)
    page.mouse.up()
    dragged = _view(page)
    assert dragged[0] < wheeled[0] and dragged[1] > wheeled[1] and dragged[2] == wheeled[2]
    assert page.url == site_url + "/"

    # a two-finger pinch (touch pointers) zooms in
    page.get_by_role("button", name="Reset the view").click()
    page.evaluate("""() => {
        const svg = document.querySelector('svg.network'), r = svg.getBoundingClientRect();
        const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        const fire = (type, id, x) => svg.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch',
            clientX: x, clientY: cy, bubbles: true, isPrimary: id === 1}));
        fire('pointerdown', 1, cx - 20); fire('pointerdown', 2, cx + 20);
        for (let d = 20; d <= 80; d += 10) { fire('pointermove', 1, cx - d); fire('pointermove', 2, cx + d); }
        fire('pointerup', 1, cx - 80); fire('pointerup', 2, cx + 80);
    }""")
    pinched = _view(page)
    assert pinched[2] < full[2] / 2
    assert errors == []
    page.context.close()


def test_filters_by_kind_of_tie_and_by_relation(site_url, open_page):
    page, errors = _open(open_page, site_url + "/")
    every = _visible_ties(page)
    hostile = _visible_ties(page, "path.edge.hostility")
    assert hostile > 0 and every > hostile
    page.get_by_label("hostile", exact=True).uncheck()
    assert _visible_ties(page, "path.edge.hostility") == 0 and _visible_ties(page) == every - hostile
    page.get_by_label("hostile", exact=True).check()
    assert _visible_ties(page) == every

    # one relation: only the arcs that state nothing but that relation go
    page.get_by_text("by relation").click()
    only_allied = page.locator('svg.network .ties path.edge[data-rel="alliedWith"]').count()
    assert only_allied > 0
    page.get_by_label("allied with", exact=True).uncheck()
    assert _visible_ties(page) == every - only_allied
    cooperative = page.get_by_label("cooperative", exact=True)
    assert cooperative.evaluate("box => !box.checked && box.indeterminate")
    # an actor none of whose ties is shown fades; one with a shown tie does not
    page.get_by_label("cooperative", exact=True).uncheck()
    page.get_by_label("other", exact=True).uncheck()
    lonely = page.locator("svg.network a.node.lonely")
    assert lonely.count() > 0
    assert page.locator('svg.network a.node[href="/id/Iraq.html"]').evaluate("a => !a.classList.contains('lonely')")
    assert errors == []
    page.context.close()


def test_hovering_or_focusing_an_actor_lights_up_its_ties(site_url, open_page, shots):
    page, errors = _open(open_page, site_url + "/")
    iran_pairs = page.locator('svg.network .ties > a[href^="/pair/"]').evaluate_all(
        "links => links.map(a => a.getAttribute('href')).filter(h => h.split('/').slice(2).includes('Iran'))")
    assert iran_pairs
    page.locator('svg.network a.node[href="/id/Iran.html"] circle').hover()
    lit = page.locator("svg.network .ties > a.hi").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert sorted(lit) == sorted(iran_pairs)
    other = page.locator("svg.network .ties > a:not(.hi)").first
    assert float(other.evaluate("a => getComputedStyle(a).opacity")) < 0.5
    page.locator("figure").first.screenshot(path=str(shots / "network-highlight.png"))
    page.mouse.move(1, 1)
    assert page.locator("svg.network .ties > a.hi").count() == 0

    # the keyboard: tabbing onto an actor does the same
    page.locator('svg.network a.node[href="/id/Iraq.html"]').focus()
    lit = page.locator("svg.network .ties > a.hi").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert lit and all("Iraq" in h.split("/")[2:] for h in lit)
    assert errors == []
    page.context.close()


def test_a_tie_opens_the_pair_page_and_an_actor_its_own_page(site_url, open_page):
    page, errors = _open(open_page, site_url + "/id/Iran.html")
    # a click on the line itself
    x, y = _point_on(page, 'svg.network .ties a[href="/pair/Iran/Iraq"] path.edge')
    page.locator('svg.network .ties a[href="/pair/Iran/Iraq"]').scroll_into_view_if_needed()
    x, y = _point_on(page, 'svg.network .ties a[href="/pair/Iran/Iraq"] path.edge')
    page.mouse.click(x, y)
    page.wait_for_url("**/pair/Iran/Iraq")
    assert "Iran" in page.locator("h1").inner_text() and "Iraq" in page.locator("h1").inner_text()
    # and by keyboard: a tie is a link in the tab order
    page.go_back()
    page.wait_for_selector(".network-filter")
    page.locator('svg.network .ties a[href="/pair/Iran/Hezbollah"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/pair/Iran/Hezbollah")
    page.go_back()
    page.wait_for_selector(".network-filter")
    page.locator('svg.network a.node[href="/id/Iraq.html"] circle').click()
    page.wait_for_url("**/id/Iraq.html")
    assert page.locator("h1").inner_text() == "Iraq"
    assert errors == []
    page.context.close()


def _titles(page) -> set[str]:
    return set(page.locator("svg.network .edge title").all_text_contents())


def test_the_year_control_redraws_the_picture_in_place(site_url, open_page, shots):
    page, errors = _open(open_page, site_url + "/id/Iran.html")
    every = _titles(page)
    page.evaluate("window.loadedOnce = true")   # gone if the page were loaded again
    page.get_by_role("button", name="Zoom in").click()
    zoomed = _view(page)
    page.get_by_label("hostile", exact=True).uncheck()
    page.locator("#year").fill("1985")
    page.wait_for_function("document.querySelector('svg.network title').textContent.includes('1985')")
    assert page.evaluate("window.loadedOnce") is True
    assert page.url.endswith("/id/Iran.html?year=1985")
    assert page.locator("#year-output").inner_text() == "1985"
    assert "1985" in page.locator("figcaption .network-shown").inner_text()
    in_1985 = _titles(page)
    assert "Iran – Iraq (hostility)" in in_1985 and "Iran – Iraq (alliance)" not in in_1985 and in_1985 < every
    # the reader's view and filters carry over to the new picture
    assert _view(page) == zoomed and _visible_ties(page, "path.edge.hostility") == 0
    page.get_by_label("hostile", exact=True).check()
    page.get_by_role("button", name="Reset the view").click()
    page.locator("figure.neighbourhood").screenshot(path=str(shots / "network-1985.png"))
    # the keyboard moves the slider too, and "all years" goes back
    page.locator("#year").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('svg.network title').textContent.includes('1986')")
    page.get_by_role("link", name="all years").click()
    page.wait_for_function("!/\\d{4}/.test(document.querySelector('svg.network title').textContent)")
    assert _titles(page) == every and page.url.endswith("/id/Iran.html")
    assert page.evaluate("window.loadedOnce") is True and errors == []
    page.context.close()


def test_without_script_the_picture_is_links_and_the_year_a_form(site_url, open_page):
    page, _ = _open(open_page, site_url + "/id/Iran.html", javascript=False)
    assert page.locator(".network-tools, .network-filter").count() == 0
    pairs = page.locator('svg.network .ties a[href^="/pair/Iran/"]')
    nodes = page.locator('svg.network a.node[href^="/id/"]')
    assert pairs.count() > 5 and nodes.count() > 5
    # a tie is a link with a name: what its arcs say
    assert page.get_by_role("link", name=re.compile(r"Iran – Iraq \(hostility\)")).get_attribute("href") == "/pair/Iran/Iraq"
    page.locator('svg.network .ties a[href="/pair/Iran/Iraq"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/pair/Iran/Iraq")
    page.go_back()
    page.locator("#year").fill("1985")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/id/Iran.html?year=1985")
    assert "Iran – Iraq (hostility)" in _titles(page)
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_interactive_picture_passes_axe_and_fits_the_screen(site_url, open_page, axe_script, viewport, shots):
    problems = {}
    for path in ("/", "/id/Iran.html"):
        page, errors = _open(open_page, site_url + path, viewport=viewport)
        page.get_by_text("by relation").click()   # every control showing
        page.locator('svg.network a.node[href="/id/Iran.html"]').focus()
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        found = serious_violations(page, axe_script) + errors + ([f"scrolls sideways by {wide}px"] if wide > 0 else [])
        if found:
            problems[path] = found
        if viewport is PHONE and path == "/":
            page.locator("figure").first.screenshot(path=str(shots / "network-phone.png"))
        page.context.close()
    assert problems == {}
