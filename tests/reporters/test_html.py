"""HTML report: goldens, self-containment, escaping of hostile strings, accessible structure."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import pytest

from conformance.model import Severity, Status
from conformance.reporters import html
from conformance.reporters.excerpts import collect_excerpts
from conformance.reporters.verdict import clean, matrix, verdict

from .conftest import excerpts_for
from .scenarios import FIXTURES, LEGACY, SCENARIOS, XSS, agency, hostile, ready


class Page(HTMLParser):
    """Collects what the checks below need: tags with attributes, headings, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_golden(scenario, lang, golden) -> None:
    name, result = scenario
    text = html.render(result, lang=lang, extras={"excerpts": excerpts_for(name, result)})
    golden(f"reports/{name}/report.{lang}.html", text)


def test_same_input_same_bytes_and_nonce_from_content() -> None:
    a = html.render(agency(), lang="vi")
    assert a == html.render(agency(), lang="vi")
    nonces = set(re.findall(r"nonce-([A-Za-z0-9+/=]+)'", a))
    assert len(nonces) == 1
    nonce = nonces.pop()
    assert f'<script nonce="{nonce}">' in a and f'<style nonce="{nonce}">' in a
    assert nonce not in html.render(ready(), lang="vi")
    assert html.render(agency(), lang="vi", nonce="fixed") != a


def test_self_contained_no_network() -> None:
    text = html.render(agency(), lang="en", extras={"excerpts": excerpts_for("agency", agency())})
    page = parse(text)
    assert not [t for t, a in page.tags if t in ("link", "iframe", "object", "embed", "img", "base")]
    assert not [a for _, a in page.tags if "src" in a]
    assert "@import" not in text and not re.search(r"url\((?!data:)", text)
    csp = next(
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp.startswith("default-src 'none'; style-src 'nonce-") and "img-src data:" in csp
    assert "form-action 'none'" in csp and "base-uri 'none'" in csp
    assert not re.search(r"\bstyle=", text), "style attributes are blocked by the CSP"


def test_verdict_and_matrix_shown() -> None:
    en = html.render(agency(), lang="en")
    assert "NOT READY for onboarding" in en and "3 blocking result(s) under profile vn-full 2026.11.0" in en
    vi = html.render(agency(), lang="vi")
    assert "CHƯA ĐỦ ĐIỀU KIỆN kết nối" in vi and '<html lang="vi">' in vi
    assert "ĐỦ ĐIỀU KIỆN kết nối" in html.render(ready())
    assert "Bảo vệ dữ liệu cá nhân" in vi and "Personal data protection" in en  # area titles
    for label in ("Passed", "Failed", "Waived", "Not applicable", "Manual evidence needed"):
        assert f'<th scope="col">{label}</th>' in en


def test_excerpt_evidence_citation_confidence_waiver() -> None:
    result = agency()
    text = html.render(result, lang="en", extras={"excerpts": excerpts_for("agency", result)})
    assert (
        '<span class="line hit"><span class="ln">16</span>  - url: http://10.20.30.40:8080/XrdAdapter/RestService'
        in text
    )
    assert "Live evidence (redacted)" in text
    assert "Authorization: [REDACTED]" in text and "eyJhbGciOiJSUzI1NiJ9" not in text
    assert "access_token=[REDACTED]" in text and "abc123" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # response body shown, inert
    assert "NĐ 194/2025/NĐ-CP, Điều 12 khoản 2" in text and "Confirmed (primary source)" in text
    assert "Valid until</dt><dd>2026-06-30" in text
    assert '<a href="https://spec.openapis.org/oas/" rel="noopener noreferrer">' in text


def test_graph_fragment_is_inserted_as_given() -> None:
    text = html.render(
        agency(), extras={"graph_html": '<figure class="graph"><svg role="img"></svg></figure>'}
    )
    assert '<figure class="graph"><svg role="img"></svg></figure>' in text and "Bản đồ phụ thuộc" in text
    assert "Bản đồ phụ thuộc" not in html.render(agency())


def test_hostile_strings_are_inert() -> None:
    result = hostile()
    path = result.outcomes[0].findings[0].location.file
    extras = {"excerpts": {(path, n): [(n, x)] for n, x in enumerate(XSS, 1)}}
    text = html.render(result, lang="en", extras=extras)
    page = parse(text)
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "report-data"}, {"nonce": scripts[1]["nonce"]}]
    assert not [t for t, _ in page.tags if t in ("img", "svg", "iframe")]
    assert not [(t, k) for t, a in page.tags for k in a if k.startswith("on")]
    assert not [
        a for t, a in page.tags if t == "a" and not (a.get("href") or "").startswith(("#", "https://"))
    ]
    assert "javascript:window.__pwned=8" not in text  # the citation URL is dropped, not linked
    data = page.scripts[0]
    assert "</" not in data and "<" not in data and "\u2028" not in data
    assert "window.__pwned=4" in json.loads(data)["index"][0]["text"]
    assert "{{7*7}}" in text and "49" not in text.split("<body>")[1].split("report-data")[0].replace(
        "1049", ""
    )
    assert "\ud800" not in text and "\x00" not in text and "\x1b" not in text
    text.encode("utf-8")  # no lone surrogate survives


