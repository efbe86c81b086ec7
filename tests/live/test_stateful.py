"""Stateful sequences along the spec's links (--mode full only): the server's own request log shows
the harness reading the id a POST returned and calling the linked operations with it; the same live
checks judge those exchanges (with evidence); probe mode never sends one; budgets and the
production refusal still hold."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import yaml

from conformance.api_live import AuthConfig, LiveResult, run_live_test
from conformance.engine import live as bridge
from conformance.errors import UsageError
from conformance.refservice import BASE_PATH, RefService

from .conftest import TOKEN_ENV

LINKS_SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "specs", "live", "links.yaml")


def _run(svc: RefService, mode: str = "full", **kwargs: Any) -> LiveResult:
    kwargs.setdefault("max_requests", 120)
    kwargs.setdefault("rate", 500)
    return run_live_test(LINKS_SPEC, base_url=svc.base_url, mode=mode,
                         auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"), **kwargs)


def _created_ids(live: LiveResult) -> list[str]:
    """MaHoSo of every dossier a stateful POST created, read from the harness's own exchanges."""
    assert live.report is not None
    out = []
    for ex in live.report.run.exchanges:
        body = ex.json() if ex.purpose == "stateful" and ex.method == "POST" and ex.status == 201 else None
        if isinstance(body, dict) and isinstance(body.get("MaHoSo"), str):
            out.append(body["MaHoSo"])
    return out


def test_full_mode_follows_links_with_the_returned_id(token_env: str) -> None:
    with RefService(token=token_env) as svc:
        live = _run(svc)
        log = [(r.method, r.path, r.status) for r in svc.requests.snapshot()]
    ids = _created_ids(live)
    assert ids, live.notes
    for ma in ids:
        get = ("GET", f"{BASE_PATH}/hoso/{ma}", 200)
        progress = ("GET", f"{BASE_PATH}/hoso/{ma}/tiendo", 200)
        assert get in log, log
        # the id is unknown until the POST answers it: the linked GET comes after a 201 POST
        assert ("POST", f"{BASE_PATH}/hoso", 201) in log[:log.index(get)]
        # two routes reach the progress: XemTienDo off the 201, TienDo off GET's 200
        created = ("POST", f"{BASE_PATH}/hoso", 201)
        assert log.count(progress) == 2 and log.index(progress) > log.index(created)
    assert any(n.startswith("stateful: ") and "XemHoSo" in n and "TienDo" in n for n in live.notes)
    assert live.report is not None and live.report.run.blocked == ()  # the link's `server` is ignored


def test_linked_exchanges_are_judged_by_the_same_checks(token_env: str) -> None:
    """Generated ids miss (the fixture has no MaHoSo example), so the only 200 from GET /hoso/{MaHoSo}
    is the linked call: its schema violation must be a finding with evidence naming the created id."""
    with RefService(token=token_env, faults={"schema_violation"}) as svc:
        live = _run(svc)
        base_url = svc.base_url
    ids = _created_ids(live)
    assert ids
    wanted = {f"GET {base_url}/hoso/{ma}" for ma in ids}
    linked = [(o.rule, f) for o in live.result.outcomes if o.status.value == "failed" for f in o.findings
              if str(f.details.get("evidence", {}).get("request", "")).split("\n")[0] in wanted]
    assert linked, [(o.rule, o.status.value) for o in live.result.outcomes]
    rule, finding = linked[0]
    evidence = finding.details["evidence"]
    assert evidence["request"].startswith("GET ") and ids[0] in evidence["curl"]
    assert "HTTP 200" in evidence["response"]
    assert token_env not in repr(finding)  # redaction applies to linked requests too


def test_probe_mode_never_runs_sequences(token_env: str) -> None:
    with RefService(token=token_env) as svc:
        live = _run(svc, mode="probe")
        counts = svc.counts()
    assert set(counts) <= {"GET", "HEAD", "OPTIONS"}, counts
    assert live.report is not None
    assert not any(ex.purpose == "stateful" for ex in live.report.run.exchanges)
    assert not any(n.startswith("stateful") for n in live.notes)


@pytest.mark.parametrize("budget", [10, 25, 60])
def test_request_budget_holds_with_sequences(token_env: str, budget: int) -> None:
    """The server counts what it receives; sequences get their share of a budget that fits them."""
    with RefService(token=token_env) as svc:
        live = _run(svc, max_requests=budget)
        counts = svc.counts()
    assert sum(counts.values()) <= budget, counts
    assert live.report is not None and live.report.sent <= budget
    if budget >= 60:
        assert _created_ids(live), live.notes


def test_time_budget_holds_with_sequences(token_env: str) -> None:
    budget = 2.0
    with RefService(token=token_env, faults={"slow"}, slow_seconds=0.4) as svc:
        started = time.monotonic()
        live = _run(svc, budget_seconds=budget, timeout=1.0)
        elapsed = time.monotonic() - started
    # Slack for the (budget-independent) case generation and the transport probe's own timeouts.
    assert elapsed < budget + 4.0, elapsed
    assert any("time budget spent" in n for n in live.notes), live.notes


def test_production_refusal_still_applies(token_env: str, tmp_path: Any) -> None:
    with open(LINKS_SPEC, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["info"]["x-vn-environment"] = "production"
    prod_spec = os.path.join(tmp_path, "links-production.yaml")
    with open(prod_spec, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, allow_unicode=True)
    with RefService(token=token_env) as svc:
        with pytest.raises(UsageError, match="production"):
            _run(svc, environment="production")
        with pytest.raises(UsageError, match="production"):
            run_live_test(prod_spec, base_url=svc.base_url, mode="full", rate=500,
                          auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"))
        assert svc.counts() == {}
        live = _run(svc, environment="production", allow_production=True, max_requests=30)
    assert _created_ids(live)  # the explicit override lets sequences run


class _Op:
    def __init__(self, label: str) -> None:
        self.label = label


@pytest.mark.parametrize(("key", "declared", "status", "expected"), [
    ("201", {"201", "400"}, 201, True),
    ("201", {"201", "400"}, 200, False),
    ("2XX", {"2XX", "400"}, 204, True),
    ("2XX", {"2XX", "201"}, 201, False),  # the explicit 201 response describes 201, not the range
    ("default", {"200", "default"}, 202, True),
    ("default", {"200", "default"}, 200, False),
    ("default", {"4XX", "default"}, 404, False),
])
def test_link_status_matching(key: str, declared: set[str], status: int, expected: bool) -> None:
    link = bridge.Link(name="x", status=key, source=_Op("A"), target=_Op("B"),
                       declared=frozenset(k.upper() for k in declared), impl=None)
    assert link.matches(status) is expected
