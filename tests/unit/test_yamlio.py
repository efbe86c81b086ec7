from __future__ import annotations

import json

import pytest

from conformance import yamlio
from conformance.errors import SpecLoadError
from conformance.yamlio import Limits


def _write(tmp_path, name: str, content: str | bytes):
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return str(p)


def test_yaml_keeps_status_codes_and_dates_as_strings(tmp_path):
    f = yamlio.load_file(_write(tmp_path, "a.yaml", "responses:\n  200: {description: ok}\nwhen: 2025-07-01\neq: =\n"))
    assert list(f.data["responses"]) == ["200"]
    assert f.data["when"] == "2025-07-01"
    assert f.data["eq"] == "="


@pytest.mark.parametrize(("name", "text", "line"), [
    ("dup.yaml", "a: 1\nb: 2\na: 3\n", 3),
    ("dup.json", '{\n "a": 1,\n "a": 2\n}', 3),
])
def test_duplicate_keys_are_errors_with_line(tmp_path, name, text, line):
    with pytest.raises(SpecLoadError) as exc:
        yamlio.load_file(_write(tmp_path, name, text))
    assert "duplicate key 'a'" in str(exc.value)
    assert exc.value.line == line
    assert name in str(exc.value)


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    with pytest.raises(SpecLoadError, match="alias"):
        yamlio.load_file(_write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n"))


def test_few_aliases_are_fine(tmp_path):
    f = yamlio.load_file(_write(tmp_path, "ok.yaml", "a: &x {k: 1}\nb: *x\n"))
    assert f.data["b"] == {"k": 1}


def test_alias_reference_limit_is_configurable(tmp_path):
    path = _write(tmp_path, "many.yaml", "a: &x 1\n" + "".join(f"b{i}: *x\n" for i in range(20)))
    with pytest.raises(SpecLoadError, match="alias"):
        yamlio.load_file(path, limits=Limits(max_aliases=5))


@pytest.mark.parametrize("name", ["deep.json", "deep.yaml"])
def test_deep_nesting_is_refused(tmp_path, name):
    path = _write(tmp_path, name, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(SpecLoadError, match="nesting"):
        yamlio.load_file(path)


def test_size_limit(tmp_path):
    path = _write(tmp_path, "big.json", json.dumps({"a": "x" * 2000}))
    with pytest.raises(SpecLoadError, match="over the limit"):
        yamlio.load_file(path, limits=Limits(max_bytes=1000))


def test_invalid_utf8_names_line_and_column(tmp_path):
    path = _write(tmp_path, "latin1.yaml", "a: 1\nten: Nguy\xe1n\n".encode("latin-1"))
    with pytest.raises(SpecLoadError, match="not valid UTF-8") as exc:
        yamlio.load_file(path)
    assert (exc.value.line, exc.value.column) == (2, 10)


def test_bom_is_accepted(tmp_path):
    f = yamlio.load_file(_write(tmp_path, "bom.json", b'\xef\xbb\xbf{"a": 1}'))
    assert f.data == {"a": 1}


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}'])
def test_nan_and_infinity_are_refused(tmp_path, text):
    with pytest.raises(SpecLoadError):
        yamlio.load_file(_write(tmp_path, "nan.json", text))


def test_huge_integer_is_refused(tmp_path):
    with pytest.raises(SpecLoadError):
        yamlio.load_file(_write(tmp_path, "int.json", '{"a": ' + "9" * 1_000_000 + "}"))


def test_python_tags_are_refused(tmp_path):
    with pytest.raises(SpecLoadError, match="tag not allowed"):
        yamlio.load_file(_write(tmp_path, "tag.yaml", "a: !!python/object/apply:os.system ['echo hi']\n"))


def test_syntax_error_names_line(tmp_path):
    with pytest.raises(SpecLoadError) as exc:
        yamlio.load_file(_write(tmp_path, "bad.yaml", "a: 1\nb: [1, 2\nc: 3\n"))
    assert exc.value.line is not None
    assert "\n" not in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(SpecLoadError, match="no such file"):
        yamlio.load_file(str(tmp_path / "nope.yaml"))


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_locate_pointer(tmp_path, fmt):
    doc = {"openapi": "3.0.3", "paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}},
           "list": [{"x": 1}, {"y": 2}]}
    if fmt == "json":
        text = json.dumps(doc, indent=2)
    else:
        import yaml
        text = yaml.safe_dump(doc, sort_keys=False)
    f = yamlio.load_file(_write(tmp_path, f"d.{fmt}", text))
    lines = text.splitlines()
    line, col = f.locate("/paths/~1a~1{id}/get/responses/200")
    assert '"200"' in lines[line - 1] or "'200'" in lines[line - 1]
    line, col = f.locate("/list/1/y")
    assert "y" in lines[line - 1][col - 1:]
    assert f.locate("/paths/missing") == f.locate("/paths")  # nearest existing ancestor
