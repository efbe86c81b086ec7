"""Markdown summary: goldens in both languages, and nothing in it can link, mention or inject HTML."""

from __future__ import annotations

import re

import pytest

from conformance.reporters import markdown

from .scenarios import agency, hostile, ready


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_golden(scenario, lang, golden) -> None:
    name, result = scenario
    golden(f"reports/{name}/report.{lang}.md", markdown.render(result, lang=lang))


def test_summary_content() -> None:
    en = markdown.render(agency(), lang="en")
    assert en.startswith("## ❌ Not ready for onboarding (profile vn-full 2026.11.0)")
    assert "| SEC001 https-only | VN-API-010 | Error | Failed | 1 | 1 |" in en
    assert "(Where: specs/legacy-dvcqg-adapter/openapi.yaml:16:10)" in en
    assert markdown.render(ready(), lang="vi").startswith("## ✅ Đủ điều kiện kết nối")
    assert len(re.findall(r"^- \*\*", markdown.render(agency(), lang="en", top=2), re.M)) == 2


def test_hostile_is_literal() -> None:
    text = markdown.render(hostile(), lang="en")
    text.encode("utf-8")
    assert "<" not in text.replace("<sub>", "").replace("</sub>", "")
    assert "](" not in text and "![" not in text
    assert not re.search(r"https?://", text) and not re.search(r"@\w", text)
    for line in text.splitlines():
        if line.startswith("|"):
            assert len(re.findall(r"(?<!\\)\|", line)) in (3, 7)  # no cell broken by a raw pipe
