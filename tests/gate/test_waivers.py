from __future__ import annotations

import datetime as dt
import json
import os

import jsonschema
import pytest

from conformance.cli import main
from conformance.errors import UsageError
from conformance.model import Location, Status
from conformance.reporters import REPORTERS
from conformance.reporters import json as json_report
from conformance.waivers import apply_waivers, load_waivers, location_matches, parse_waivers, waiver_use

from .conftest import ROOT, finding, outcome, result

TODAY = dt.date(2026, 3, 1)
GOOD = """\
waivers_version: 1
waivers:
  - rule: SEC001
    subject: "specs/*.yaml"
    location: /paths/~1a
    reason: Legacy endpoint, retired in Q3
    approved_by: "Trần Thị B (Sở KH&CN)"
    expires: "2026-06-30"
    ticket: LGSP-7
  - rule: DOC001
    reason: old exception
    approved_by: C
    expires: "2026-01-31"
"""


def _sample():
    return result(
        [
            outcome(
                "SEC001",
                "specs/x.yaml",
                [
                    finding("SEC001", pointer="/paths/~1a/get"),
                    finding("SEC001", pointer="/paths/~1a/post", message="other"),
                ],
            ),
            outcome(
                "SEC002",
                "specs/x.yaml",
                [finding("SEC002", pointer="/paths/~1a/get"), finding("SEC002", pointer="/paths/~1ab/get")],
            ),
            outcome("DOC001", "specs/x.yaml", [finding("DOC001", pointer="/info")]),
        ]
    )


def test_waiver_marks_findings_and_whole_outcome() -> None:
    waivers = parse_waivers(GOOD, path="w.yaml")
    out = apply_waivers(_sample(), waivers, today=TODAY)
    by_rule = {o.rule: o for o in out.outcomes}
    assert by_rule["SEC001"].status is Status.WAIVED
    record = by_rule["SEC001"].findings[0].waiver
    assert record == {
        "approved_by": "Trần Thị B (Sở KH&CN)",
        "expires": "2026-06-30",
        "reason": "Legacy endpoint, retired in Q3",
        "ticket": "LGSP-7",
    }
    assert by_rule["SEC002"].status is Status.FAILED  # another rule is not covered
    assert all(f.waiver is None for f in by_rule["SEC002"].findings)
    # Waived findings no longer count, and nothing was deleted.
    assert out.summary()["findings"] == _sample().summary()["findings"] - 2
    assert len(out.findings()) == len(_sample().findings())


def test_partial_waiver_keeps_outcome_failed() -> None:
    text = GOOD.replace("location: /paths/~1a\n", "location: /paths/~1a/get\n")
    out = apply_waivers(_sample(), parse_waivers(text, path="w.yaml"), today=TODAY)
    sec = next(o for o in out.outcomes if o.rule == "SEC001")
    assert sec.status is Status.FAILED
    assert [f.waiver is not None for f in sec.findings] == [True, False]


def test_expired_waiver_stops_counting_and_is_reported() -> None:
    waivers = parse_waivers(GOOD, path="w.yaml")
    doc = next(o for o in apply_waivers(_sample(), waivers, today=TODAY).outcomes if o.rule == "DOC001")
    assert doc.status is Status.FAILED and doc.findings[0].waiver is None
    use = waiver_use(_sample(), waivers, today=TODAY)
    assert [w.rule for w in use.expired] == ["DOC001"]
    assert [w.rule for w in use.expired_matching] == ["DOC001"]
    # Valid through its last day, gone the day after.
    assert apply_waivers(_sample(), waivers, today=dt.date(2026, 1, 31)).summary()["by_status"]["waived"] == 2


def test_reapplying_later_rejudges_expiry() -> None:
    waivers = parse_waivers(GOOD, path="w.yaml")
    early = apply_waivers(_sample(), waivers, today=dt.date(2026, 1, 1))
    later = apply_waivers(early, waivers, today=dt.date(2026, 7, 1))
    assert later.summary() == _sample().summary()
    assert all(f.waiver is None for f in later.findings())


@pytest.mark.parametrize("field", ["reason", "approved_by", "expires"])
def test_waiver_missing_accountability_field_is_rejected(tmp_path, field: str) -> None:
    lines = [ln for ln in GOOD.splitlines() if not ln.strip().startswith(f"{field}:")]
    path = tmp_path / "w.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_waivers(str(path))
    msg = str(info.value)
    assert f"{path}:3:" in msg and field in msg and "\n" not in msg


