"""Secrets canary: a unique token given through the environment (bearer token, OAuth client secret)
is used on the wire and then appears nowhere: not on stdout/stderr, not in any report format, not in
evidence, caches or any file the run leaves behind, in raw, base64 or URL-encoded form.

Every child process runs with HOME, TMPDIR and XDG folders inside the test's folder, so a stray log
or cache file lands where the grep sees it."""

from __future__ import annotations

import base64
import os
import shutil
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import yaml

from conformance.faultproxy import FaultProxy
from conformance.refservice import RefService

from .conftest import SPEC, Ran, cli

CANARY = "cnry-" + os.urandom(10).hex() + "-Zq"
CLIENT_ID = "hardening-client-id"
CLIENT_SECRET = "csec-" + os.urandom(10).hex() + "+/="  # characters that change under URL encoding


def plain_forms(secret: str) -> set[str]:
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode(),
    }  # the Basic header we send


def encoded_forms(secret: str) -> set[str]:
    """What a server could turn the secret into on its own before echoing it back."""
    raw = secret.encode()
    return {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}


NEEDLES = (
    plain_forms(CANARY) | plain_forms(CLIENT_SECRET) | encoded_forms(CANARY) | encoded_forms(CLIENT_SECRET)
)


@pytest.fixture()
def home(tmp_path: Any) -> dict[str, str]:
    """A child environment whose writable places are all under tmp_path, with the secrets set."""
    env = dict(os.environ)
    for name in ("HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        path = tmp_path / "env" / name.lower()
        path.mkdir(parents=True)
        env[name] = str(path)
    env.update(
        {
            "CANARY_TOKEN": CANARY,
            "CANARY_CLIENT_ID": CLIENT_ID,
            "CANARY_CLIENT_SECRET": CLIENT_SECRET,
            "CONFORMANCE_LANG": "en",
        }
    )
    return env


def assert_nowhere(tmp_path: Any, *runs: Ran, needles: set[str] = NEEDLES) -> int:
    """No needle in any output or file under tmp_path; returns how many files were read."""
    for ran in runs:
        for needle in needles:
            assert needle not in ran.proc.stdout and needle not in ran.proc.stderr, f"{needle!r} printed"
    files = 0
    for folder, _dirs, names in os.walk(tmp_path):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as fh:
                blob = fh.read()
            files += 1
            for needle in needles:
                assert needle.encode() not in blob, f"{needle!r} found in {path}"
    return files


def used_on_the_wire(svc: RefService) -> bool:
    return any(CANARY in r.headers.get("Authorization", "") or CANARY in r.query for r in svc.requests)


def has_evidence(data: dict[str, Any]) -> bool:
    return any("evidence" in f.get("details", {}) for o in data["outcomes"] for f in o["findings"])


def test_bearer_canary_in_json_and_every_rendered_format(tmp_path: Any, home: dict[str, str]) -> None:
    out = tmp_path / "out"
    report = str(out / "result.json")
    faults = ["token_in_query_accepted", "no_auth_check", "wrong_error_body", "schema_violation"]
    with RefService(faults=faults, token=CANARY, rate_limit=None) as svc:
        base_url = svc.base_url
        test = cli(
            "test",
            SPEC,
            "--base-url",
            svc.base_url,
            "--auth",
            "bearer:CANARY_TOKEN",
            "--format",
            "json",
            "-o",
            report,
            "--rate",
            "200",
            "--max-requests",
            "60",
            "--timeout",
            "2",
            "--budget",
            "15",
            "--fail-on",
            "info",
            env=home,
            report=report,
            cwd=str(tmp_path),
        )
        assert used_on_the_wire(svc), "the canary never went out: the test would prove nothing"
    assert test.proc.returncode == 1 and has_evidence(test.data)
    text = cli(
        "test", SPEC, "--base-url", base_url, "--budget", "1", "--timeout", "1", env=home, cwd=str(tmp_path)
    )  # the text format too (service gone: error outcomes)
    render = cli(
        "render",
        report,
        "-d",
        str(out / "rendered"),
        "--format",
        "html,sarif,junit,md,json",
        "--root",
        os.path.dirname(SPEC),
        env=home,
        cwd=str(tmp_path),
    )
    assert render.proc.returncode == 0
    written = sorted(os.listdir(out / "rendered"))
    assert len(written) == 5, written
    assert "$CANARY_TOKEN" in (out / "result.json").read_text()  # curl lines name the variable instead
    assert assert_nowhere(tmp_path, test, text, render) >= 6


def test_oauth_client_secret_canary(tmp_path: Any, home: dict[str, str]) -> None:
    report = str(tmp_path / "oauth.json")
    with RefService(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=["wrong_error_body"], rate_limit=None
    ) as svc:
        ran = cli(
            "test",
            SPEC,
            "--base-url",
            svc.base_url,
            "--auth",
            "oauth2",
            "--client-id-env",
            "CANARY_CLIENT_ID",
            "--client-secret-env",
            "CANARY_CLIENT_SECRET",
            "--token-url",
            svc.token_url,
            "--format",
            "json",
            "-o",
            report,
            "--rate",
            "200",
            "--max-requests",
            "40",
            "--timeout",
            "2",
            "--budget",
            "15",
            env=home,
            report=report,
            cwd=str(tmp_path),
        )
        token_requests = [r for r in svc.requests if r.path.endswith("/token")]
    assert token_requests, "the client credentials were never used"
    assert not any("token request" in line and "failed" in line for line in ran.proc.stderr.splitlines())
    assert_nowhere(tmp_path, ran)


def _reflected(tmp_path: Any, home: dict[str, str]) -> tuple[Ran, Ran]:
    report = str(tmp_path / "reflected.json")
    with (
        RefService(token=CANARY, rate_limit=None) as svc,
        FaultProxy(("127.0.0.1", svc.port), "reflect", match=r"^/motcua/1\.0/hoso") as px,
    ):
        ran = cli(
            "test",
            SPEC,
            "--base-url",
            px.origin + "/motcua/1.0",
            "--auth",
            "bearer:CANARY_TOKEN",
            "--format",
            "json",
            "-o",
            report,
            "--rate",
            "200",
            "--max-requests",
            "40",
            "--timeout",
            "2",
            "--budget",
            "15",
            env=home,
            report=report,
            cwd=str(tmp_path),
        )
    assert px.faulted() > 0 and has_evidence(ran.data)
    text = open(report, encoding="utf-8").read()
    assert "[REDACTED]" in text  # the reflection was captured, and scrubbed
    render = cli("render", report, "-d", str(tmp_path / "rendered"), env=home, cwd=str(tmp_path))
    return ran, render


def test_canary_reflected_by_a_failing_server_stays_out_of_evidence(
    tmp_path: Any, home: dict[str, str]
) -> None:
    """The server fails with a 500 that echoes the request (Authorization header included) in its body
    and headers: the evidence kept (JSON, then every rendered format) must not hold the token."""
    ran, render = _reflected(tmp_path, home)
    assert_nowhere(tmp_path, ran, render, needles=plain_forms(CANARY))


def test_canary_echoed_base64_encoded_stays_out_of_evidence(tmp_path: Any, home: dict[str, str]) -> None:
    ran, render = _reflected(tmp_path, home)
    assert_nowhere(tmp_path, ran, render, needles=encoded_forms(CANARY))


def test_batch_cache_and_run_project(tmp_path: Any, home: dict[str, str]) -> None:
    """`conformance batch --cache` and a `conformance run` whose live auth names the variable."""
    specs = tmp_path / "specs"
    shutil.copytree(os.path.dirname(SPEC), specs / "provincial-one-stop")
    batch = cli(
        "batch",
        str(specs),
        "--cache",
        str(tmp_path / "cache"),
        "-d",
        str(tmp_path / "batch"),
        "-j",
        "1",
        "-q",
        env=home,
        cwd=str(tmp_path),
        timeout=90,
    )
    assert os.listdir(tmp_path / "cache"), "no cache file written"
    with RefService(token=CANARY, faults=["token_in_query_accepted"], rate_limit=None) as svc:
        project = tmp_path / "conformance.yaml"
        project.write_text(
            yaml.safe_dump(
                {
                    "version": 1,
                    "profile": "vn-full",
                    "lang": "en",
                    "systems": [
                        {
                            "id": "one-stop",
                            "specs": ["specs/provincial-one-stop/openapi.yaml"],
                            "live": {
                                "base_url": svc.base_url,
                                "auth": {"bearer_env": "CANARY_TOKEN"},
                                "max_requests": 30,
                            },
                        }
                    ],
                    "reports": {"dir": "run-reports", "formats": ["html", "json", "sarif", "junit", "md"]},
                }
            )
        )
        run = cli("run", str(project), env=home, cwd=str(tmp_path), timeout=90)
        assert used_on_the_wire(svc)
    assert len(os.listdir(tmp_path / "run-reports")) >= 5
    assert_nowhere(tmp_path, batch, run)
