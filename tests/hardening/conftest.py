"""Shared helpers for the hardening tests: run the CLI in a child process with a hard timeout, and
loopback listeners that count connections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import pytest

from tests.listeners import CountingListener

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = os.path.join(ROOT, "specs", "provincial-one-stop", "openapi.yaml")
HOSTILE = os.path.join(ROOT, "fixtures", "specs", "hostile")


@dataclass
class Ran:
    proc: subprocess.CompletedProcess[str]
    elapsed: float
    data: Any = None  # the JSON report, when one was written

    @property
    def output(self) -> str:
        return self.proc.stdout + self.proc.stderr


def cli(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: str | None = None,
    report: str | None = None,
) -> Ran:
    """``python -m conformance ARGS`` in a child process; asserts a documented exit and no traceback."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        env=env if env is not None else dict(os.environ),
        timeout=timeout,
        cwd=cwd,
    )
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr[-3000:])
    data = None
    if report and os.path.exists(report):
        with open(report, encoding="utf-8") as fh:
            data = json.load(fh)
    return Ran(proc=proc, elapsed=elapsed, data=data)


@pytest.fixture()
def listeners() -> Any:
    made: list[CountingListener] = []

    def make(n: int) -> list[CountingListener]:
        new = [CountingListener() for _ in range(n)]
        made.extend(new)
        return new

    yield make
    for lst in made:
        lst.close()


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("cryptography")
    from tests.live.conftest import Certs  # the live tests' CA and server certificates, reused

    return Certs(str(tmp_path_factory.mktemp("hardening-certs")))
