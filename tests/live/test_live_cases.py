"""Every live rule's fixture cases (fixtures/rules/LIVE*.yaml) against the reference service over a
real socket: faults switched on, TLS set up as the case asks, and the rule's outcome compared."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.api_live import AuthConfig, run_live_test
from conformance.model import Kind
from conformance.profiles import load_catalogue
from conformance.refservice import RefService
from tests.casefiles import load_cases

from .conftest import SPEC, TOKEN_ENV, Certs


def _live_cases() -> list[Any]:
    catalogue = load_catalogue()
    out = []
    for rule_id, data in load_cases().items():
        rule = catalogue.rules.get(rule_id)
        if rule is None or rule.kind is not Kind.LIVE:
            continue
        for case in data["cases"]:
            out.append(pytest.param(rule_id, case, id=f"{rule_id}-{case['name']}"))
    return out


class _StubServer:
    """For behaviours the reference service has no switch for: `http10` answers every request with
    HTTP/1.0, `redirect_elsewhere` redirects every request to another loopback port, `flaky` drops
    every second connection without an answer."""

    def __init__(self, kind: str) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        counter, lock = [0], threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0" if kind == "http10" else "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                if kind == "flaky":  # every second request: the connection drops with no answer
                    with lock:
                        counter[0] += 1
                        drop = counter[0] % 2 == 0
                    if drop:
                        self.close_connection = True
                        return
                if kind == "redirect_elsewhere":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b'{"TrangThai":"UP"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_OPTIONS = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/motcua/1.0"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> _StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_case(rule_id: str, case: dict[str, Any], certs: Certs | None, token: str) -> Any:
    if case.get("server"):
        with _StubServer(case["server"]) as stub:
            live = run_live_test(SPEC, base_url=stub.base_url, max_requests=40, rate=200.0, timeout=5.0,
                                 budget_seconds=30.0, auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"))
        return next(o for o in live.result.outcomes if o.rule == rule_id)
    tls = case.get("tls")
    ctx = certs.context(tls) if tls and certs is not None else None
    svc = RefService(faults=case.get("faults", []), token=token, ssl_context=ctx,
                     slow_seconds=float(case.get("slow_seconds", 2.5)))
    with svc:
        live = run_live_test(SPEC, base_url=svc.base_url, profile="vn-full", mode=case.get("mode", "probe"),
                             burst=int(case.get("burst", 0)), max_requests=int(case.get("max_requests", 150)),
                             rate=200.0, timeout=5.0, budget_seconds=60.0,
                             auth=AuthConfig.parse(f"bearer:{TOKEN_ENV}"),
                             ca_file=certs.ca_file if certs is not None else None)
    return next(o for o in live.result.outcomes if o.rule == rule_id)


@pytest.mark.parametrize(("rule_id", "case"), _live_cases())
def test_live_rule_case(rule_id: str, case: dict[str, Any], request: pytest.FixtureRequest, token_env: str) -> None:
    certs = request.getfixturevalue("certs") if case.get("tls") else None
    outcome = run_case(rule_id, case, certs, token_env)
    messages = [f.message for f in outcome.findings]
    assert outcome.status.value == case["expect_status"], (outcome.reason, messages)
    if case.get("message_contains"):
        assert any(case["message_contains"] in m for m in messages), messages
    for finding in outcome.findings:  # every finding about an exchange carries its evidence
        if finding.location.method:
            ev = finding.details["evidence"]
            assert set(ev) == {"request", "response", "curl"} and ev["curl"].startswith("curl ")


def test_every_live_rule_has_pass_and_fail_cases() -> None:
    catalogue = load_catalogue()
    cases = load_cases()
    missing = []
    for rule in catalogue.rules.values():
        if rule.kind is not Kind.LIVE:
            continue
        statuses = {c["expect_status"] for c in cases.get(rule.id, {}).get("cases", [])}
        if statuses != {"passed", "failed"}:
            missing.append(rule.id)
    assert not missing, f"live rules without a passing and a failing case: {missing}"

