"""Runs every static rule's failing and passing cases from fixtures/rules/<RULE>.yaml.

Only the rule under test is enabled; findings are compared exactly by pointer, and by message
fragment where the case gives one. Test ids are RULE-case, so `pytest -k SEC001` works.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from conformance.engine.static import check_document
from conformance.model import Kind, Status
from conformance.profiles import load_catalogue
from conformance.specs import load_spec
from tests.casefiles import load_cases, spec_document

CASES = load_cases()
CATALOGUE = load_catalogue()


def _params() -> list[Any]:
    out = []
    for rule_id, data in CASES.items():
        rule = CATALOGUE.rules.get(rule_id)
        if rule is None or rule.kind is not Kind.STATIC:
            continue
        for case in data["cases"]:
            out.append(pytest.param(rule_id, case, id=f"{rule_id}-{case['name']}"))
    return out


@pytest.mark.parametrize(("rule_id", "case"), _params())
def test_rule_case(rule_id: str, case: dict[str, Any], tmp_path: Any) -> None:
    rule = CATALOGUE.rules[rule_id]
    if case.get("options"):
        rule = replace(rule, options={**rule.options, **case["options"]})
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(spec_document(case["spec"])), encoding="utf-8")
    for name, text in (case.get("files") or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    doc = load_spec(str(path))
    outcomes = [o for o in check_document(doc, [rule], raise_errors=True) if o.rule == rule_id]
    assert len(outcomes) == 1
    outcome = outcomes[0]
    assert outcome.status is not Status.ERROR, outcome.reason
    got = sorted(f.location.pointer or "" for f in outcome.findings)
    expected = sorted(e.get("pointer", "") for e in case["expect"])
    assert got == expected, [f.message for f in outcome.findings]
    for exp in case["expect"]:
        if "message_contains" in exp:
            messages = [f.message for f in outcome.findings if (f.location.pointer or "") == exp.get("pointer", "")]
            assert any(exp["message_contains"] in m for m in messages), messages
    if case["expect"]:
        assert outcome.status is Status.FAILED
        assert all(f.message_vi for f in outcome.findings), "every finding has a Vietnamese message"
    else:
        assert outcome.status in (Status.PASSED, Status.NOT_APPLICABLE)
        if case.get("applicable", True):
            assert outcome.status is Status.PASSED, "a passing case must exercise the rule"
