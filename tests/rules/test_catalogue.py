"""Meta-tests: every rule is complete, cited, and has failing and passing cases."""

from __future__ import annotations

import os

import pytest

from conformance import yamlio
from conformance.profiles import load_catalogue
from conformance.registry import load_checks
from tests.casefiles import load_cases
from tests.conftest import ROOT

CAT = load_catalogue()
CASES = load_cases()
REQS = os.path.join(os.path.dirname(ROOT), "shared", "framework", "requirements.yaml")


@pytest.mark.parametrize("rule_id", sorted(CAT.rules))
def test_rule_is_complete(rule_id):
    rule = CAT.rules[rule_id]
    assert rule.requirements and all(r.startswith("VN-API-") for r in rule.requirements)
    assert rule.citations and all(c.instrument for c in rule.citations)
    assert rule.summary.en and rule.summary.vi, "summary in English and Vietnamese"
    assert rule.rationale.en and rule.rationale.vi, "rationale in English and Vietnamese"
    assert rule.confidence is not None
    cases = CASES.get(rule_id)
    assert cases is not None, f"fixtures/rules/{rule_id}.yaml is missing"
    kinds = {bool(c.get("expect")) or c.get("expect_status") == "failed" for c in cases["cases"]}
    assert kinds == {True, False}, "needs at least one failing and one passing case"


@pytest.mark.skipif(not os.path.exists(REQS), reason="shared requirement catalogue not present")
def test_requirement_ids_exist():
    known = {r["id"] for r in yamlio.load_file(REQS).data["requirements"]}
    for rule in CAT.rules.values():
        assert set(rule.requirements) <= known, rule.id


def test_every_registered_check_is_used():
    used = {r.check for r in CAT.rules.values()}
    unused = {name for name in load_checks() if name not in used and not name.startswith("_test")}
    assert not unused, f"checks bound to no rule: {sorted(unused)}"


def test_no_case_file_without_rule():
    assert set(CASES) <= set(CAT.rules), sorted(set(CASES) - set(CAT.rules))
