"""Fixtures for the launcher tests: the engine (skip, or fail under CONFORMANCE_REQUIRE_DOCKER=1),
the locally built reference-service images, and leftover checks for containers and processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conformance.launchers import LABEL, SESSION_ENV

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(ROOT, "specs", "provincial-one-stop", "openapi.yaml")
HEALTH = "/motcua/1.0/health"
BASE_IMAGE = "conformance-refservice:test"
FAULT_IMAGE = "conformance-refservice:test-no-auth-check"  # the planted fault, baked in as an agency would
CRASH_IMAGE = "conformance-refservice:test-bad-option"  # exits at start with a usage error
TOKEN_ENV = "CONFORMANCE_DOCKER_TEST_TOKEN"
MARKER_ENV = "CONFORMANCE_TEST_MARKER"


def _require_docker() -> bool:
    return os.environ.get("CONFORMANCE_REQUIRE_DOCKER") == "1"


@pytest.fixture(scope="session")
def engine() -> Any:
    from conformance.launch_errors import LaunchError
    from conformance.launchers import docker_client

    try:
        return docker_client()
    except LaunchError as exc:
        if _require_docker():
            pytest.fail(f"CONFORMANCE_REQUIRE_DOCKER=1 but {exc}")
        pytest.skip(f"no Docker engine: {exc}")


@pytest.fixture(scope="session")
def images(engine: Any) -> dict[str, Any]:
    """Builds the images once per session (the engine's layer cache makes a rebuild cheap)."""
    sys.path.insert(0, ROOT)
    from tests.docker.build_refservice_image import build, tag_with_args

    info = build(BASE_IMAGE, client=engine)
    tag_with_args(BASE_IMAGE, FAULT_IMAGE, ["--fault", "no_auth_check"], client=engine)
    tag_with_args(BASE_IMAGE, CRASH_IMAGE, ["--fault", "no_such_fault"], client=engine)
    return info


def our_containers(client: Any) -> set[str]:
    """This test's containers: its session label keeps other runs on the same engine out of it. The
    low-level list, because the high-level one inspects each container and races with removals."""
    label = f"{LABEL}.session={os.environ.get(SESSION_ENV, '-')}"
    return {c["Id"] for c in client.api.containers(all=True, filters={"label": label})}


def marked_processes(marker: str) -> list[str]:
    """Command lines of live processes (other than this one) whose environment carries ``marker``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if f"{MARKER_ENV}={marker}".encode() not in fh.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[-1].split()[0] == b"Z":
                    continue  # a zombie is not running
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                found.append(fh.read().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A value in every child's environment, to find anything a test leaves running."""
    value = uuid.uuid4().hex
    monkeypatch.setenv(MARKER_ENV, value)
    yield value
    assert wait_until(lambda: not marked_processes(value), 10), f"left running: {marked_processes(value)}"


@pytest.fixture
def no_leftover_containers(engine: Any, images: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv(SESSION_ENV, f"test-{uuid.uuid4().hex[:12]}")  # reaches CLI subprocesses too
    yield engine
    left = our_containers(engine)
    for cid in left:  # clean up for the next test, then fail this one
        engine.api.remove_container(cid, force=True)
    assert not left, f"containers left behind: {left}"


def wait_until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from conformance.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_line(err: str) -> str:
    """The single ``conformance: error:`` line, asserting there is exactly one line on stderr."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("conformance: error: "), err
    return lines[0]


def outcome(report_path: str, rule: str) -> dict[str, Any]:
    with open(report_path, encoding="utf-8") as fh:
        data = json.load(fh)
    return next(o for o in data["outcomes"] if o["rule"] == rule)


def cli_subprocess(argv: list[str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "conformance", *argv], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def interrupt(proc: subprocess.Popen[str], sig: int, *, when: Callable[[], bool]) -> tuple[int, str]:
    """Send ``sig`` once ``when()`` holds (bounded), and return the exit code and stderr. If the
    condition never holds, the process is still interrupted (so it can clean up) before failing."""
    ready = wait_until(lambda: when() or proc.poll() is not None, 30)
    try:
        if proc.poll() is None:
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:  # last resort; the leftover checks will then say what remained
            proc.kill()
            proc.communicate(timeout=10)
    assert ready and proc.returncode != 2, f"exited early or never got ready: {err}"
    return proc.returncode, err
