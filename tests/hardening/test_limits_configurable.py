"""Each documented document limit (--max-bytes, --max-depth, --max-aliases) changes behaviour when
set: lowered, it refuses a document the default accepts; raised, it accepts one the default refuses.
The message names the option to change."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.cli import main
from conformance.yamlio import DEFAULT_LIMITS

BASE = {"openapi": "3.0.3", "info": {"title": "limits", "version": "1"}, "paths": {}}


def lint(capsys: Any, path: Any, *extra: str) -> tuple[int, str]:
    code = main(["lint", str(path), "-q", *extra])
    return code, capsys.readouterr().err


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"x-n": value}
    return value


def test_max_bytes(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({**BASE, "x-pad": "p" * 5000}))
    assert lint(capsys, path)[0] in (0, 1)
    code, err = lint(capsys, path, "--max-bytes", "4096")
    assert code == 2 and "over the limit of 4,096" in err and "--max-bytes" in err
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:  # sparse: just over the default, so the default refuses it
        fh.truncate(DEFAULT_LIMITS.max_bytes + 1)
    assert "over the limit" in lint(capsys, big)[1]
    code, err = lint(capsys, big, "--max-bytes", str(DEFAULT_LIMITS.max_bytes + 10))
    assert "over the limit" not in err  # read (and then refused as not JSON): the limit moved


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_max_depth(tmp_path: Any, capsys: Any, fmt: str) -> None:
    path = tmp_path / f"doc.{fmt}"
    doc = {**BASE, "x-deep": nested(DEFAULT_LIMITS.max_depth + 20)}
    path.write_text(json.dumps(doc))  # JSON is YAML flow style: the YAML path parses it too
    code, err = lint(capsys, path)
    assert code == 2 and "nesting deeper than" in err and "--max-depth" in err
    assert lint(capsys, path, "--max-depth", str(DEFAULT_LIMITS.max_depth + 100))[0] in (0, 1)
    shallow = tmp_path / f"shallow.{fmt}"
    shallow.write_text(json.dumps({**BASE, "x-deep": nested(30)}))
    assert lint(capsys, shallow)[0] in (0, 1)
    code, err = lint(capsys, shallow, "--max-depth", "10")
    assert code == 2 and "nesting deeper than 10" in err


def test_max_aliases(tmp_path: Any, capsys: Any) -> None:
    n = 50
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-anchor: &a {k: v}\nx-uses:\n"
        + "".join("  - *a\n" for _ in range(n))
    )
    path = tmp_path / "aliases.yaml"
    path.write_text(text)
    assert lint(capsys, path)[0] in (0, 1)
    code, err = lint(capsys, path, "--max-aliases", "10")
    assert code == 2 and "more than 10 alias references" in err
    many = tmp_path / "many.yaml"
    many.write_text(
        text.replace(
            "".join("  - *a\n" for _ in range(n)),
            "".join("  - *a\n" for _ in range(DEFAULT_LIMITS.max_aliases + 5)),
        )
    )
    assert "alias" in lint(capsys, many)[1]
    assert lint(capsys, many, "--max-aliases", str(DEFAULT_LIMITS.max_aliases + 10))[0] in (0, 1)


@pytest.mark.parametrize("option", ["--max-bytes", "--max-depth", "--max-aliases"])
def test_non_positive_limits_are_usage_errors(tmp_path: Any, capsys: Any, option: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(BASE))
    code, err = lint(capsys, path, option, "0")
    assert code == 2 and option in err
