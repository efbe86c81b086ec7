"""Hostile inputs the unit hostile tests do not cover: YAML flow nesting 100,000 deep, a million-digit
integer in YAML, a real (not sparse) oversized file, and catastrophic-backtracking `pattern`s in the two
places static checks run a spec's regex (DOC005 example validation, ID004's sample tax codes). Each
must end within 10 s under 1 GB of address space, exit 0/1/2, never a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from typing import Any


from .conftest import HOSTILE

LIMIT_BYTES = 1 << 30
LIMIT_SECONDS = 10.0


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def lint(path: str, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "conformance", "lint", path, "-q", *extra],
            capture_output=True,
            text=True,
            timeout=LIMIT_SECONDS + 3,
            preexec_fn=_limit,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"{os.path.basename(path)} still running after {LIMIT_SECONDS + 3:.0f}s"
        ) from None
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-2000:]
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert elapsed < LIMIT_SECONDS, f"{path}: {elapsed:.1f}s"
    return proc, elapsed


def test_yaml_flow_nesting_100k(tmp_path: Any) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("openapi: 3.0.3\nx: " + "[" * 100_000 + "]" * 100_000 + "\n")
    proc, _ = lint(str(path))
    assert proc.returncode == 2 and "nesting deeper than" in proc.stderr


def test_yaml_block_nesting_is_bounded(tmp_path: Any) -> None:
    path = tmp_path / "block.yaml"
    path.write_text("openapi: 3.0.3\n" + "".join(" " * i + "k:\n" for i in range(2000)))
    proc, _ = lint(str(path))
    assert proc.returncode == 2 and "nesting" in proc.stderr


def test_yaml_million_digit_integer(tmp_path: Any) -> None:
    path = tmp_path / "digits.yaml"
    path.write_text("openapi: 3.0.3\nx: " + "9" * 1_000_000 + "\n")
    proc, _ = lint(str(path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_real_200mb_file_refused_before_reading(tmp_path: Any) -> None:
    path = tmp_path / "big.json"
    with open(path, "wb") as fh:
        fh.write(b'{"openapi": "3.0.3", "x": "')
        block = b"a" * (1 << 20)
        for _ in range(200):
            fh.write(block)
        fh.write(b'"}')
    proc, elapsed = lint(str(path))
    assert proc.returncode == 2 and "over the limit" in proc.stderr
    assert elapsed < 5


def test_redos_in_validated_example() -> None:
    """DOC005 validates examples: the spec's catastrophic `pattern` is matched in bounded time."""
    proc, elapsed = lint(os.path.join(HOSTILE, "redos-example.yaml"))
    assert proc.returncode in (0, 1) and elapsed < LIMIT_SECONDS
    assert "DOC005" in proc.stdout


def test_redos_in_tax_code_pattern() -> None:
    """ID004 probes a tax-code field's `pattern` with sample values, in bounded time."""
    proc, elapsed = lint(os.path.join(HOSTILE, "redos-taxcode.yaml"))
    assert proc.returncode in (0, 1) and elapsed < LIMIT_SECONDS
    assert "ID004" in proc.stdout


def test_redos_in_parameter_schema_is_not_run() -> None:
    """The checked-in redos fixture puts its pattern on a parameter: nothing runs it, so it is quick."""
    proc, elapsed = lint(os.path.join(HOSTILE, "redos-pattern.yaml"))
    assert proc.returncode in (0, 1) and elapsed < LIMIT_SECONDS
