"""Operational behaviour: correlation id echoed, Date header in time, a public health endpoint,
p95 latency within budget, requests kept on the target, and schemathesis's own checks."""

from __future__ import annotations

import math
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from ...model import Location, Problem
from ...registry import CheckContext, live_check
from ._util import problem

if TYPE_CHECKING:  # annotations only
    from ...engine.exchange import Exchange, LiveRun


@live_check("correlation_echo", target="exchange")
def correlation_echo(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """The correlation id sent is echoed in the response (or a new one is returned)."""
    if ex.correlation is None or ex.status is None:
        return
    name, _sent = ex.correlation
    if not ex.headers.get(name.lower(), "").strip():
        yield problem(ex, f"response has no {name} header: the correlation id sent was not echoed",
                      f"phản hồi thiếu tiêu đề {name}: mã tương quan không được trả lại", header=name)


@live_check("date_header_in_time", target="exchange", defaults={"tolerance_seconds": 5})
def date_header_in_time(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """The Date header is within a few seconds of the harness clock (NTP-synchronised servers)."""
    if ex.status is None or not ex.received_at:
        return
    raw = ex.headers.get("date", "")
    tolerance = float(ctx.options.get("tolerance_seconds", 5))
    try:
        when = parsedate_to_datetime(raw).timestamp() if raw else None
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None:
        yield problem(ex, f"Date header missing or unparseable ({raw[:40]!r})",
                      f"tiêu đề Date thiếu hoặc sai định dạng ({raw[:40]!r})")
        return
    # Date has one-second resolution: allow the elapsed time plus one second on top of the tolerance.
    skew = when - ex.received_at
    if abs(skew) > tolerance + ex.elapsed + 1:
        yield problem(ex, f"Date header is {skew:+.0f} s off the harness clock (tolerance ±{tolerance:g} s)",
                      f"tiêu đề Date lệch {skew:+.0f} giây so với đồng hồ kiểm thử (cho phép ±{tolerance:g} giây)",
                      skew_seconds=round(skew, 1))


@live_check("health_endpoint", target="exchange:health")
def health_endpoint(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """The documented public health endpoint answers 200 without credentials."""
    if ex.status is None:
        yield problem(ex, f"health endpoint did not answer ({ex.error})", f"điểm kiểm tra sức khỏe không phản hồi ({ex.error})")
    elif ex.status != 200:
        yield problem(ex, f"health endpoint answered HTTP {ex.status} without credentials (expected 200)",
                      f"điểm kiểm tra sức khỏe trả HTTP {ex.status} (cần 200)", status=ex.status)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: deterministic and easy to explain)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@live_check("p95_latency", target="run", defaults={"threshold_ms": 2000, "use_declared_sla": True,
                                                     "min_samples": 5})
def p95_latency(run: LiveRun, ctx: CheckContext) -> Iterator[Problem]:
    """p95 response time of the run is within the budget (the spec's x-vn-sla.p95LatencyMs if declared)."""
    times = [ex.elapsed for ex in run.exchanges if ex.status is not None and ex.purpose != "burst"]
    if len(times) < int(ctx.options.get("min_samples", 5)):
        return
    budget = float(ctx.options.get("threshold_ms", 2000))
    if ctx.options.get("use_declared_sla", True) and run.sla_p95_ms:
        budget = float(run.sla_p95_ms)
    p95 = percentile(times, 95) * 1000
    if p95 > budget:
        slowest = max((ex for ex in run.exchanges if ex.status is not None), key=lambda e: e.elapsed)
        yield problem(slowest, f"p95 latency {p95:.0f} ms over {len(times)} responses exceeds {budget:.0f} ms",
                      f"độ trễ p95 {p95:.0f} ms trên {len(times)} phản hồi vượt {budget:.0f} ms",
                      p95_ms=round(p95), budget_ms=budget, samples=len(times))


@live_check("responses_complete", target="run", defaults={"max_findings": 10},
            schema={"max_findings": {"type": "integer", "minimum": 1}})
def responses_complete(run: LiveRun, ctx: CheckContext) -> Iterator[Problem]:
    """Every request sent got a complete HTTP response: no reset, timeout, truncated body or garbage.

    When every request fails, each rule errors with the cause instead; this rule is what records a
    target that fails only some of the time."""
    # Refused other hosts are LIVE026's finding, not a failure of the target.
    failed = [ex for ex in run.exchanges if ex.status is None and ex.purpose != "burst"
              and "not the target" not in (ex.error or "")]
    cap = int(ctx.options.get("max_findings", 10))
    for ex in failed[:cap]:
        cause = ex.error or "no response"
        yield Problem(message=f"{ex.method} {ex.url} got no complete response: {cause}",
                      message_vi=f"{ex.method} {ex.url} không nhận được phản hồi đầy đủ: {cause}",
                      location=Location(method=ex.method, path=ex.path, operation_id=ex.operation_id,
                                        url=ex.url),
                      details={"error": cause, "exchange": ex.index})
    if len(failed) > cap:
        yield Problem(message=f"{len(failed) - cap} more requests got no complete response "
                              f"({len(failed)} of {len(run.exchanges)} in all)",
                      message_vi=f"thêm {len(failed) - cap} yêu cầu không nhận được phản hồi đầy đủ "
                                 f"({len(failed)}/{len(run.exchanges)})",
                      location=Location(url=failed[cap].url))


@live_check("requests_stay_on_target", target="run")
def requests_stay_on_target(run: LiveRun, ctx: CheckContext) -> Iterator[Problem]:
    """The run never had to contact another host (redirects or links elsewhere were refused)."""
    for hostport in run.blocked:
        yield Problem(message=f"the target pointed the harness to {hostport}; the request was refused "
                      "(only the base URL's host and the token URL are contacted)",
                      message_vi=f"đích kiểm thử trỏ tới {hostport}; yêu cầu đã bị chặn",
                      location=Location(url=hostport))


@live_check("schemathesis_check", target="exchange", defaults={"check": "not_a_server_error"},
            schema={"check": {"enum": ["not_a_server_error", "status_code_conformance",
                                       "content_type_conformance", "response_schema_conformance",
                                       "response_headers_conformance", "negative_data_rejection",
                                       "positive_data_acceptance"]}})
def schemathesis_check(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """Reports what the named schemathesis check found on this exchange (the engine ran it)."""
    name = str(ctx.options.get("check"))
    for message in ex.schemathesis.get(name, ()):
        yield problem(ex, f"[{name}] {message}", f"[{name}] {message}", check=name)
