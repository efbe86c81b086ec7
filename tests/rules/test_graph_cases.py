"""Rule cases for graph rules: fixtures/rules/ARCHnnn.yaml, each case an inline inventory.

Only the rule under test runs; the set of (system, peer) of its findings must equal ``expect``
exactly, and each expected entry's ``message_contains`` must appear in a finding at that place.
Inline inventories resolve spec paths against fixtures/rules/.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conformance import yamlio
from conformance.engine.graph import check_graph
from conformance.inventory import parse_inventory
from conformance.model import Kind, Status
from conformance.profiles import load_catalogue
from conformance.systems import SystemGraph

RULES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
FIXED_DAY = _dt.date(2026, 1, 1)  # used when a case's inventory has no as_of


def _cases() -> list[Any]:
    graph_rules = {rid for rid, r in load_catalogue().rules.items() if r.kind is Kind.GRAPH}
    out = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        data = yamlio.load_file(str(path)).data
        if data.get("rule") not in graph_rules:
            continue
        for case in data["cases"]:
            out.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}"))
    return out


CASES = _cases()


def test_every_graph_rule_has_passing_and_failing_cases() -> None:
    graph_rules = {rid for rid, r in load_catalogue().rules.items() if r.kind is Kind.GRAPH}
    seen: dict[str, set[bool]] = {rid: set() for rid in graph_rules}
    for param in CASES:
        rule, case = param.values
        seen[rule].add(bool(case["expect"]))
    missing = {rid: kinds for rid, kinds in seen.items() if kinds != {True, False}}
    assert not missing, f"rules without both a passing and a failing case: {sorted(missing)}"


@pytest.mark.parametrize(("rule_id", "case"), CASES)
def test_graph_rule_case(rule_id: str, case: dict[str, Any]) -> None:
    rule = load_catalogue().rules[rule_id]
    if case.get("options"):
        rule = replace(rule, options={**rule.options, **case["options"]})
    path = os.path.join(str(RULES_DIR), f"{rule_id}-{case['name']}.yaml")
    graph = SystemGraph(parse_inventory(case["inventory"], path=path))
    as_of = None if graph.inventory.as_of else FIXED_DAY
    (outcome,) = check_graph(graph, [rule], as_of=as_of, raise_errors=True)
    assert outcome.status is not Status.ERROR, outcome.reason
    got = {(f.location.system, f.location.peer) for f in outcome.findings}
    want = {(e.get("system"), e.get("peer")) for e in case["expect"]}
    assert got == want, [f.message for f in outcome.findings]
    for e in case["expect"]:
        text = e.get("message_contains")
        if text:
            at = [f for f in outcome.findings if (f.location.system, f.location.peer) == (e.get("system"), e.get("peer"))]
            assert any(text in f.message for f in at), (text, [f.message for f in at])
    for f in outcome.findings:  # every graph finding speaks Vietnamese too
        assert f.message_vi and f.message_vi != f.message