def test_clean_replaces_controls_and_surrogates() -> None:
    assert clean("a\x00b\x1f\tc\n\ud800\udfff\ufffe") == "a\ufffdb\ufffd\tc\n\ufffd\ufffd\ufffd"


def test_accessible_structure() -> None:
    for result in (agency(), ready(), hostile()):
        page = parse(html.render(result, lang="en"))
        assert page.headings[0] == 1 and page.headings.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), page.headings
        assert all(a.get("scope") for t, a in page.tags if t == "th")
        ids = {a.get("id") for _, a in page.tags}
        labels = {a.get("for") for t, a in page.tags if t == "label"}
        assert all(a.get("id") in labels for t, a in page.tags if t in ("input", "select"))
        assert {"header", "main", "footer"} <= {t for t, _ in page.tags}
        skip = next(a for t, a in page.tags if t == "a" and "skip" in (a.get("class") or ""))
        assert skip["href"][1:] in ids


def test_verdict_rule() -> None:
    ok, reasons = verdict(agency())
    assert not ok and [(b.rule, b.findings) for b in reasons] == [("IDN002", 1), ("SEC001", 1), ("SEC004", 1)]
    assert verdict(ready()) == (True, [])
    # an error outcome at error severity blocks; waived and warning-level failures do not
    r = agency()
    bumped = tuple(
        o
        if o.status is not Status.ERROR
        else type(o)(
            rule=o.rule, subject=o.subject, status=o.status, severity=Severity.ERROR, reason=o.reason
        )
        for o in r.outcomes
    )
    ok, reasons = verdict(type(r)(**{**{f: getattr(r, f) for f in r.__slots__}, "outcomes": bumped}))
    assert ("ARC002", 0) in [(b.rule, b.findings) for b in reasons]


def test_matrix_groups_by_area_in_framework_order() -> None:
    groups = matrix(agency())
    assert [a for a, _ in groups][:3] == ["structure", "documentation", "security"]
    rows = {r.requirement: r for _, rs in groups for r in rs}
    assert rows["VN-API-031"].rules == ["ERR001", "LIV003"] and rows["VN-API-031"].counts["failed"] == 2
    assert rows["VN-API-044"].worst == "waived" and rows["VN-API-120"].counts["manual"] == 1


def test_excerpts_bounded_and_confined(tmp_path) -> None:
    result = agency()
    ex = collect_excerpts(result, root=os.path.join(FIXTURES, "agency"), context=1)
    assert ex[(LEGACY, 16)] == [
        (15, "servers:"),
        (16, "  - url: http://10.20.30.40:8080/XrdAdapter/RestService"),
        (17, "    description: May chu adapter"),
    ]
    assert collect_excerpts(result, root=str(tmp_path)) == {}  # missing files are skipped
    # a result naming a file outside every subject's folder reads nothing
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text("x: " + "y" * 1000 + "\n" * 5)
    from conformance.model import Finding, Location, Outcome, RunResult, Subject

    f1 = Finding(
        rule="R",
        severity=Severity.ERROR,
        message="m",
        message_vi="",
        location=Location(file="secret.txt", line=1),
    )
    f2 = Finding(
        rule="R",
        severity=Severity.ERROR,
        message="m",
        message_vi="",
        location=Location(file="specs/../secret.txt", line=1),
    )
    f3 = Finding(
        rule="R",
        severity=Severity.ERROR,
        message="m",
        message_vi="",
        location=Location(file="specs/a.yaml", line=1),
    )
    r = RunResult(
        tool_version="0",
        profile=result.profile,
        generated_at="x",
        subjects=(Subject(id="specs/a.yaml", kind="spec", path="specs/a.yaml"),),
        rules=(),
        outcomes=(
            Outcome(
                rule="R",
                subject="specs/a.yaml",
                status=Status.FAILED,
                severity=Severity.ERROR,
                findings=(f1, f2, f3),
            ),
        ),
    )
    got = collect_excerpts(r, root=str(tmp_path), max_line_chars=10)
    assert list(got) == [("specs/a.yaml", 1)] and got[("specs/a.yaml", 1)][0] == (1, "x: yyyyyyy…")


def test_every_scenario_renders_in_both_languages() -> None:
    for make in SCENARIOS.values():
        for lang in ("vi", "en"):
            assert html.render(make(), lang=lang).endswith("</html>\n")


def test_graph_fragment_can_take_the_report_nonce() -> None:
    nonce = html.report_nonce(agency(), lang="en")
    text = html.render(
        agency(), lang="en", extras={"graph_html": lambda n: f'<div><script nonce="{n}"></script></div>'}
    )
    assert f'<div><script nonce="{nonce}"></script></div>' in text and f"'nonce-{nonce}'" in text


def test_only_the_graph_fragment_is_marked_safe() -> None:
    from importlib.resources import files

    templates = files("conformance.reporters") / "templates"
    found = [
        (p.name, line)
        for p in templates.iterdir()
        if p.name.endswith(".j2")
        for line in p.read_text(encoding="utf-8").splitlines()
        if "|safe" in line.replace(" ", "")
    ]
    assert found == [("report.html.j2", "{{ graph_html|safe }}")]
