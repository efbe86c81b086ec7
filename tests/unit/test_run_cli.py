from __future__ import annotations

import json
import os

from conformance.cli import main
from tests.conftest import ROOT

ONE_STOP = os.path.join(ROOT, "specs", "provincial-one-stop", "openapi.yaml")
LEGACY = os.path.join(ROOT, "specs", "legacy-dvcqg-adapter", "openapi.yaml")


def test_init_then_run_writes_every_report(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", LEGACY]) == 0
    text = (tmp_path / "conformance.yaml").read_text()
    assert LEGACY in text and "profile: vn-core" in text
    assert main(["init", LEGACY]) == 2  # refuses to overwrite
    code = main(["run", "--timestamp", "2026-01-01T00:00:00Z", "-q"])
    assert code == 1  # the legacy adapter fails error-level rules under vn-core
    for name in ("report.html", "report.json", "report.sarif", "report.junit.xml", "report.md"):
        assert (tmp_path / "reports" / name).stat().st_size > 0, name
    data = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert data["profile"]["name"] == "vn-core"


def test_run_missing_or_bad_project_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert "conformance.yaml: no such project file" in capsys.readouterr().err
    (tmp_path / "conformance.yaml").write_text("version: 1\nsystems:\n  - id: a\n    spec: [x]\n")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "conformance.yaml:3:" in err and "spec" in err and err.count("\n") == 1


def test_demo_runs_everything_and_prints_report(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--output-dir", str(out_dir), "--timestamp", "2026-01-01T00:00:00Z", "-q"]) == 0
    out = capsys.readouterr().out
    assert f"report: {out_dir / 'report.html'}" in out
    data = json.loads((out_dir / "report.json").read_text())
    kinds = {s["kind"] for s in data["subjects"]}
    assert kinds == {"spec", "endpoint", "inventory"}  # static, live and graph all ran
    html = (out_dir / "report.html").read_text()
    assert "<html" in html and "http://" not in html.split("<body")[0].replace("http://www.w3.org", "")


def test_bundled_example_specs_match_specs_folder():
    import filecmp

    for name in ("provincial-one-stop", "legacy-dvcqg-adapter", "national-enterprise-db", "shared-codelists"):
        bundled = os.path.join(ROOT, "conformance", "builtin", "examples", "agency", name, "openapi.yaml")
        assert filecmp.cmp(bundled, os.path.join(ROOT, "specs", name, "openapi.yaml"), shallow=False), name
