"""Overhead of the live harness over a bare schemathesis loop, same number of requests, against the
reference agency service on 127.0.0.1.

    /work/venv/bin/python bench/live_overhead.py [--requests N] [--repeat R]

"bare" draws the same kind of positive cases and calls them with one requests.Session, running
schemathesis's four checks; "harness" is `test_live` in probe mode with the full vn-full profile
(guarded transport, evidence, extra probes, 26 live rules), its request count fixed by the budget.
The bare loop is given exactly the number of requests the harness sent. Figures: wall seconds,
median of R runs, and ms per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from conformance.api_live import AuthConfig, run_live_test  # noqa: E402
from conformance.refservice import RefService  # noqa: E402
from conformance.specs import load_spec  # noqa: E402

SPEC = os.path.join(os.path.dirname(__file__), "..", "specs", "provincial-one-stop", "openapi.yaml")


def bare(base_url: str, token: str, n: int) -> float:
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi import checks as oas

    started = time.perf_counter()
    schema = schemathesis.openapi.from_dict(load_spec(SPEC).data)
    ops = [r.ok() for r in schema.get_all_operations()]
    ops = [o for o in ops if o.method.upper() == "GET"]
    session = requests.Session()
    sent = 0
    checks = [oas.status_code_conformance, oas.content_type_conformance, oas.response_schema_conformance,
              not_a_server_error]
    while sent < n:
        for op in ops:
            cases: list = []

            @settings(max_examples=5, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(op.as_strategy())
            def collect(case) -> None:  # type: ignore[no-untyped-def]
                cases.append(case)

            collect()
            for case in cases:
                if sent >= n:
                    break
                resp = case.call(base_url=base_url, session=session, headers={"Authorization": f"Bearer {token}"},
                                 timeout=10)
                try:
                    case.validate_response(resp, checks=checks)
                except BaseException:  # noqa: BLE001 - failures are not the point here
                    pass
                sent += 1
    return time.perf_counter() - started


def harness(base_url: str, n: int) -> tuple[float, int]:
    started = time.perf_counter()
    live = run_live_test(SPEC, base_url=base_url, max_requests=n, rate=10_000, auth=AuthConfig.parse("bearer:BENCH_TOKEN"))
    assert live.report is not None
    return time.perf_counter() - started, live.report.sent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    token = "bench-token-0123456789"
    os.environ["BENCH_TOKEN"] = token
    h_times, b_times, sent = [], [], 0
    with RefService(token=token, rate_limit=None) as svc:
        for _ in range(args.repeat):
            t, sent = harness(svc.base_url, args.requests)
            h_times.append(t)
            b_times.append(bare(svc.base_url, token, sent))
    h, b = statistics.median(h_times), statistics.median(b_times)
    print(f"requests per run: {sent} (harness budget {args.requests}; transport probe counted as 7)")
    print(f"bare schemathesis: {b:.3f} s  ({b / sent * 1000:.1f} ms/request)")
    print(f"harness (probe):   {h:.3f} s  ({h / sent * 1000:.1f} ms/request)")
    print(f"overhead:          {h - b:+.3f} s  ({(h / b - 1) * 100:+.0f} %)")


if __name__ == "__main__":
    main()
