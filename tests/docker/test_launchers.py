"""`conformance test --image`: a real engine, images built here (never pulled), and every failure
case a one-line exit-2 error with nothing left running. Skips without an engine unless
CONFORMANCE_REQUIRE_DOCKER=1 (CI), which turns the skip into a failure."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from typing import Any

import pytest

from conformance.launchers import LABEL, DockerLauncher

from .conftest import (
    BASE_IMAGE,
    CRASH_IMAGE,
    FAULT_IMAGE,
    HEALTH,
    SPEC,
    TOKEN_ENV,
    cli,
    cli_subprocess,
    error_line,
    interrupt,
    our_containers,
    outcome,
)

docker = pytest.mark.docker
FAST = ["--rate", "200", "--max-requests", "150", "--budget", "60", "--timeout", "5"]


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "docker-test-token-" + os.urandom(6).hex()
    monkeypatch.setenv(TOKEN_ENV, value)
    return value


def image_args(image: str, *extra: str) -> list[str]:
    return ["test", SPEC, "--image", image, "--container-port", "8080",
            "--env", f"REFSERVICE_TOKEN={TOKEN_ENV}", "--auth", f"bearer:{TOKEN_ENV}",
            "--health-path", HEALTH, *FAST, *extra]


@docker
def test_planted_fault_appears_in_the_report(no_leftover_containers: Any, token: str, tmp_path: Any,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    clean, faulty = str(tmp_path / "clean.json"), str(tmp_path / "faulty.json")
    code, _, err = cli(image_args(BASE_IMAGE, "--format", "json", "-o", clean), capsys)
    assert code == 0, err
    assert outcome(clean, "LIVE007")["status"] == "passed"

    code, _, err = cli(image_args(FAULT_IMAGE, "--format", "json", "-o", faulty, "--fail-on", "info"), capsys)
    assert code == 1, err
    failed = outcome(faulty, "LIVE007")
    assert failed["status"] == "failed", failed
    assert any("without credentials succeeded" in f["message"] for f in failed["findings"]), failed
    # The log tail of the container is in the notes and in the report, and the token never shows.
    assert "faults: no_auth_check" in err and "removed after the run" in err
    with open(faulty, encoding="utf-8") as fh:
        text = fh.read()
    assert token not in err and token not in text
    (endpoint,) = [s for s in json.loads(text)["subjects"] if s["kind"] == "endpoint"]
    assert any("faults: no_auth_check" in line for line in endpoint["log_tail"])


@docker
def test_launcher_api_yields_url_keeps_log_and_removes_container(no_leftover_containers: Any) -> None:
    client = no_leftover_containers
    launcher = DockerLauncher(BASE_IMAGE, health_path=HEALTH, args=["--fault", "no_correlation_echo"],
                              labels={f"{LABEL}.test": "api"})
    with launcher as url:
        assert url.startswith("http://127.0.0.1:")
        [cid] = our_containers(client)
        container = client.containers.get(cid)
        assert container.labels[f"{LABEL}.test"] == "api"
        ports = container.attrs["HostConfig"]["PortBindings"]["8080/tcp"]
        assert ports == [{"HostIp": "127.0.0.1", "HostPort": str(launcher.port)}]  # loopback only
    assert any("faults: no_correlation_echo" in line for line in launcher.log_tail())
    assert not our_containers(client)


@docker
def test_unknown_image_is_an_error_and_never_pulled(no_leftover_containers: Any,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from docker.errors import ImageNotFound

    image = "conformance-no-such-image:never"
    code, _, err = cli(["test", SPEC, "--image", image], capsys)
    assert code == 2
    line = error_line(err)
    assert "not present in the local engine" in line and "never pulls" in line
    with pytest.raises(ImageNotFound):
        no_leftover_containers.images.get(image)


@docker
def test_container_exiting_at_start_reports_its_log(no_leftover_containers: Any,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["test", SPEC, "--image", CRASH_IMAGE, "--health-path", HEALTH,
                        "--startup-timeout", "30"], capsys)
    assert code == 2
    line = error_line(err)
    assert "container exited with code 2" in line
    assert "last log lines:" in line and "invalid choice: 'no_such_fault'" in line


@docker
def test_health_never_answering_times_out(no_leftover_containers: Any,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    # Nothing listens on port 9 inside the container: the engine's proxy accepts, then drops.
    code, _, err = cli(["test", SPEC, "--image", BASE_IMAGE, "--container-port", "9", "--health-path", HEALTH,
                        "--startup-timeout", "3"], capsys)
    assert code == 2 and time.monotonic() - started < 20
    line = error_line(err)
    assert "did not answer within 3 s" in line and "http://0.0.0.0:8080/motcua/1.0" in line


@docker
def test_port_taken(no_leftover_containers: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = cli(["test", SPEC, "--image", BASE_IMAGE, "--host-port", str(port)], capsys)
    assert code == 2
    assert f"port 127.0.0.1:{port} is taken" in error_line(err)


@docker
def test_engine_refusing_a_port_is_port_taken(no_leftover_containers: Any) -> None:
    """The port check before starting can race; the engine's own refusal reads the same."""
    first = DockerLauncher(BASE_IMAGE, health_path=HEALTH)
    with first:
        second = DockerLauncher(BASE_IMAGE, health_path=HEALTH)
        second.host_port = None
        second.port = first.port
        from conformance.launch_errors import LaunchError

        with pytest.raises(LaunchError, match=f"port 127.0.0.1:{first.port} is taken"):
            try:
                second._start()
            finally:
                second._cleanup()


@docker
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_during_startup_removes_the_container(no_leftover_containers: Any, sig: int) -> None:
    client = no_leftover_containers
    proc = cli_subprocess(["test", SPEC, "--image", BASE_IMAGE, "--container-port", "9",
                           "--health-path", HEALTH, "--startup-timeout", "120"])
    code, err = interrupt(proc, sig, when=lambda: bool(our_containers(client)))
    assert code == 130, err
    assert "interrupted" in err


def test_no_engine_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    code, _, err = cli(["test", SPEC, "--image", BASE_IMAGE], capsys)
    assert code == 2
    line = error_line(err)
    assert "no Docker engine reachable" in line and "--command" in line


@docker
def test_project_file_starts_the_image(no_leftover_containers: Any, token: str, tmp_path: Any,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conformance.yaml").write_text(f"""version: 1
profile: vn-full
systems:
  - id: one-stop
    specs: [{SPEC}]
    live:
      image: {FAULT_IMAGE}
      container_port: 8080
      env: {{REFSERVICE_TOKEN: {TOKEN_ENV}}}
      health_path: {HEALTH}
      auth: {{bearer_env: {TOKEN_ENV}}}
reports: {{dir: {tmp_path / "reports"}, formats: [json]}}
""", encoding="utf-8")
    code, _, err = cli(["run", str(tmp_path / "conformance.yaml"), "-q", "--fail-on", "info"], capsys)
    assert code == 1, err
    assert outcome(str(tmp_path / "reports" / "report.json"), "LIVE007")["status"] == "failed"