@pytest.mark.parametrize(
    "bad",
    ['expires: "2026-02-30"', 'expires: "next year"', "reason: '  '", "location: somewhere", "colour: red"],
)
def test_invalid_waiver_values_are_rejected(bad: str) -> None:
    key = bad.split(":")[0]
    lines = [ln for ln in GOOD.splitlines()[:9] if not ln.strip().startswith(f"{key}:")] + [f"    {bad}"]
    with pytest.raises(UsageError, match=r"^w\.yaml:[3-9](:[0-9]+)?: "):  # the entry or the bad field
        parse_waivers("\n".join(lines) + "\n", path="w.yaml")


def test_cli_rejects_bad_waivers_with_exit_2(tmp_path, capsys) -> None:
    res = tmp_path / "r.json"
    res.write_text(json_report.dumps(_sample()), encoding="utf-8")
    w = tmp_path / "w.yaml"
    w.write_text(GOOD.replace("    approved_by: C\n", ""), encoding="utf-8")
    assert main(["waive", str(res), "--waivers", str(w)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{w}:10" in err and "approved_by" in err


@pytest.mark.parametrize(
    "pattern,loc,expected",
    [
        ("/paths/~1a", Location(pointer="/paths/~1a/get"), True),
        ("/paths/~1a", Location(pointer="/paths/~1a"), True),
        ("/paths/~1a", Location(pointer="/paths/~1ab"), False),
        ("/paths/~1a", Location(file="a.yaml", line=3), False),
        ("specs/*.yaml:12", Location(file="specs/a.yaml", line=12), True),
        ("specs/*.yaml:12", Location(file="specs/a.yaml", line=13), False),
        ("GET /hoso/*", Location(method="get", path="/hoso/{id}"), True),
        ("POST /hoso/*", Location(method="get", path="/hoso/{id}"), False),
        ("httt-tthc-33->csdlqg-*", Location(system="httt-tthc-33", peer="csdlqg-ho-tich"), True),
        ("httt-tthc-33->csdlqg-*", Location(system="qlvb-33", peer="csdlqg-ho-tich"), False),
        ("*", Location(), True),
    ],
)
def test_location_forms(pattern: str, loc: Location, expected: bool) -> None:
    assert location_matches(pattern, loc) is expected


def test_waived_result_is_valid_json_contract_and_shows_in_reports() -> None:
    out = apply_waivers(_sample(), parse_waivers(GOOD, path="w.yaml"), today=TODAY)
    data = json.loads(json_report.dumps(out))
    with open(
        os.path.join(ROOT, "conformance", "builtin", "schemas", "result.schema.json"), encoding="utf-8"
    ) as fh:
        jsonschema.Draft202012Validator(json.load(fh)).validate(data)
    waived = [f for o in data["outcomes"] for f in o["findings"] if "waiver" in f]
    assert len(waived) == 2 and waived[0]["waiver"]["approved_by"].startswith("Trần")
    assert json_report.dumps(json_report.loads(json_report.dumps(out))) == json_report.dumps(out)
    sarif = json.loads(REPORTERS["sarif"](out, lang="en"))
    suppressed = [r for run in sarif["runs"] for r in run["results"] if r.get("suppressions")]
    assert len(suppressed) == 2 and "LGSP-7" in suppressed[0]["suppressions"][0]["justification"]
    assert "2026-06-30" in REPORTERS["junit"](out, lang="en")
    assert "2026-06-30" in REPORTERS["html"](out, lang="en")


def test_waive_command_writes_waived_result_and_lists_expired(tmp_path, capsys) -> None:
    res, w, dest = tmp_path / "r.json", tmp_path / "w.yaml", tmp_path / "out.json"
    res.write_text(json_report.dumps(_sample()), encoding="utf-8")
    w.write_text(GOOD, encoding="utf-8")
    assert main(["waive", str(res), "--waivers", str(w), "--today", "2026-03-01", "-o", str(dest)]) == 0
    err = capsys.readouterr().err
    assert "expired waiver" in err and "DOC001" in err and "SEC001" not in err
    waived = json_report.loads(dest.read_text(encoding="utf-8"))
    assert waived.summary()["by_status"]["waived"] == 1
