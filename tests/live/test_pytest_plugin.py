"""The pytest plugin: inert by default; with --conformance-spec, one item per (rule, operation)
with findings and citations in the failure text, and a conformance_result fixture."""

from __future__ import annotations

import pytest

from conformance.refservice import RefService

from .conftest import SPEC

pytest_plugins = ["pytester"]


def test_inert_without_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_items_and_failure_text(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLUGIN_TOKEN", "plugin-token-123")
    pytester.makepyfile("def test_mine(conformance_result):\n    assert conformance_result.outcomes\n")
    with RefService(faults=["no_correlation_echo"], token="plugin-token-123") as svc:
        result = pytester.runpytest("--conformance-spec", SPEC,
                                    "--conformance-base-url", svc.base_url, "--conformance-rate", "200",
                                    "--conformance-auth", "bearer:PLUGIN_TOKEN", "-rf")
    text = result.stdout.str()
    assert "LIVE015[listHoSo]" in text and "X-Request-ID" in text and "cites: NĐ 278/2025/NĐ-CP" in text
    assert "plugin-token-123" not in text
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 1 and outcomes.get("passed", 0) >= 1
