"""Live runner: send bounded, safe requests to a running API and hand what came back to live checks.

Schemathesis itself is only imported by ``engine/live.py`` (the bridge). Modes:

* ``probe`` (default): GET/HEAD/OPTIONS only; positive, schema-valid data (the spec's examples
  first, then derandomised generated cases); no stateful sequences, no burst.
* ``full``: every method, positive and negative generation, stateful sequences along the spec's
  declared ``links`` (``stateful.py``), and the opt-in burst (``burst``).

Both share the budgets enforced in ``guard.GuardedSession``: request count, rate, per-request
timeout, total time, and the host allow-list (base URL + token URL only, whatever the spec's
``servers``, links or examples say). The engine then sends the few extra requests enabled rules
need (see ``exchange.py``), runs schemathesis's checks named by ``schemathesis_check`` rules, and
turns every rule's Problems into an Outcome, with redacted evidence attached to each finding.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from ..model import Outcome, Problem, RuleSpec
from ..registry import CheckContext, load_checks
from .exchange import Exchange, LiveRun, TransportReport
from .guard import BudgetExhausted, GuardedSession, evidence, redact_headers, redact_text, redact_url
from .outcomes import error_outcome, outcome_from
from .transport import MAX_CONNECTIONS, probe_transport

if TYPE_CHECKING:  # stateful imports the schemathesis bridge: loaded only when a run needs it
    from .stateful import Plan

SAFE_METHODS = ("get", "head", "options")
_TLS_CHECKS = frozenset({"http2_offered", "tls12_minimum", "certificate_valid"})
_HEALTH = re.compile(r"/(health|healthz|healthcheck|livez|readyz|status|ping)/?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveOptions:
    base_url: str
    mode: str = "probe"
    max_requests: int = 300
    rate: float = 10.0  # requests per second
    timeout: float = 10.0  # seconds per request
    budget_seconds: float = 300.0
    token_url: str | None = None
    ca_file: str | None = None
    http_port: int | None = None
    burst: int = 0  # full mode only: requests in the rate-limit burst
    cases_per_operation: int = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    headers: Mapping[str, str] = field(default_factory=dict)  # sent on authenticated requests
    secrets: tuple[str, ...] = ()  # every value to scrub from anything we keep
    curl: Mapping[str, str] = field(default_factory=dict)  # header -> "$ENV"-style reference
    token: str | None = None  # bearer token, for the token-in-query probe
    hidden_headers: tuple[str, ...] = ()
    note: str = ""  # why no credentials could be obtained


@dataclass(slots=True, kw_only=True)
class LiveReport:
    outcomes: list[Outcome]
    notes: list[str]
    run: LiveRun
    transport: TransportReport | None
    sent: int


Authenticate = Callable[[requests.Session], Credentials]


def _secured(op: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    sec = op.get("security", root.get("security"))
    return isinstance(sec, list) and any(isinstance(r, dict) and r for r in sec)


class _Runner:
    def __init__(self, doc: Any, rules: Sequence[RuleSpec], opts: LiveOptions, authenticate: Authenticate | None):
        self.doc, self.rules, self.opts = doc, list(rules), opts
        self.root: Mapping[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.checks = load_checks()
        self.targets = {self.checks[r.check].target for r in self.rules if r.check in self.checks}
        self.st_checks = sorted({str(r.options.get("check")) for r in self.rules if r.check == "schemathesis_check"})
        self.session = GuardedSession(allowed=[opts.base_url] + ([opts.token_url] if opts.token_url else []),
                                      max_requests=opts.max_requests, rate=opts.rate, timeout=opts.timeout,
                                      deadline=time.monotonic() + opts.budget_seconds)
        # Verification stays on: credentials never go to a server whose certificate fails (LIVE005 says why).
        self.session.verify = opts.ca_file or True
        self.authenticate = authenticate
        self.creds = Credentials()
        self.exchanges: list[Exchange] = []
        self.notes: list[str] = []
        raw_info = self.root.get("info")
        info: Mapping[str, Any] = raw_info if isinstance(raw_info, dict) else {}
        self.correlation = str(info.get("x-vn-correlation-header") or self.root.get("x-vn-correlation-header")
                               or "X-Request-ID")

    # --- sending ---------------------------------------------------------------------------------
    def _record(self, purpose: str, method: str, path: str, op: Mapping[str, Any], call: Callable[[dict[str, str]], Any],
                headers: dict[str, str], *, param: str | None = None, st_case: Any = None,
                on_response: Callable[[Any], None] | None = None) -> Exchange | None:
        if self.session.exhausted:
            return None
        index = len(self.exchanges)
        cid = f"conformance-{index:06d}"
        headers = {**headers, self.correlation: cid}
        started = time.monotonic()
        base: dict[str, Any] = dict(purpose=purpose, method=method.upper(), path=path, operation_id=op.get("operationId"),
                    operation=op, sent_param=param, correlation=(self.correlation, cid), index=index)
        secrets = self.creds.secrets
        try:
            resp = call(headers)
        except BudgetExhausted:
            return None
        except requests.RequestException as exc:
            url = getattr(getattr(exc, "request", None), "url", None) or self.opts.base_url + path
            ex = Exchange(**base, url=redact_url(str(url), secrets), request_headers=redact_headers(
                headers, secrets, self.creds.hidden_headers), error=redact_text(_describe(exc), secrets),
                elapsed=time.monotonic() - started)
            self.exchanges.append(ex)
            if len(self.exchanges) >= 3 and all(e.status is None for e in self.exchanges):
                self.session.exhausted = "target unreachable (3 failed requests, no response)"
            return ex
        elapsed = time.monotonic() - started
        raw = resp.request
        hdrs = {k.lower(): ", ".join(v) if isinstance(v, list) else str(v) for k, v in resp.headers.items()}
        st_fail = self._schemathesis(st_case, resp) if st_case is not None else {}
        ex = Exchange(**base, url=redact_url(str(raw.url), secrets),
                      request_headers=redact_headers(dict(raw.headers), secrets, self.creds.hidden_headers),
                      status=resp.status_code, reason=getattr(resp, "message", "") or getattr(resp, "reason", ""),
                      http_version=11 if getattr(resp, "http_version", "1.1") == "1.1" else 10,
                      headers=hdrs, body=resp.content or b"", elapsed=elapsed, received_at=time.time(),
                      schemathesis=st_fail)
        self.exchanges.append(ex)
        if on_response is not None:  # stateful sequences read links' values from the raw response
            on_response(resp)
        return ex

    def _schemathesis(self, case: Any, resp: Any) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for name in self.st_checks:
            func = _st_check(name)
            if func is None:
                continue
            try:
                case.validate_response(resp, checks=[func])
            except BaseExceptionGroup as group:  # FailureGroup
                out[name] = tuple(_failure_text(e, self.creds.secrets) for e in group.exceptions)
            except AssertionError as exc:  # a single Failure
                out[name] = (_failure_text(exc, self.creds.secrets),)
            except Exception:  # the check itself could not run on this response: not a finding
                continue
        return out

    def _send_case(self, purpose: str, case: Any, op: Mapping[str, Any], headers: dict[str, str],
                   *, param: str | None = None, params: dict[str, str] | None = None,
                   validate: bool = True,
                   on_response: Callable[[Any], None] | None = None) -> Exchange | None:
        def call(h: dict[str, str]) -> Any:
            return case.call(base_url=self.opts.base_url, session=self.session, headers=h,
                             timeout=self.opts.timeout, **({"params": params} if params else {}))
        return self._record(purpose, case.method, case.operation.path, op, call, headers, param=param,
                            st_case=case if validate else None, on_response=on_response)

    # --- the run ---------------------------------------------------------------------------------
    def _bounded_transport(self, health: str | None) -> TransportReport:
        """The probe reads with a per-read timeout; a target dribbling its headers could still hold
        it far past the run's budget, so it runs in a thread joined with an overall deadline."""
        per_read = min(self.opts.timeout, 5.0)
        deadline = max(0.5, min(self.opts.budget_seconds, per_read * MAX_CONNECTIONS))
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["report"] = probe_transport(self.opts.base_url, timeout=per_read, ca_file=self.opts.ca_file,
                                                probe_path=health, http_port=self.opts.http_port)
            except Exception as exc:  # reported as a failed probe, like a refused connection
                box["error"] = exc

        thread = threading.Thread(target=work, name="conformance-transport-probe", daemon=True)
        thread.start()
        thread.join(deadline)
        if "report" in box:
            return box["report"]  # type: ignore[no-any-return]
        parts = urlsplit(self.opts.base_url)
        why = (f"probe failed: {type(box['error']).__name__}: {box['error']}" if "error" in box
               else f"no complete answer within {deadline:.0f} s")
        self.notes.append(f"transport probe: {why}")
        return TransportReport(base_url=self.opts.base_url, scheme=parts.scheme.lower(), http11_ok=False,
                               http11_detail=why)

    def run(self) -> tuple[LiveRun, TransportReport | None]:
        if self.authenticate is not None:
            self.creds = self.authenticate(self.session)
            if self.creds.note:
                self.notes.append(self.creds.note)
        transport = None
        if "transport" in self.targets:
            health = next((p for p, _m, _o in self._operations() if _HEALTH.search(p)), None)
            self.session.sent += MAX_CONNECTIONS  # the probe opens at most this many connections
            transport = self._bounded_transport(health)
        try:
            self._cases()
        except BudgetExhausted:
            pass
        except Exception as exc:  # the bridge's SchemaError: transport rules still report
            if type(exc).__name__ != "SchemaError":
                raise
            self.notes.append(str(exc))
        if self.session.exhausted:
            self.notes.append(f"stopped early: {self.session.exhausted} after {len(self.exchanges)} exchanges")
        sla = (self.root.get("info") or {}).get("x-vn-sla") if isinstance(self.root.get("info"), dict) else None
        p95 = sla.get("p95LatencyMs") if isinstance(sla, dict) else None
        run = LiveRun(exchanges=tuple(self.exchanges), blocked=tuple(self.session.blocked),
                      sla_p95_ms=float(p95) if isinstance(p95, (int, float)) else None, mode=self.opts.mode)
        return run, transport

    def _operations(self) -> list[tuple[str, str, Mapping[str, Any]]]:
        raw = self.root.get("paths")
        paths: dict[str, Any] = raw if isinstance(raw, dict) else {}
        out = []
        for path in sorted(paths):
            item = paths[path]
            for method in ("get", "head", "options", "post", "put", "patch", "delete"):
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    out.append((path, method, item[method]))
        return out

    def _cases(self) -> None:
        from . import live as live_cases
        from . import stateful

        full = self.opts.mode == "full"
        schema = live_cases.load_schema(self.root)
        ops = live_cases.operations(schema, full=full)
        plan = stateful.plan(schema, ops) if full else None  # probe mode: never a stateful sequence
        reserve = plan.reserve(self.session.remaining()) if plan is not None else 0
        # cases() yields up to 2n cases per operation in probe mode, 3n in full (negative ones too)
        per_op = max(1, min(self.opts.cases_per_operation,
                            (self.session.remaining() - reserve) // max(1, len(ops) * (3 if full else 2))))
        first_ok: dict[str, Any] = {}
        for op_obj in ops:
            if self.session.exhausted:
                return
            op = self._op_dict(op_obj.path, op_obj.method)
            for case in live_cases.cases(schema, op_obj, per_op, full=self.opts.mode == "full"):
                ex = self._send_case("probe", case, op, dict(self.creds.headers))
                if ex is not None and ex.method == "GET" and ex.status is not None and ex.status < 400:
                    first_ok.setdefault(op_obj.path, (case, op))
            if op_obj.method.lower() == "get" and op_obj.path not in first_ok:
                examples = live_cases.cases(schema, op_obj, 1, full=False)
                if examples:
                    first_ok[op_obj.path] = (examples[0], op)
        if plan is not None and not self.session.exhausted:
            self._stateful(schema, plan, reserve)
        self._extras(schema, ops, first_ok)

    def _stateful(self, schema: Any, plan: Plan, reserve: int) -> None:
        from . import stateful

        def send(case: Any) -> Any:
            box: list[Any] = []
            self._send_case("stateful", case, self._op_dict(case.operation.path, case.method),
                            dict(self.creds.headers), on_response=box.append)
            return box[0] if box else None

        self.notes += stateful.run(schema, plan, send, limit=min(reserve, self.session.remaining()),
                                   stopped=lambda: bool(self.session.exhausted))

    def _op_dict(self, path: str, method: str) -> Mapping[str, Any]:
        item = (self.root.get("paths") or {}).get(path) or {}
        op = item.get(method.lower()) if isinstance(item, dict) else None
        return op if isinstance(op, dict) else {}

    def _extras(self, schema: Any, ops: list[Any], first_ok: dict[str, Any]) -> None:
        from . import live as live_cases

        gets = [(path, first_ok[path]) for path in sorted(first_ok)]
        for path, (case, op) in gets:
            if _HEALTH.search(path) and "exchange:health" in self.targets:
                self._send_case("health", case, op, {})
        secured = [(p, c, o) for p, (c, o) in gets if _secured(o, self.root)]
        for path, case, op in secured:
            if "exchange:unauthenticated" in self.targets:
                self._send_case("unauthenticated", case, op, {})
            if "exchange:token_in_query" in self.targets and self.creds.token:
                self._send_case("token_in_query", case, op, {}, params={"access_token": self.creds.token})
        if "exchange:malformed" in self.targets:
            for path, (case, op) in gets:
                bad = live_cases.malformed(case, self.doc)
                if bad is not None:
                    self._send_case("malformed", bad[0], op, dict(self.creds.headers), param=bad[1])
        if "run" in self.targets and self.opts.mode == "full" and self.opts.burst > 0 and secured:
            _path, case, op = secured[0]
            rate, self.session.rate = self.session.rate, 0.0  # the burst is the point: no spacing
            try:
                for _ in range(self.opts.burst):
                    if self._send_case("burst", case, op, dict(self.creds.headers), validate=False) is None:
                        break
            finally:
                self.session.rate = rate


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^\"')]+)")


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    short = _ERRNO.search(text)
    if short:
        text = short.group(1).strip()
    if isinstance(exc, requests.exceptions.Timeout):
        kind = "timeout"
    elif isinstance(exc, requests.exceptions.ConnectionError):
        kind = "connection error"
    else:
        kind = type(exc).__name__
    return f"{kind}: {text}"[:300]


def _failure_text(exc: BaseException, secrets: Iterable[str]) -> str:
    title = getattr(exc, "title", "") or type(exc).__name__
    message = " ".join(str(getattr(exc, "message", "") or "").split())
    return redact_text(f"{title}: {message}" if message else title, secrets)[:500]


def _st_check(name: str) -> Any:
    from . import live as live_cases

    return live_cases.st_check(name)


def run_live(doc: Any, rules: Sequence[RuleSpec], subject: str, opts: LiveOptions, *,
             authenticate: Authenticate | None = None) -> LiveReport:
    live_rules = [r for r in rules if r.kind.value == "live"]
    runner = _Runner(doc, live_rules, opts, authenticate)
    run, transport = runner.run()
    answered = [ex for ex in run.exchanges if ex.status is not None]
    outcomes: list[Outcome] = []
    silent = ""  # why no HTTP exchange got an answer: those rules error instead of passing on nothing
    if not answered:
        errors = sorted({ex.error or "" for ex in run.exchanges if ex.error}) or [
            transport.http11_detail if transport is not None and not transport.http11_ok else "no request could be sent"]
        silent = f"target did not answer: {errors[0]}" + (f" (+{len(errors) - 1} other errors)" if len(errors) > 1 else "")
        if runner.session.exhausted and not run.exchanges:
            silent = f"no request sent: {runner.session.exhausted}"
        if transport is None or not transport.http11_ok:
            return LiveReport(outcomes=[error_outcome(r, subject, silent) for r in live_rules], notes=runner.notes,
                              run=run, transport=transport, sent=runner.session.sent)
    by_index = {ex.index: ex for ex in run.exchanges}
    creds = runner.creds
    for rule in live_rules:
        impl = runner.checks.get(rule.check)
        if impl is None:
            outcomes.append(error_outcome(rule, subject, f"unknown check {rule.check}"))
            continue
        if silent and impl.target != "transport":
            outcomes.append(error_outcome(rule, subject, silent))
            continue
        ctx = CheckContext(options=rule.options, rule_id=rule.id, doc=doc)
        items: list[Any]
        if impl.target == "transport":
            needs_tls = rule.check in _TLS_CHECKS
            items = [transport] if transport is not None and (transport.tls is not None or not needs_tls) else []
        elif impl.target == "run":
            items = [run]
        elif impl.target == "exchange":
            items = [ex for ex in answered if ex.purpose != "burst"]
        else:
            purpose = impl.target.partition(":")[2]
            items = [ex for ex in run.exchanges if ex.purpose == purpose]
        problems: list[Problem] = []
        try:
            for item in items:
                problems.extend(impl.func(item, ctx))
        except Exception as exc:  # a crashing check errors its own rule only
            outcomes.append(error_outcome(rule, subject, f"check {rule.check} failed: {type(exc).__name__}: {exc}"))
            continue
        applicable = bool(items) and (impl.target != "run" or bool(problems) or _run_applies(rule, run))
        clean = [_finalise(p, by_index, creds) for p in problems]
        outcomes.append(outcome_from(rule, subject, clean, applicable=applicable, locate=None))
    return LiveReport(outcomes=outcomes, notes=runner.notes, run=run, transport=transport, sent=runner.session.sent)


def _run_applies(rule: RuleSpec, run: LiveRun) -> bool:
    if rule.check == "rate_limit_429":
        return any(ex.purpose == "burst" for ex in run.exchanges)
    if rule.check == "p95_latency":
        return sum(1 for ex in run.exchanges if ex.status is not None) >= int(rule.options.get("min_samples", 5))
    return True


def _finalise(problem: Problem, by_index: Mapping[int, Exchange], creds: Credentials) -> Problem:
    """Swap the exchange index for redacted evidence, and scrub secrets from the message."""
    details = dict(problem.details)
    index = details.pop("exchange", None)
    if isinstance(index, int) and index in by_index:
        details["evidence"] = evidence(by_index[index], creds.secrets, creds.curl)
    secrets = creds.secrets
    details = {k: redact_text(v, secrets) if isinstance(v, str) else v for k, v in details.items()}
    return replace(problem, message=redact_text(problem.message, secrets),
                   message_vi=redact_text(problem.message_vi, secrets), details=details)
