"""Probe mode is safe: only GET/HEAD/OPTIONS reach the service, the request budget holds (counted
by the server itself), and nothing is sent to other hosts whatever the spec says."""

from __future__ import annotations

import os
from typing import Any

import yaml

from conformance.api_live import AuthConfig, run_live_test
from conformance.refservice import RefService
from tests.listeners import CountingListener

from .conftest import SPEC, TOKEN_ENV


def test_probe_sends_only_safe_methods_within_budget(token_env: str) -> None:
    budget = 25
    with RefService(token=token_env) as svc:
        live = run_live_test(SPEC, base_url=svc.base_url, max_requests=budget, rate=200,
                             auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"))
        counts = svc.counts()
    assert set(counts) <= {"GET", "HEAD", "OPTIONS"}, counts
    assert sum(counts.values()) <= budget
    assert live.report is not None and live.report.sent <= budget


def test_other_hosts_are_never_contacted(tmp_path: Any, token_env: str) -> None:
    """servers, links, examples and the token URL point at listeners on other loopback ports."""
    listeners = [CountingListener() for _ in range(3)]
    try:
        with open(SPEC, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        data["servers"] = [{"url": f"http://127.0.0.1:{listeners[0].port}/motcua/1.0"}]
        flows = data["components"]["securitySchemes"]["oauth2ClientCredentials"]["flows"]
        flows["clientCredentials"]["tokenUrl"] = f"http://127.0.0.1:{listeners[1].port}/token"
        data["paths"]["/hoso/{MaHoSo}"]["get"]["responses"]["200"]["links"] = {
            "elsewhere": {"operationId": "getTienDoHoSo", "server": {"url": f"http://127.0.0.1:{listeners[2].port}"}}}
        spec = os.path.join(tmp_path, "openapi.yaml")
        with open(spec, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, allow_unicode=True)
        with RefService(token=token_env) as svc:
            live = run_live_test(spec, base_url=svc.base_url, max_requests=60, rate=200,
                                 auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"))
            assert sum(svc.counts().values()) > 0
        assert [lst.connections for lst in listeners] == [0, 0, 0]
        assert not any(o.status.value == "error" for o in live.result.outcomes)
    finally:
        for lst in listeners:
            lst.close()


def test_guard_refuses_and_records_other_hosts() -> None:
    import requests

    from conformance.engine.guard import BlockedRequest, GuardedSession

    listener = CountingListener()
    try:
        session = GuardedSession(allowed=["http://127.0.0.1:9"], max_requests=5, rate=0, timeout=1,
                                 deadline=float("inf"))
        try:
            session.get(f"http://127.0.0.1:{listener.port}/")
        except BlockedRequest:
            pass
        else:
            raise AssertionError("request to another port was not refused")
        assert session.blocked == [f"127.0.0.1:{listener.port}"] and listener.connections == 0
        assert isinstance(BlockedRequest("x"), requests.RequestException)
    finally:
        listener.close()
