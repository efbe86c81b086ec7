"""Unreachable, slow and garbage-speaking targets end within the time budget with a clear outcome
(error outcomes naming the cause), never a hang or a traceback; so does the CLI."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from conformance.api_live import run_live_test
from conformance.model import Status

from .conftest import SPEC


class RawServer:
    """A loopback TCP server that answers every connection with `behaviour` (junk or silence)."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.behaviour == "garbage":
                conn.recv(4096)
                conn.sendall(b"\x00\xffNOT HTTP AT ALL\r\n\x13\x37" * 50)
            elif self.behaviour == "dribble":
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                while not self._stop.is_set():
                    conn.sendall(b"x")
                    time.sleep(0.2)
            else:  # silent: accept, read, never answer
                self._stop.wait(30)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("behaviour", ["unreachable", "garbage", "silent", "dribble"])
def test_faulty_target_ends_within_budget(behaviour: str) -> None:
    server = None if behaviour == "unreachable" else RawServer(behaviour)
    port = _free_port() if server is None else server.port
    budget = 6.0
    started = time.monotonic()
    try:
        result = run_live_test(SPEC, base_url=f"http://127.0.0.1:{port}/motcua/1.0", timeout=1.0,
                               budget_seconds=budget, rate=50).result
    finally:
        if server is not None:
            server.close()
    elapsed = time.monotonic() - started
    assert elapsed < budget + 5, elapsed  # transport probe + schema load on top of the budget
    statuses = {o.status for o in result.outcomes}
    assert statuses <= {Status.ERROR, Status.FAILED, Status.NOT_APPLICABLE, Status.PASSED}
    errors = [o for o in result.outcomes if o.status is Status.ERROR]
    assert errors and all(o.reason for o in errors)


def test_cli_unreachable_exits_2_without_traceback() -> None:
    port = _free_port()
    proc = subprocess.run([sys.executable, "-m", "conformance", "test", SPEC, "--base-url",
                           f"http://127.0.0.1:{port}", "--budget", "5", "--timeout", "1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "Connection refused" in proc.stdout


def test_full_mode_refuses_production(tmp_path: object) -> None:
    from conformance.errors import UsageError

    with pytest.raises(UsageError, match="production"):
        run_live_test(SPEC, base_url="http://127.0.0.1:9", mode="full", environment="production")
