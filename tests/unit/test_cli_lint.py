from __future__ import annotations

import json
import os

import jsonschema
import pytest

from conformance.cli import main
from tests.conftest import FIXTURES, ROOT

RESULT_SCHEMA = json.load(open(os.path.join(ROOT, "conformance", "builtin", "schemas", "result.schema.json")))
LEGACY = os.path.join(ROOT, "specs", "legacy-dvcqg-adapter", "openapi.yaml")
MULTI = os.path.join(FIXTURES, "specs", "multi-file", "openapi.yaml")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_to_stdout_validates_and_fails_on_errors(capsys):
    code, out, err = run(capsys, "lint", LEGACY, "--format", "json", "--timestamp", "2026-01-01T00:00:00Z",
                         "--fail-on", "warning")
    data = json.loads(out)
    jsonschema.validate(data, RESULT_SCHEMA)
    assert code == 1
    assert data["profile"]["name"] == "vn-full"
    assert all(o["requirements"] for o in data["outcomes"])
    statuses = {o["status"] for o in data["outcomes"]}
    assert "passed" in statuses and "failed" in statuses


def test_fail_on_threshold(capsys):
    # the multi-file fixture's worst finding is a warning (district field)
    assert run(capsys, "lint", MULTI, "--fail-on", "error", "-q")[0] == 0
    assert run(capsys, "lint", MULTI, "--fail-on", "warning", "-q")[0] == 1


def test_text_output_has_file_line_col_rule_severity(capsys):
    code, out, _ = run(capsys, "lint", MULTI)
    line = next(l for l in out.splitlines() if "ID002" in l)
    assert "schemas.yaml:10:" in line and "warning ID002 [VN-API-049]" in line


def test_vietnamese_messages(capsys):
    _, out, _ = run(capsys, "lint", MULTI, "--lang", "vi")
    assert "cảnh báo ID002" in out and "cấp huyện" in out


def test_output_file(tmp_path, capsys):
    target = tmp_path / "out" / "r.json"
    code, out, _ = run(capsys, "lint", MULTI, "--format", "json", "-o", str(target))
    assert out == "" and json.loads(target.read_text())["schema_version"].startswith("1.")


@pytest.mark.parametrize(("args", "needle"), [
    (["lint", "nope.yaml"], "nope.yaml: no such file"),
    (["lint", os.path.join(FIXTURES, "profiles")], "no OpenAPI documents"),
    (["lint", MULTI, "--profile", "vn-ful"], "did you mean vn-full"),
    (["lint", MULTI, "--profile", os.path.join(FIXTURES, "profiles", "cycle-a.yaml")], "extends cycle"),
    (["lint", MULTI, "--format", "xml"], "invalid choice"),
    (["explain", "SEC01"], "did you mean"),
])
def test_bad_input_is_one_line_exit_2(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unparsable_document_is_reported_and_others_still_linted(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.3\ninfo: [unclosed\n")
    good = tmp_path / "good.yaml"
    good.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    code, out, err = run(capsys, "lint", str(tmp_path), "--format", "json")
    assert code == 2
    assert "bad.yaml:" in err and "invalid YAML" in err
    data = json.loads(out)
    by_subject = {o["subject"] for o in data["outcomes"]}
    assert any(s.endswith("good.yaml") for s in by_subject) and any(s.endswith("bad.yaml") for s in by_subject)


def test_non_utf8_document(tmp_path, capsys):
    p = tmp_path / "latin.yaml"
    p.write_bytes("openapi: 3.0.3\ninfo: {title: Ngh\xe9, version: '1'}\n".encode("latin-1"))
    code, _, err = run(capsys, "lint", str(p))
    assert code == 2 and "latin.yaml:2:" in err and "UTF-8" in err


def test_rules_explain_profiles(capsys):
    code, out, _ = run(capsys, "rules", "--profile", "vn-full")
    assert code == 0 and "SEC001" in out
    code, out, _ = run(capsys, "explain", "SEC001")
    assert code == 0 and "# SEC001 servers-use-https" in out and "## Citation" in out
    code, out, _ = run(capsys, "explain", "servers-use-https", "--lang", "vi")
    assert code == 0 and "Trích dẫn" in out
    code, out, _ = run(capsys, "profiles")
    assert code == 0 and "vn-full" in out
    code, out, _ = run(capsys, "profiles", "show", "vn-full")
    assert code == 0 and "digest: sha256:" in out
    code, out, _ = run(capsys, "profiles", "diff", "vn-full", os.path.join(FIXTURES, "profiles", "org-base.yaml"))
    assert code == 0 and "- SEC006" in out


def test_golden_json(capsys, golden, monkeypatch):
    monkeypatch.chdir(ROOT)
    one_stop = os.path.join("specs", "provincial-one-stop", "openapi.yaml")
    args = ["lint", os.path.relpath(LEGACY, ROOT), one_stop, os.path.relpath(MULTI, ROOT), "--format", "json",
            "--timestamp", "2026-01-01T00:00:00Z"]
    _, first, _ = run(capsys, *args)
    _, second, _ = run(capsys, *args)
    assert first == second  # same inputs, same bytes
    golden("lint/legacy-one-stop-multi.json", first)


def test_parallel_lint_gives_the_same_bytes(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.3\ninfo: [unclosed\n")
    args = ["lint", LEGACY, MULTI, str(bad), os.path.join(ROOT, "specs"), "--format", "json",
            "--timestamp", "2026-01-01T00:00:00Z", "-q"]
    code1, one, err1 = run(capsys, *args, "--jobs", "1")
    code2, two, err2 = run(capsys, *args, "--jobs", "2")
    assert (code1, one, err1) == (code2, two, err2)
    assert code1 == 2 and "bad.yaml" in err1
