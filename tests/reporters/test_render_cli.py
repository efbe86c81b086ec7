"""`conformance render`: re-render a saved result; same bytes as rendering in-process."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from conformance.cli import main
from conformance.reporters import FILE_NAMES, REPORTERS
from conformance.reporters import html as html_report
from conformance.reporters import json as json_report

from .conftest import excerpts_for
from .scenarios import FIXTURES, ROOT, agency, ready


def test_result_goldens_match_our_schema(golden) -> None:
    with open(
        os.path.join(ROOT, "conformance", "builtin", "schemas", "result.schema.json"), encoding="utf-8"
    ) as fh:
        schema = json.load(fh)
    for name, make in (("agency", agency), ("ready", ready)):
        text = json_report.dumps(make())
        jsonschema.validate(json.loads(text), schema)
        assert json_report.dumps(json_report.loads(text)) == text
        golden(f"reports/{name}/result.json", text)


def test_render_all_formats(tmp_path, capsys) -> None:
    result_file = tmp_path / "result.json"
    result_file.write_text(json_report.dumps(agency()), encoding="utf-8")
    out = tmp_path / "out"
    code = main(
        [
            "render",
            str(result_file),
            "--format",
            "html,sarif,junit,md,json",
            "--output-dir",
            str(out),
            "--lang",
            "en",
            "--root",
            os.path.join(FIXTURES, "agency"),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / FILE_NAMES[f]) for f in ("html", "sarif", "junit", "md", "json")]
    result = json_report.loads(result_file.read_text(encoding="utf-8"))
    expected_html = html_report.render(result, lang="en", extras={"excerpts": excerpts_for("agency", result)})
    assert (out / "report.html").read_text(encoding="utf-8") == expected_html
    assert (out / "report.json").read_text(encoding="utf-8") == result_file.read_text(encoding="utf-8")
    for fmt in ("sarif", "junit", "md"):
        assert (out / FILE_NAMES[fmt]).read_text(encoding="utf-8") == REPORTERS[fmt](result, lang="en")


def test_render_defaults_to_vietnamese(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("CONFORMANCE_LANG", raising=False)
    result_file = tmp_path / "r.json"
    result_file.write_text(json_report.dumps(ready()), encoding="utf-8")
    assert main(["render", str(result_file), "-d", str(tmp_path), "--format", "html"]) == 0
    assert '<html lang="vi">' in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "pdf"], "unknown format"),
        (["--format", ""], "unknown format"),
    ],
)
def test_bad_format_is_a_usage_error(tmp_path, capsys, args, message) -> None:
    result_file = tmp_path / "r.json"
    result_file.write_text(json_report.dumps(ready()), encoding="utf-8")
    assert main(["render", str(result_file), "-d", str(tmp_path), *args]) == 2
    assert message in capsys.readouterr().err


def test_missing_or_foreign_result_is_a_usage_error(tmp_path, capsys) -> None:
    assert main(["render", str(tmp_path / "nope.json"), "-d", str(tmp_path)]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    assert main(["render", str(bad), "-d", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("conformance: error:") == 2


def test_json_fast_and_stdlib_encoders_agree():
    """dumps() uses orjson when it can; the bytes must be what the stdlib writes."""
    import json as stdlib_json

    from conformance.reporters import json as json_report
    from tests.reporters.scenarios import agency, hostile

    for result in (agency(), hostile()):
        fast = json_report.dumps(result)
        slow = stdlib_json.dumps(json_report.to_dict(result), ensure_ascii=False, indent=2, default=str) + "\n"
        assert fast == slow


def test_json_bytes_are_the_text_encoded_and_stay_utf8_with_lone_surrogates():
    import json as stdlib_json

    from conformance.reporters import json as json_report
    from tests.reporters.scenarios import agency, hostile

    for result in (agency(), hostile()):
        raw = json_report.dumps_bytes(result)
        text = raw.decode("utf-8")  # valid UTF-8 even where the result holds lone surrogates
        assert stdlib_json.loads(text) == stdlib_json.loads(json_report.dumps(result))
        if "\ud800" not in json_report.dumps(result):
            assert raw == json_report.dumps(result).encode("utf-8")
