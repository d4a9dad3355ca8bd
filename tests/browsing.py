"""What the browser tests share: Debian's Chromium driven by Playwright, the two screen sizes, axe-core's
verdict on a page, and the check that a page never asks another host for anything. Their fixtures
(`chromium`, `open_page`, `shots`, `axe_script`, `site_url`) are in conftest.py."""
from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1360, "height": 1000}, {"width": 390, "height": 844}
# Screenshots go to a temporary folder, or (make screenshots) to docs/screenshots for the README.
SCREENSHOTS_ENV = "ALLIANCE_KG_SCREENSHOTS"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def serious_violations(page, axe_script: Path) -> list[str]:
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => v.impact + " " + v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))""")
    return found


def requests_of(page) -> list[str]:
    """Every URL the page asks for from now on (appended as they go)."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def assert_only_asked(site_url: str, requests: list[str]) -> None:
    """Something was asked, and nothing of another host (a page of ours works offline, and tells no one)."""
    own = urllib.parse.urlsplit(site_url).netloc
    off_host = [u for u in requests if urllib.parse.urlsplit(u).netloc not in (own, "")
                and not u.startswith(("data:", "blob:"))]
    assert requests and off_host == []
