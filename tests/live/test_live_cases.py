"""Every live rule's fixture cases (fixtures/rules/LIVE*.yaml) against the reference service over a
real socket: faults switched on, TLS set up as the case asks, and the rule's outcome compared."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.api_live import AuthConfig, run_live_test
from conformance.model import Kind
from conformance.profiles import load_catalogue
from conformance.refservice import RefService
from tests.casefiles import load_cases

from .conftest import SPEC, TOKEN_ENV, Certs


def _live_cases() -> list[Any]:
    catalogue = load_catalogue()
    out = []
    for rule_id, data in load_cases().items():
        rule = catalogue.rules.get(rule_id)
        if rule is None or rule.kind is not Kind.LIVE:
            continue
        for case in data["cases"]:
            out.append(pytest.param(rule_id, case, id=f"{rule_id}-{case['name']}"))
    return out


def run_case(rule_id: str, case: dict[str, Any], certs: Certs | None, token: str) -> Any:
    tls = case.get("tls")
    ctx = certs.context(tls) if tls and certs is not None else None
    svc = RefService(faults=case.get("faults", []), token=token, ssl_context=ctx,
                     slow_seconds=float(case.get("slow_seconds", 2.5)))
    with svc:
        live = run_live_test(SPEC, base_url=svc.base_url, profile="vn-full", mode=case.get("mode", "probe"),
                             burst=int(case.get("burst", 0)), max_requests=int(case.get("max_requests", 150)),
                             rate=200.0, timeout=5.0, budget_seconds=60.0,
                             auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"),
                             ca_file=certs.ca_file if certs is not None else None)
    return next(o for o in live.result.outcomes if o.rule == rule_id)


@pytest.mark.parametrize(("rule_id", "case"), _live_cases())
def test_live_rule_case(rule_id: str, case: dict[str, Any], request: pytest.FixtureRequest, token_env: str) -> None:
    certs = request.getfixturevalue("certs") if case.get("tls") else None
    outcome = run_case(rule_id, case, certs, token_env)
    messages = [f.message for f in outcome.findings]
    assert outcome.status.value == case["expect_status"], (outcome.reason, messages)
    if case.get("message_contains"):
        assert any(case["message_contains"] in m for m in messages), messages
    for finding in outcome.findings:  # every finding about an exchange carries its evidence
        if finding.location.method:
            ev = finding.details["evidence"]
            assert set(ev) == {"request", "response", "curl"} and ev["curl"].startswith("curl ")


def test_every_live_rule_has_pass_and_fail_cases() -> None:
    catalogue = load_catalogue()
    cases = load_cases()
    missing = []
    for rule in catalogue.rules.values():
        if rule.kind is not Kind.LIVE:
            continue
        statuses = {c["expect_status"] for c in cases.get(rule.id, {}).get("cases", [])}
        if statuses != {"passed", "failed"}:
            missing.append(rule.id)
    assert not missing, f"live rules without a passing and a failing case: {missing}"

