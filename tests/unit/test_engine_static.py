from __future__ import annotations

import os
from dataclasses import replace

from conformance.engine.static import check_document
from conformance.model import Status
from conformance.profiles import resolve_profile
from conformance.registry import static_check
from conformance.specs import load_spec
from tests.conftest import FIXTURES


@static_check("_test_crashes", target="operation")
def _crashes(node, ctx):
    raise RuntimeError("boom")
    yield  # pragma: no cover


def _doc(tmp_path, text):
    p = tmp_path / "openapi.yaml"
    p.write_text(text, encoding="utf-8")
    return load_spec(str(p))


VALID = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get: {responses: {'200': {description: ok}}}
"""


def test_crashing_rule_gives_error_outcome_and_others_continue(tmp_path):
    rules = resolve_profile("vn-full").rules
    crashing = replace(rules["DOC001"], id="TST001", check="_test_crashes", target="operation")
    outcomes = {o.rule: o for o in check_document(_doc(tmp_path, VALID), [crashing, rules["DOC001"]])}
    assert outcomes["TST001"].status is Status.ERROR and "boom" in outcomes["TST001"].reason
    assert outcomes["DOC001"].status is Status.FAILED


def test_invalid_document_skips_rules_that_need_validity(tmp_path):
    rules = resolve_profile("vn-full").rules
    doc = _doc(tmp_path, "openapi: 3.0.3\npaths: {}\n")
    outcomes = {o.rule: o for o in check_document(doc, list(rules.values()))}
    assert outcomes["STR001"].status is Status.FAILED
    assert outcomes["SEC001"].status is Status.SKIPPED
    assert "structural validation" in outcomes["SEC001"].reason
    assert outcomes["DOC002"].status is Status.PASSED  # runs on invalid documents too


def test_passes_are_recorded_and_not_applicable_distinguished(tmp_path):
    rules = resolve_profile("vn-full").rules
    outcomes = {o.rule: o for o in check_document(_doc(tmp_path, VALID), list(rules.values()))}
    assert outcomes["SEC005"].status is Status.NOT_APPLICABLE  # no parameters at all
    assert outcomes["DATA002"].status is Status.NOT_APPLICABLE
    assert outcomes["STR001"].status is Status.PASSED


def test_findings_in_referenced_file_have_its_line():
    rules = resolve_profile("vn-full").rules
    doc = load_spec(os.path.join(FIXTURES, "specs", "multi-file", "openapi.yaml"))
    outcome = next(o for o in check_document(doc, [rules["ID002"]]) if o.rule == "ID002")
    (finding,) = outcome.findings
    assert finding.location.file.endswith("schemas.yaml") and finding.location.line == 10
