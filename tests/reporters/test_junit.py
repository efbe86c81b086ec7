"""JUnit XML: goldens, the JUnit XSD, and well-formedness whatever the strings."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest
import xmlschema

from conformance.reporters import junit

from .scenarios import ROOT, agency, hostile

XSD = xmlschema.XMLSchema(os.path.join(ROOT, "fixtures", "schemas", "junit.xsd"))


def test_golden(scenario, golden) -> None:
    name, result = scenario
    golden(f"reports/{name}/report.junit.xml", junit.render(result))


@pytest.mark.parametrize("make", [agency, hostile])
def test_valid_against_junit_xsd(make) -> None:
    text = junit.render(make())
    XSD.validate(text)
    ET.fromstring(text.encode("utf-8"))


def test_one_testcase_per_outcome_passes_included() -> None:
    result = agency()
    root = ET.fromstring(junit.render(result).encode())
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(result.outcomes) == int(root.get("tests"))
    assert {s.get("name") for s in root.findall("testsuite")} == {s.id for s in result.subjects}
    by_name = {(c.get("classname"), c.get("name")): c for c in cases}
    sec = by_name[("specs/legacy-dvcqg-adapter/openapi.yaml", "SEC001 https-only")]
    assert sec.find("failure").get("type") == "error"
    props = [(p.get("name"), p.get("value")) for p in sec.findall("properties/property")]
    assert ("requirement", "VN-API-010") in props and ("confidence", "confirmed") in props
    assert ("citation", "NĐ 194/2025/NĐ-CP, Điều 12 khoản 2") in props
    assert by_name[("specs/provincial-one-stop/openapi.yaml", "SEC001 https-only")].find("failure") is None
    assert by_name[("inventory:nghean", "ARC002 no-dependency-cycles")].find("error") is not None
    assert (
        by_name[("specs/provincial-one-stop/openapi.yaml", "PRV002 personal-data-processing-record")]
        .find("skipped")
        .get("type")
        == "manual"
    )
    waived = by_name[("specs/legacy-dvcqg-adapter/openapi.yaml", "IDN005 two-level-admin-units")]
    assert waived.find("failure") is None and "until=2026-06-30" in waived.find("system-out").text
    assert root.get("failures") == "6" and root.get("errors") == "1"


def test_hostile_text_survives_as_text() -> None:
    root = ET.fromstring(junit.render(hostile()).encode())
    failure = root.find("./testsuite/testcase/failure")
    assert "<script>window.__pwned=1;alert(1)</script>" in failure.text
    assert "\ufffd" in failure.text and "\x00" not in failure.text
