"""Shared helpers for the hardening tests: run the CLI in a child process with a hard timeout, and
loopback listeners that count connections."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest

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


class CountingListener:
    """A loopback port that counts the connections made to it (and closes each at once)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        self.sock.close()


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
