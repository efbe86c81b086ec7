"""`conformance test --command`: the system under test as a local process (no Docker needed). Same
failure cases as the container launcher; the ``marker`` fixture fails a test that leaves any process
running (it finds them by an environment variable every child inherits)."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import sys
import time
from typing import Any

import pytest

from conformance.errors import UsageError
from conformance.launch_errors import LaunchError
from conformance.launchers import ProcessLauncher

from .conftest import (
    HEALTH,
    SPEC,
    TOKEN_ENV,
    cli,
    cli_subprocess,
    error_line,
    interrupt,
    marked_processes,
    outcome,
)

PY = shlex.quote(sys.executable)
REFSERVICE = f"{PY} -m conformance.refservice --port {{port}}"
SLEEPER = f"{PY} -c \"import time; print('booting', flush=True); time.sleep(120)\""
FAST = ["--rate", "200", "--max-requests", "150", "--budget", "60", "--timeout", "5"]


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "process-test-token-" + os.urandom(6).hex()
    monkeypatch.setenv(TOKEN_ENV, value)
    return value


def test_launcher_yields_a_healthy_url_and_stops_the_process(marker: str) -> None:
    launcher = ProcessLauncher(REFSERVICE, health_path=HEALTH, startup_timeout=30)
    with launcher as url:
        assert url == f"http://127.0.0.1:{launcher.port}"
        assert launcher.proc is not None and launcher.proc.poll() is None
        assert marked_processes(marker)
    assert launcher.proc.poll() is not None
    assert f"http://127.0.0.1:{launcher.port}/motcua/1.0" in launcher.log_tail()


def test_planted_fault_appears_in_the_report(marker: str, token: str, tmp_path: Any,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    report = str(tmp_path / "report.json")
    code, _, err = cli(["test", SPEC, "--command", REFSERVICE + " --fault no_correlation_echo",
                        "--env", f"REFSERVICE_TOKEN={TOKEN_ENV}", "--auth", f"bearer:{TOKEN_ENV}",
                        "--health-path", HEALTH, "--format", "json", "-o", report, "--fail-on", "info",
                        *FAST], capsys)
    assert code == 1, err
    assert outcome(report, "LIVE015")["status"] == "failed"
    assert outcome(report, "LIVE007")["status"] == "passed"  # the token reached the process via --env
    assert "faults: no_correlation_echo" in err and token not in err
    import json

    (endpoint,) = [s for s in json.load(open(report))["subjects"] if s["kind"] == "endpoint"]
    tail = "\n".join(endpoint["log_tail"])  # the system's own log lines travel in the report
    assert "faults: no_correlation_echo" in tail and token not in tail


def test_exit_at_start(marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["test", SPEC, "--command", REFSERVICE + " --fault no_such_fault",
                        "--health-path", HEALTH], capsys)
    assert code == 2
    line = error_line(err)
    assert "process exited with code 2" in line and "invalid choice: 'no_such_fault'" in line


def test_health_never_answers(marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code, _, err = cli(["test", SPEC, "--command", SLEEPER, "--startup-timeout", "2"], capsys)
    assert code == 2 and time.monotonic() - started < 15
    line = error_line(err)
    assert "did not answer within 2 s" in line and "last log lines: booting" in line


def test_server_errors_do_not_count_as_healthy(marker: str) -> None:
    server = (f"{PY} -c \"import http.server as h; "
              "B=type('B',(h.BaseHTTPRequestHandler,),{'do_GET':lambda s:s.send_error(503)}); "
              "h.HTTPServer(('127.0.0.1', {port}), B).serve_forever()\"")
    with pytest.raises(LaunchError, match=r"within 2 s \(last answer HTTP 503\)"):
        with ProcessLauncher(server, startup_timeout=2):
            pass


def test_port_taken(marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = cli(["test", SPEC, "--command", REFSERVICE, "--host-port", str(port)], capsys)
    assert code == 2
    line = error_line(err)
    assert f"port 127.0.0.1:{port} is taken" in line and "nothing was started" in line


def test_command_not_found(marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["test", SPEC, "--command", "/nonexistent/agency-server {port}"], capsys)
    assert code == 2
    assert "cannot start '/nonexistent/agency-server'" in error_line(err)


def test_the_whole_process_group_is_stopped(marker: str, tmp_path: Any) -> None:
    """A wrapper script's children (here a background sleep) go too."""
    folder = shlex.quote(str(tmp_path))
    script = f"sleep 300 & exec {PY} -m http.server {{port}} --bind 127.0.0.1 --directory {folder}"
    with ProcessLauncher(["sh", "-c", script], startup_timeout=30):
        assert any(p.startswith("sleep 300") for p in marked_processes(marker))
    # the marker fixture asserts nothing is left


def test_secrets_from_env_are_scrubbed_from_the_log(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENCY_DB_PASSWORD_SRC", "hunter2-very-secret")
    cmd = f"{PY} -c \"import os; print('password is', os.environ['DB_PASSWORD'], flush=True)\""
    launcher = ProcessLauncher(cmd, env=["DB_PASSWORD=AGENCY_DB_PASSWORD_SRC"], startup_timeout=5)
    with pytest.raises(LaunchError) as info:
        with launcher:
            pass
    assert "hunter2" not in str(info.value) and "password is ***" in str(info.value)
    assert launcher.log_tail() == ["password is ***"]


def test_env_values_are_names_not_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(UsageError, match="NOT_SET_ANYWHERE is not set"):
        ProcessLauncher(REFSERVICE, env=["TOKEN=NOT_SET_ANYWHERE"])
    with pytest.raises(UsageError, match="NAME=ENV_VAR"):
        ProcessLauncher(REFSERVICE, env=["TOKEN=abc def"])


@pytest.mark.parametrize("argv, message", [
    (["--base-url", "http://127.0.0.1:1", "--command", REFSERVICE], "not both"),
    (["--image", "x", "--command", REFSERVICE], "not both"),
    (["--command", REFSERVICE, "--container-port", "80"], "--image only"),
    ([], "give --base-url URL"),
    (["--command", REFSERVICE, "--health-path", "health"], "must start with /"),
    (["--command", REFSERVICE, "--startup-timeout", "0"], "must be positive"),
])
def test_option_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["test", SPEC, *argv], capsys)
    assert code == 2 and message in error_line(err)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_during_startup_stops_the_process(marker: str, sig: int) -> None:
    proc = cli_subprocess(["test", SPEC, "--command", SLEEPER, "--startup-timeout", "120"])
    # the CLI carries the marker too: wait for the second process, the system under test
    code, err = interrupt(proc, sig, when=lambda: any("time.sleep(120)" in p and "-m conformance" not in p
                                                      for p in marked_processes(marker)))
    assert code == 130, err
    assert "interrupted" in err


def test_project_file_starts_the_command(marker: str, token: str, tmp_path: Any,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conformance.yaml").write_text(f"""version: 1
profile: vn-full
systems:
  - id: one-stop
    specs: [{SPEC}]
    live:
      command: "{REFSERVICE} --fault no_auth_check"
      env: {{REFSERVICE_TOKEN: {TOKEN_ENV}}}
      health_path: {HEALTH}
      startup_timeout: 30
      auth: {{bearer_env: {TOKEN_ENV}}}
reports: {{dir: {tmp_path / "reports"}, formats: [json]}}
""", encoding="utf-8")
    code, _, err = cli(["run", str(tmp_path / "conformance.yaml"), "-q", "--fail-on", "info"], capsys)
    assert code == 1, err
    assert outcome(str(tmp_path / "reports" / "report.json"), "LIVE007")["status"] == "failed"
