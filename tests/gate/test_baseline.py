from __future__ import annotations

import json

from conformance.baseline import baseline_exit_code, diff, fingerprint, new_findings
from conformance.cli import main
from conformance.model import Severity, Status
from conformance.reporters import json as json_report

from .conftest import finding, outcome, result


def _base():
    return result(
        [
            outcome("SEC001", "a.yaml", [finding("SEC001", pointer="/paths/~1a/get", line=10)]),
            outcome(
                "DOC001",
                "a.yaml",
                [finding("DOC001", pointer="/info", severity=Severity.WARNING)],
                severity=Severity.WARNING,
            ),
            outcome("LIVE001", "https://x", [finding("LIVE001", method="GET", path="/a", file=None)]),
        ]
    )


def test_fingerprint_ignores_line_shifts_but_not_place_or_message() -> None:
    a = finding("SEC001", pointer="/paths/~1a/get", line=10)
    assert fingerprint(a, "a.yaml") == fingerprint(
        finding("SEC001", pointer="/paths/~1a/get", line=42), "a.yaml"
    )
    assert fingerprint(a, "a.yaml") != fingerprint(
        finding("SEC001", pointer="/paths/~1b/get", line=10), "a.yaml"
    )
    assert fingerprint(a, "a.yaml") != fingerprint(a, "b.yaml")
    assert fingerprint(a, "a.yaml") != fingerprint(
        finding("SEC001", pointer="/paths/~1a/get", message="x"), "a.yaml"
    )


def test_only_new_findings_fail() -> None:
    base = _base()
    moved = result(
        [
            outcome("SEC001", "a.yaml", [finding("SEC001", pointer="/paths/~1a/get", line=99)]),
            outcome(
                "DOC001",
                "a.yaml",
                [finding("DOC001", pointer="/info", severity=Severity.WARNING)],
                severity=Severity.WARNING,
            ),
            outcome("LIVE001", "https://x", [finding("LIVE001", method="GET", path="/a", file=None)]),
        ]
    )
    assert new_findings(moved, base) == [] and baseline_exit_code(moved, base) == 0
    worse = result(
        [
            *moved.outcomes[:2],
            outcome(
                "LIVE001",
                "https://x",
                [
                    finding("LIVE001", method="GET", path="/a", file=None),
                    finding("LIVE001", method="POST", path="/a", file=None),
                ],
            ),
            outcome("SEC009", "a.yaml", status=Status.ERROR, reason="crashed"),
        ]
    )
    new = new_findings(worse, base)
    assert [(i.rule, i.where, i.kind) for i in new] == [
        ("SEC009", "", "error"),
        ("LIVE001", "POST /a", "finding"),
    ]
    assert baseline_exit_code(worse, base) == 1
    warn_only = result(
        [
            *moved.outcomes,
            outcome(
                "DOC002",
                "a.yaml",
                [finding("DOC002", pointer="/x", severity=Severity.WARNING)],
                severity=Severity.WARNING,
            ),
        ]
    )
    assert baseline_exit_code(warn_only, base, "error") == 0
    assert baseline_exit_code(warn_only, base, "warning") == 1


def test_diff_fixed_new_changed() -> None:
    base = _base()
    after = result(
        [
            outcome("SEC001", "a.yaml", [finding("SEC001", pointer="/paths/~1a/get", message="reworded")]),
            outcome("DOC001", "a.yaml", [finding("DOC001", pointer="/info", severity=Severity.ERROR)]),
            outcome("SEC002", "a.yaml", [finding("SEC002", pointer="/x")]),
        ]
    )
    d = diff(base, after)
    assert [i.rule for i in d.fixed] == ["LIVE001"]
    assert [i.rule for i in d.new] == ["SEC002"]
    assert sorted((b.rule, tuple(f)) for _, b, f in d.changed) == [
        ("DOC001", ("severity",)),
        ("SEC001", ("message",)),
    ]
    again = diff(after, after)
    assert not (again.new or again.fixed or again.changed)


def test_diff_cli(tmp_path, capsys) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json_report.dumps(_base()), encoding="utf-8")
    later = result([*_base().outcomes, outcome("SEC002", "a.yaml", [finding("SEC002", pointer="/x")])])
    b.write_text(json_report.dumps(later), encoding="utf-8")
    assert main(["diff", str(a), str(b)]) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[-1] == "1 new, 0 fixed, 0 changed" and text.startswith("new     error   SEC002")
    assert main(["diff", str(b), str(a), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"new": 0, "fixed": 1, "changed": 0}
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert main(["diff", str(a), str(tmp_path / "bad.json")]) == 2
    assert str(tmp_path / "bad.json") in capsys.readouterr().err


def test_baseline_against_a_real_edit(spec_dir, tmp_path, clock) -> None:
    from conformance.api import lint

    spec = f"{spec_dir}/shared-codelists/openapi.yaml"
    before = lint([spec], clock=clock).result
    text = open(spec, encoding="utf-8").read()
    # Lines shift (a comment on top): nothing is new, nothing fixed.
    with open(spec, "w", encoding="utf-8") as fh:
        fh.write("# edited\n# again\n" + text)
    shifted = lint([spec], clock=clock).result
    assert new_findings(shifted, before) == []
    assert not diff(before, shifted).new and not diff(before, shifted).fixed
    # A bare new operation: whatever it triggers is new, and located under it.
    bare = "paths:\n  /moi:\n    get:\n      responses:\n        '200':\n          description: ok\n"
    with open(spec, "w", encoding="utf-8") as fh:
        fh.write(text.replace("paths:\n", bare, 1))
    grown = lint([spec], clock=clock).result
    new = new_findings(grown, before)
    d = diff(before, grown)
    assert d.new and all(i.where.startswith("/paths/~1moi") for i in d.new)
    # Aggregate findings whose wording changed (e.g. a count) are "changed" in a diff, and new for a
    # baseline (the fingerprint includes the message): the baseline errs on the side of failing.
    assert {i.fingerprint for i in new} == {i.fingerprint for i in d.new} | {
        b.fingerprint for _, b, _ in d.changed
    }
    assert baseline_exit_code(grown, before, "info") == 1
