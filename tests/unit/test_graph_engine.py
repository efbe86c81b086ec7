"""Graph engine: outcomes per rule, crash isolation, cross-spec resolution, api.graph_check."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable

from conformance.api_graph import graph_check
from conformance.engine.graph import SpecIndex, check_graph
from conformance.inventory import load_inventory, parse_inventory
from conformance.model import Kind, Status
from conformance.profiles import load_catalogue, resolve_profile
from conformance.registry import graph_check as register
from conformance.reporters import json as json_report
from conformance.systems import SystemGraph
from tests.conftest import ROOT

SAMPLE = os.path.join(ROOT, "fixtures", "inventories", "sample-province", "inventory.yaml")


def test_sample_run_is_deterministic_and_has_the_deliberate_violations(clock: Callable[[], dt.datetime]) -> None:
    a = graph_check(SAMPLE, clock=clock)
    b = graph_check(SAMPLE, clock=clock)
    assert json_report.dumps(a) == json_report.dumps(b)
    failed = {o.rule for o in a.outcomes if o.status is Status.FAILED}
    assert {"ARCH001", "ARCH005", "ARCH010", "ARCH013", "ARCH015", "ARCH022"} <= failed
    assert all(o.status is not Status.ERROR for o in a.outcomes)
    assert [s.kind for s in a.subjects] == ["inventory"]
    graph_rules = {r.id for r in resolve_profile("vn-full").rules.values() if r.kind is Kind.GRAPH}
    assert {o.rule for o in a.outcomes} == graph_rules
    assert json_report.loads(json_report.dumps(a)) is not None


def test_crashing_rule_becomes_error_outcome() -> None:
    @register("_test_graph_crash")
    def crash(graph: SystemGraph, ctx: object) -> list[object]:
        raise RuntimeError("boom")

    base = load_catalogue().rules["ARCH002"]
    broken = dataclasses.replace(base, id="ARCH999", check="_test_graph_crash")
    graph = SystemGraph(parse_inventory("systems: [{id: a, owner: o, kind: lgsp}]"))
    outcomes = check_graph(graph, [broken, base], as_of=dt.date(2026, 1, 1))
    by_rule = {o.rule: o for o in outcomes}
    assert by_rule["ARCH999"].status is Status.ERROR and "boom" in by_rule["ARCH999"].reason
    assert by_rule["ARCH002"].status is Status.FAILED


def test_spec_index_resolves_by_id_and_method_path() -> None:
    graph = SystemGraph(load_inventory(SAMPLE))
    prov = SpecIndex(graph).provider("csdlqg-dan-cu")
    op = prov.find("traCuuCongDan")
    assert op is not None and op is prov.find("get /api/v1/cong-dan/{x}")
    assert "NoiThuongTru.MaXa" in op.fields and "MaXa" in op.names
    assert prov.find("POST /api/v1/cong-dan/{x}") is None


def test_unreadable_provider_spec_is_a_finding(tmp_path: object) -> None:
    text = """
systems:
  - {id: a, owner: o, kind: internal-app}
  - {id: b, owner: p, kind: national-database, specs: [missing.yaml]}
connections:
  - {from: a, to: b, channel: direct, operations: [x]}
"""
    graph = SystemGraph(parse_inventory(text, path=os.path.join(str(tmp_path), "inv.yaml")))
    rule = load_catalogue().rules["ARCH021"]
    (outcome,) = check_graph(graph, [rule], as_of=dt.date(2026, 1, 1))
    assert outcome.status is Status.FAILED
    assert "cannot be read" in outcome.findings[0].message
