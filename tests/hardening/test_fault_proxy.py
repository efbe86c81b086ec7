"""Faulty endpoints: `conformance test` through our fault-injecting proxy (conformance/faultproxy.py)
in front of the reference agency service. Each run ends within its time budget, exits 0/1/2 without a
traceback, records the fault in the JSON (a finding or an error outcome naming the cause), and the
rules the fault does not touch still report.

Two shapes per fault: *partial* (only requests under /hoso are hit, so most rules still have good
exchanges to judge) and *total* (every request is hit: the rules then error, naming the cause)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

from conformance.faultproxy import FaultProxy
from conformance.refservice import RefService

from .conftest import SPEC, Ran, cli

BUDGET = 4.0
SLACK = 7.0  # interpreter start, schema load and the transport probe come on top of the budget
PARTIAL = r"^/motcua/1\.0/hoso"
TOKEN_ENV = "HARDENING_FAULT_TOKEN"


def run_through(
    mode: str,
    *,
    match: str | None = PARTIAL,
    tmp_path: Any,
    ssl_context: Any = None,
    extra: tuple[str, ...] = (),
    **proxy: Any,
) -> tuple[Ran, FaultProxy]:
    token = "tok-" + os.urandom(8).hex()
    report = os.path.join(str(tmp_path), f"{mode}.json")
    with (
        RefService(token=token, rate_limit=None) as svc,
        FaultProxy(("127.0.0.1", svc.port), mode, match=match, ssl_context=ssl_context, **proxy) as px,
    ):
        ran = cli(
            "test",
            SPEC,
            "--base-url",
            px.origin + "/motcua/1.0",
            "--auth",
            f"bearer:{TOKEN_ENV}",
            "--format",
            "json",
            "-o",
            report,
            "--rate",
            "200",
            "--max-requests",
            "60",
            "--timeout",
            "1",
            "--budget",
            str(BUDGET),
            *extra,
            env={**os.environ, TOKEN_ENV: token},
            timeout=60,
            report=report,
        )
    assert ran.elapsed < BUDGET + SLACK, f"{mode}: {ran.elapsed:.1f}s for a {BUDGET}s budget"
    assert ran.data is not None, ran.proc.stderr
    return ran, px


def statuses(ran: Ran) -> Counter[str]:
    return Counter(o["status"] for o in ran.data["outcomes"])


def outcome(ran: Ran, rule: str) -> dict[str, Any]:
    return next(o for o in ran.data["outcomes"] if o["rule"] == rule)


def recorded(ran: Ran) -> list[str]:
    """What the JSON says beyond the fault-free baseline (where only LIVE003, plain http, fails)."""
    return [
        f"{o['rule']} {o['status']}"
        for o in ran.data["outcomes"]
        if o["status"] == "error" or (o["status"] == "failed" and o["rule"] != "LIVE003")
    ]


def others_report(ran: Ran) -> int:
    counts = statuses(ran)
    return counts["passed"] + counts["failed"]


def messages(ran: Ran, rule: str) -> str:
    return " ".join(f["message"] for f in outcome(ran, rule)["findings"])


def test_baseline_through_the_proxy_is_clean(tmp_path: Any) -> None:
    ran, px = run_through("pass", tmp_path=tmp_path)
    assert ran.proc.returncode == 0
    assert recorded(ran) == []  # so whatever a fault adds below is the fault's doing
    assert len(px.seen) >= 10 and px.faulted() == 0


# --- faults answered with an HTTP response: findings ----------------------------------------------


def test_huge_bodies_are_cut_and_reported(tmp_path: Any) -> None:
    ran, px = run_through("huge", tmp_path=tmp_path, huge_bytes=6 << 20)
    assert px.faulted() > 0
    assert outcome(ran, "LIVE023")["status"] == "failed"  # the body cut at the 4 MB cap is not valid JSON
    assert others_report(ran) >= 10


def test_redirect_loop_is_a_response_not_an_instruction(tmp_path: Any) -> None:
    ran, px = run_through("redirect_loop", tmp_path=tmp_path)
    assert px.faulted() > 0
    # each 302 was fetched once: never followed round the loop
    assert len(px.seen) <= 60
    assert "302" in messages(ran, "LIVE022")
    assert others_report(ran) >= 10


def test_bursts_of_5xx_are_server_error_findings(tmp_path: Any) -> None:
    ran, px = run_through("burst_5xx", match=None, tmp_path=tmp_path, burst=5)
    assert 0 < px.faulted() < len(px.seen)
    assert outcome(ran, "LIVE025")["status"] == "failed"
    assert ran.proc.returncode in (0, 1)
    assert others_report(ran) >= 10


# --- faults that leave no HTTP response: the whole target faulty → error outcomes naming the cause --


@pytest.mark.parametrize(
    ("mode", "cause"),
    [
        ("reset", "reset"),
        ("garbage", "BadStatusLine"),
        ("delay", "timeout"),
        ("truncate", "IncompleteRead"),
    ],
)
def test_total_fault_is_an_error_outcome_naming_the_cause(tmp_path: Any, mode: str, cause: str) -> None:
    ran, px = run_through(mode, match=None, tmp_path=tmp_path, delay=3.0)
    assert px.faulted() > 0
    assert ran.proc.returncode == 2  # error outcomes: the run could not judge the rules
    errors = [o for o in ran.data["outcomes"] if o["status"] == "error"]
    assert len(errors) >= 15
    assert all(cause in o["reason"] for o in errors), {o["reason"][:120] for o in errors}
    if mode == "truncate":  # the transport probe reads no body: its rules still report
        assert outcome(ran, "LIVE001")["status"] == "passed"


# --- faults hitting some requests: recorded, and the other rules still report ----------------------


@pytest.mark.parametrize(
    "mode",
    [
        "reset",
        "garbage",
        "truncate",
        "delay",
        "dribble",
    ],
)
def test_partial_fault_is_recorded_and_other_rules_report(tmp_path: Any, mode: str) -> None:
    ran, px = run_through(mode, tmp_path=tmp_path, delay=3.0, dribble_interval=0.05)
    assert px.faulted() > 0
    assert others_report(ran) >= 10
    assert recorded(ran), f"{px.faulted()} faulted exchanges and the JSON says nothing of them"


def test_dribbled_headers_do_not_hold_the_run(tmp_path: Any) -> None:
    run_through("dribble", match=None, tmp_path=tmp_path, dribble_interval=0.08)


# --- TLS ------------------------------------------------------------------------------------------


def test_expired_certificate_is_a_finding_and_no_credentials_are_sent(tmp_path: Any, certs: Any) -> None:
    ran, px = run_through(
        "pass", tmp_path=tmp_path, ssl_context=certs.context("expired"), extra=("--ca-file", certs.ca_file)
    )
    assert outcome(ran, "LIVE005")["status"] == "failed"
    assert "expired" in messages(ran, "LIVE005")
    for rule in ("LIVE001", "LIVE004"):  # the transport rules still judge the endpoint
        assert outcome(ran, rule)["status"] == "passed"
    errors = [o for o in ran.data["outcomes"] if o["status"] == "error"]
    assert errors and all(
        "certificate" in o["reason"].lower() or "ssl" in o["reason"].lower() for o in errors
    )
    # only the unauthenticated transport probe got through the handshake, never an API request
    assert all(s.path in ("/motcua/1.0/health", "/motcua/1.0/") for s in px.seen), px.seen


def test_self_signed_certificate_is_a_finding(tmp_path: Any, certs: Any) -> None:
    ran, _ = run_through("pass", tmp_path=tmp_path, ssl_context=certs.context("self_signed"))
    assert outcome(ran, "LIVE005")["status"] == "failed"
    assert "self-signed" in messages(ran, "LIVE005") or "self signed" in messages(ran, "LIVE005")
    assert outcome(ran, "LIVE001")["status"] == "passed"


def test_valid_certificate_from_a_private_ca_is_trusted_with_ca_file(tmp_path: Any, certs: Any) -> None:
    ran, _ = run_through(
        "pass", tmp_path=tmp_path, ssl_context=certs.context("valid"), extra=("--ca-file", certs.ca_file)
    )
    assert statuses(ran)["error"] == 0, [o["reason"] for o in ran.data["outcomes"] if o["status"] == "error"]
