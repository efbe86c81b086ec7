"""SARIF 2.1.0: goldens, the OASIS schema, locations, suppressions, stable fingerprints."""

from __future__ import annotations

import dataclasses
import json
import os

import jsonschema
import pytest

from conformance.model import Status
from conformance.reporters import sarif

from .scenarios import ROOT, agency, hostile, ready

with open(os.path.join(ROOT, "fixtures", "schemas", "sarif-schema-2.1.0.json"), encoding="utf-8") as fh:
    SCHEMA = json.load(fh)


def test_golden(scenario, golden) -> None:
    name, result = scenario
    golden(f"reports/{name}/report.sarif", sarif.render(result))


@pytest.mark.parametrize("make", [agency, ready, hostile])
def test_valid_against_sarif_schema(make) -> None:
    text = sarif.render(make())
    text.encode("utf-8")
    jsonschema.validate(json.loads(text), SCHEMA, cls=jsonschema.Draft4Validator)


def test_rules_results_locations() -> None:
    log = json.loads(sarif.render(agency()))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    str001 = next(r for r in rules if r["id"] == "STR001")
    assert str001["helpUri"] == "https://spec.openapis.org/oas/"
    assert (
        "Requirements: VN-API-076" in str001["help"]["text"]
        and "Confidence: Inferred" in str001["help"]["text"]
    )
    assert str001["properties"]["requirements"] == ["VN-API-076"]
    sec = next(r for r in run["results"] if r["ruleId"] == "SEC001")
    assert rules[sec["ruleIndex"]]["id"] == "SEC001" and sec["level"] == "error"
    phys = sec["locations"][0]["physicalLocation"]
    assert phys == {
        "artifactLocation": {"uri": "specs/legacy-dvcqg-adapter/openapi.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 16, "startColumn": 10},
    }
    live = next(r for r in run["results"] if r["ruleId"] == "LIV003")
    assert "physicalLocation" not in live["locations"][0]
    assert live["locations"][0]["logicalLocations"][0]["name"] == "GET /hoso/{MaHoSo}"
    waived = next(r for r in run["results"] if r["ruleId"] == "IDN005")
    assert (
        waived["suppressions"][0]["kind"] == "external"
        and "2026-06-30" in waived["suppressions"][0]["justification"]
    )
    assert run["invocations"][0]["executionSuccessful"] is False  # ARC002 could not run
    assert run["invocations"][0]["toolExecutionNotifications"][0]["associatedRule"]["id"] == "ARC002"
    assert len(run["results"]) == sum(
        len(o.findings) for o in agency().outcomes if o.status in (Status.FAILED, Status.WAIVED)
    )


def test_fingerprints_survive_line_shifts() -> None:
    a = agency()
    shifted = dataclasses.replace(
        a,
        outcomes=tuple(
            dataclasses.replace(
                o,
                findings=tuple(
                    dataclasses.replace(
                        f,
                        location=dataclasses.replace(f.location, line=(f.location.line or 0) + 7)
                        if f.location.line
                        else f.location,
                    )
                    for f in o.findings
                ),
            )
            for o in a.outcomes
        ),
    )

    def prints(r):
        return [x["partialFingerprints"] for x in json.loads(sarif.render(r))["runs"][0]["results"]]

    assert prints(a) == prints(shifted)
    assert len({p["conformance/v1"] for p in prints(a)}) == len(prints(a))


def test_absolute_paths_become_file_uris() -> None:
    assert sarif._uri("/tmp/a b/x.yaml") == ("file:///tmp/a%20b/x.yaml", None)
    assert sarif._uri("specs\\a.yaml") == ("specs/a.yaml", "%SRCROOT%")
