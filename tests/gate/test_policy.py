from __future__ import annotations

import json

import pytest

from conformance.cli import main
from conformance.errors import UsageError
from conformance.model import Severity, Status
from conformance.policy import count, evaluate, load_policy
from conformance.reporters import json as json_report
from conformance.reporters.verdict import verdict

from .conftest import finding, outcome, result

POLICY = """\
policy: lgsp-33
version: "2026.1"
platform: LGSP
requirements:
  - kind: "*"
    tier: "*"
    profiles: [{profile: vn-full}]
  - kind: dossier-system
    tier: "*"
    profiles:
      - {profile: vn-full, max_errors: 0, max_warnings: 1}
  - kind: dossier-system
    tier: province
    profiles:
      - {profile: vn-full, max_errors: 0, max_warnings: 2}
      - {profile: security, max_errors: 0, version: "3"}
"""


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return load_policy(str(path))


def _warnings(n: int, profile: str = "vn-full", **kw):
    return result(
        [
            outcome(
                "DOC001",
                "a.yaml",
                [finding("DOC001", pointer=f"/p{i}", severity=Severity.WARNING) for i in range(n)],
                severity=Severity.WARNING,
            )
        ],
        profile=profile,
        **kw,
    )


def test_most_specific_entry_applies(policy) -> None:
    assert [p.profile for p in policy.requirement_for("dossier-system", "province").profiles] == [
        "vn-full",
        "security",
    ]
    assert policy.requirement_for("dossier-system", "commune").profiles[0].max_warnings == 1
    assert policy.requirement_for("portal", "commune").profiles[0].max_warnings is None


def test_admit_within_thresholds_refuse_beyond(policy) -> None:
    two = _warnings(2)
    sec = _warnings(0, profile="security", version="3")
    assert evaluate(policy, [two, sec], kind="dossier-system", tier="province").admitted
    d = evaluate(policy, [two], kind="dossier-system", tier="commune")
    assert not d.admitted and d.reasons == ["vn-full: 2 warnings, at most 1 allowed"]


def test_missing_profile_and_version_pin_are_reasons(policy) -> None:
    d = evaluate(policy, [_warnings(0)], kind="dossier-system", tier="province")
    assert d.reasons == ["security: no result for this required profile"]
    d = evaluate(
        policy,
        [_warnings(0), _warnings(0, profile="security", version="2")],
        kind="dossier-system",
        tier="province",
    )
    assert len(d.reasons) == 1 and "version 2" in d.reasons[0] and "requires 3" in d.reasons[0]


def test_errors_count_like_the_report_verdict(policy) -> None:
    r = result(
        [
            outcome("SEC001", "a.yaml", [finding("SEC001", pointer="/a"), finding("SEC001", pointer="/b")]),
            outcome("SEC002", "a.yaml", status=Status.ERROR, reason="rule crashed"),
            outcome(
                "SEC003", "a.yaml", status=Status.ERROR, severity=Severity.WARNING, reason="rule crashed"
            ),
        ]
    )
    ready, blockers = verdict(r)
    c = count(r)
    assert not ready and c.errors == sum(b.findings or 1 for b in blockers) and c.warnings == 1
    d = evaluate(policy, [r], kind="portal", tier="province")
    assert d.reasons == [f"vn-full: {c.errors} errors, at most 0 allowed"]


def test_unknown_kind_is_a_usage_error(tmp_path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        POLICY.replace('  - kind: "*"\n    tier: "*"\n    profiles: [{profile: vn-full}]\n', ""),
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match="no entry for kind 'portal'"):
        evaluate(load_policy(str(path)), [], kind="portal", tier="province")


def test_invalid_policy_names_file_and_line(tmp_path, capsys) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY.replace("max_warnings: 1", "max_warnings: -1"), encoding="utf-8")
    res = tmp_path / "r.json"
    res.write_text(json_report.dumps(_warnings(0)), encoding="utf-8")
    assert main(["gate", str(res), "--policy", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:11" in err


def test_gate_cli_text_json_and_waivers(tmp_path, capsys) -> None:
    pol = tmp_path / "p.yaml"
    pol.write_text(POLICY, encoding="utf-8")
    res = tmp_path / "r.json"
    res.write_text(json_report.dumps(_warnings(3)), encoding="utf-8")
    args = ["gate", str(res), "--policy", str(pol), "--system-kind", "dossier-system", "--tier", "ward"]
    assert main(args) == 1
    assert capsys.readouterr().out.splitlines() == [
        "refuse: policy lgsp-33 v2026.1, kind dossier-system, tier ward",
        "  vn-full: 3 warnings, at most 1 allowed",
    ]
    assert main([*args, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "refuse" and data["profiles"][0]["warnings"] == 3
    w = tmp_path / "w.yaml"
    w.write_text(
        "waivers:\n  - {rule: DOC001, location: /p0, reason: r, approved_by: a, expires: '2026-12-31'}\n"
        "  - {rule: DOC001, location: /p1, reason: r, approved_by: a, expires: '2026-12-31'}\n"
        "  - {rule: DOC001, location: /p2, reason: r, approved_by: a, expires: '2025-12-31'}\n",
        encoding="utf-8",
    )
    assert main([*args, "--waivers", str(w), "--today", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("admit:") and "expired waiver" in out and "2025-12-31" in out
