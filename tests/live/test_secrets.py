"""A canary token given through the environment appears nowhere: stdout, stderr, JSON report,
findings' evidence and messages, even when the service misbehaves with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conformance.api_live import AuthConfig, run_live_test
from conformance.refservice import RefService

from .conftest import SPEC

CANARY = "canary-7c1e0f-DO-NOT-LEAK-93ab"


def test_canary_never_leaks_via_cli(tmp_path: object) -> None:
    faults = ["token_in_query_accepted", "no_auth_check", "wrong_error_body"]
    out_file = os.path.join(str(tmp_path), "report.json")
    env = {**os.environ, "CANARY_TOKEN": CANARY}
    with RefService(faults=faults, token=CANARY) as svc:
        proc = subprocess.run([sys.executable, "-m", "conformance", "test", SPEC, "--base-url", svc.base_url,
                               "--auth", "bearer:CANARY_TOKEN", "--format", "json", "-o", out_file,
                               "--rate", "200", "--max-requests", "80", "--fail-on", "info"],
                              capture_output=True, text=True, env=env, timeout=120)
        seen = [r for r in svc.requests if CANARY in r.headers.get("Authorization", "") or CANARY in r.query]
    assert seen, "the token was never used: the test would prove nothing"
    with open(out_file, encoding="utf-8") as fh:
        report = fh.read()
    assert proc.returncode == 1, proc.stderr
    for text in (proc.stdout, proc.stderr, report):
        assert CANARY not in text
    data = json.loads(report)
    assert any("evidence" in f.get("details", {}) for o in data["outcomes"] for f in o["findings"])
    assert "$CANARY_TOKEN" in report  # the curl commands refer to the variable instead


def test_canary_never_in_findings_api(monkeypatch: object) -> None:
    os.environ["CANARY_TOKEN_API"] = CANARY
    try:
        with RefService(faults=["token_in_query_accepted"], token=CANARY) as svc:
            result = run_live_test(SPEC, base_url=svc.base_url, auth=AuthConfig.parse("header:Authorization:CANARY_TOKEN_API"),
                                   rate=200, max_requests=60)
        assert CANARY not in repr(result)
    finally:
        del os.environ["CANARY_TOKEN_API"]
