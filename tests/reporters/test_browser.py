"""The HTML report in a real browser: headless Chromium over the DevTools pipe.

No console errors, no request but the file itself, no script of a hostile spec runs (its strings
try to set window.__pwned or open a dialog), filters work from the keyboard's point of view (plain
form controls), and a screenshot of each language is kept in test-artifacts/.
Skips without Chromium unless CONFORMANCE_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.reporters import html

from .cdp import Browser, find_chromium
from .conftest import excerpts_for
from .scenarios import ROOT, XSS, agency, hostile, ready

pytestmark = pytest.mark.browser
ARTIFACTS = Path(ROOT) / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    exe = find_chromium()
    if exe is None:
        if os.environ.get("CONFORMANCE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium not found and CONFORMANCE_REQUIRE_BROWSER=1 (apt-get install chromium)")
        pytest.skip("Chromium not installed (Debian package `chromium`)")
    b = Browser(exe)
    try:
        b.attach()
        yield b
    finally:
        b.close()


def _open(browser: Browser, tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.html"
    path.write_text(text, encoding="utf-8")
    url = path.as_uri()
    browser.events.clear()
    browser.open(url)
    return url


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_loads_clean_and_screenshot(browser, tmp_path, lang) -> None:
    result = agency()
    url = _open(
        browser,
        tmp_path,
        f"agency-{lang}",
        html.render(result, lang=lang, extras={"excerpts": excerpts_for("agency", result)}),
    )
    assert browser.errors() == []
    assert browser.requests() == [url]
    assert browser.evaluate("document.documentElement.lang") == lang
    assert browser.evaluate("document.getElementById('filters').hidden") is False  # the script ran
    total = browser.evaluate("document.querySelectorAll('article.finding').length")
    assert total == 9
    # filters: status, then search; hidden items leave the count in the live region
    shown = "Array.from(document.querySelectorAll('article.finding')).filter(e => !e.hidden).length"
    browser.evaluate(
        "var s=document.getElementById('f-status'); s.value='waived';s.dispatchEvent(new Event('change'))"
    )
    assert browser.evaluate(shown) == 1
    browser.evaluate(
        "var s=document.getElementById('f-status'); s.value='';s.dispatchEvent(new Event('change'));"
        "var q=document.getElementById('f-search'); q.value='vn-api-010';"
        "q.dispatchEvent(new Event('input'))"
    )
    assert browser.evaluate(shown) == 1
    assert browser.evaluate("document.getElementById('f-count').textContent").startswith(
        "Hiển thị 1 trên 9" if lang == "vi" else "Showing 1 of 9"
    )
    browser.evaluate(
        "var q=document.getElementById('f-search'); q.value=''; q.dispatchEvent(new Event('input'))"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(str(ARTIFACTS / f"report-agency-{lang}.png"))
    browser.screenshot(str(ARTIFACTS / f"report-agency-{lang}-top.png"), height=1400)
    assert (ARTIFACTS / f"report-agency-{lang}.png").stat().st_size > 10_000


def test_ready_report_loads_clean(browser, tmp_path) -> None:
    url = _open(browser, tmp_path, "ready", html.render(ready()))
    assert browser.errors() == [] and browser.requests() == [url]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(str(ARTIFACTS / "report-ready-vi-top.png"), height=1000)


def test_hostile_strings_run_no_script(browser, tmp_path) -> None:
    result = hostile()
    path = result.outcomes[0].findings[0].location.file
    extras = {"excerpts": {(path, n): [(n, x)] for n, x in enumerate(XSS, 1)}}
    url = _open(browser, tmp_path, "hostile", html.render(result, lang="en", extras=extras))
    browser.evaluate(
        "document.getElementById('f-search').value='pwned';"
        "document.getElementById('f-search').dispatchEvent(new Event('input'))"
    )
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.dialogs() == []
    assert browser.errors() == []
    assert browser.requests() == [url]  # no <img src=x>, no javascript: navigation
    assert browser.evaluate("document.querySelectorAll('img,svg,iframe').length") == 0
    assert browser.evaluate("document.scripts.length") == 2
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(str(ARTIFACTS / "report-hostile-en-top.png"), height=1400)


def test_detector_is_not_blind(browser, tmp_path) -> None:
    """A page that does run script and breaks its CSP is caught, so the passes above mean something."""
    page = (
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'nonce-a'\"><script nonce=a>window.__pwned=1;console.error('boom');alert('x')</script>"
        "<script>window.__pwned=2</script>"
    )
    _open(browser, tmp_path, "control", page)
    assert browser.evaluate("window.__pwned") == 1
    assert browser.dialogs() == ["x"]
    assert any("boom" in e for e in browser.errors())
    assert any("Content Security Policy" in e for e in browser.errors())


def test_report_with_dependency_map_loads_clean(browser, tmp_path) -> None:
    """The dependency map from the graph view, embedded with the report's nonce, runs under its CSP."""
    graphview = pytest.importorskip("conformance.reporters.graphview")
    from conformance.inventory import load_inventory
    from conformance.systems import SystemGraph

    graph = SystemGraph(
        load_inventory(os.path.join(ROOT, "fixtures", "inventories", "sample-province", "inventory.yaml"))
    )
    result = agency()
    fragment = lambda nonce: graphview.graph_view_html(graph, result=result, nonce=nonce, lang="vi")  # noqa: E731
    url = _open(
        browser, tmp_path, "with-graph", html.render(result, lang="vi", extras={"graph_html": fragment})
    )
    assert browser.errors() == [] and browser.requests() == [url]
    assert (
        browser.evaluate("document.getElementById('h-graph').parentElement.querySelectorAll('svg *').length")
        > 0
    )
    ARTIFACTS.mkdir(exist_ok=True)
    top = browser.evaluate("document.getElementById('h-graph').getBoundingClientRect().top + window.scrollY")
    browser.screenshot(str(ARTIFACTS / "report-agency-vi-graph.png"), top=max(0, top - 20), height=1000)
