"""Live checks of a batch (``batch --live``): probe each system's base URLs on the wire.

Every inventory system that declares ``base_urls`` and a spec is probed in probe mode only
(GET/HEAD/OPTIONS), each within its own time budget. The work is I/O bound, so it runs in threads
of this process (requests and schemathesis are thread-safe per session, and every run has its own
GuardedSession). Results are merged into that system's record (its result gains an endpoint
subject and the live outcomes per base URL) and so into the roll-ups; an unreachable or failing
target becomes that system's error outcomes or error, never the batch's. Live results are never
cached (see ``cache``).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ConformanceError
from ..model import RunResult
from .tasks import Record, SystemTask
from .worker import relabel, resolved_profile

LIVE_GRACE = 5.0  # seconds past a system's budget before it is given up on (the guard should end it first)


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveSettings:
    """``batch --live``: probe-mode live checks, the same settings (and credentials) for every system."""

    budget_seconds: float = 60.0  # per system, all its base URLs together
    concurrency: int = 4  # systems checked at once
    max_requests: int = 100  # per base URL
    rate: float = 10.0  # requests per second, per base URL
    timeout: float = 10.0  # seconds per request (capped to fit the system's budget)
    auth: Any = None  # api_live.AuthConfig: read from the environment, applied to every system


def live_targets(task: SystemTask) -> list[tuple[str, str, str]]:
    """(base URL, spec to open, spec as shown) for each base URL: paired in order when the system
    lists as many specs as base URLs, else every base URL against the system's first spec."""
    if not task.base_urls or not task.specs:
        return []
    if len(task.base_urls) == len(task.specs):
        pairs = list(zip(task.base_urls, task.abs_specs, task.specs, strict=True))
    else:
        pairs = [(url, task.abs_specs[0], task.specs[0]) for url in task.base_urls]
    return list(dict.fromkeys(pairs))  # inventory order, duplicates once


def live_tasks(tasks: Sequence[SystemTask]) -> list[SystemTask]:
    """The systems ``--live`` probes: those with a spec and at least one base URL."""
    return [t for t in tasks if live_targets(t)]


def run_live_task(task: SystemTask, profile_ref: str, generated_at: str,
                  settings: LiveSettings) -> dict[str, Any]:
    """Probe one system's base URLs within its time budget, shared between them. Never raises:
    ``{"id", "results": [RunResult], "targets": [{"base_url", "spec", "error"?}]}``."""
    from ..api_live import run_live_test

    when = _dt.datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    deadline = time.monotonic() + settings.budget_seconds
    targets = live_targets(task)
    results: list[RunResult] = []
    rows: list[dict[str, Any]] = []
    for i, (url, spec, shown) in enumerate(targets):
        row: dict[str, Any] = {"base_url": url, "spec": shown}
        rows.append(row)
        share = (deadline - time.monotonic()) / (len(targets) - i)
        if share < 1.0:
            row["error"] = "not checked: the system's live time budget was spent"
            continue
        try:
            # A quarter of the share per request: a stalled target still leaves room for an outcome.
            live = run_live_test(spec, base_url=url, profile=resolved_profile(profile_ref), mode="probe",
                                 max_requests=settings.max_requests, rate=settings.rate,
                                 timeout=min(settings.timeout, share / 4), budget_seconds=share,
                                 auth=settings.auth, clock=lambda: when)
        except ConformanceError as exc:  # bad base URL, unreadable spec, missing credentials
            row["error"] = str(exc)
            continue
        except Exception as exc:  # a crash while checking one target is that target's outcome
            row["error"] = f"internal error: {type(exc).__name__}: {exc}"
            continue
        results.append(relabel(live.result, {os.path.normpath(spec): shown}))
    return {"id": task.id, "results": results, "targets": rows}


def run_live(tasks: Sequence[SystemTask], profile_ref: str, generated_at: str, settings: LiveSettings,
             done: Callable[[dict[str, Any]], None]) -> None:
    """Run the live checks ``settings.concurrency`` systems at a time; a system that overstays its
    budget by LIVE_GRACE is recorded as timed out and left behind (its thread is a daemon)."""
    if not tasks:
        return
    pool = cf.ThreadPoolExecutor(max_workers=max(1, min(settings.concurrency, len(tasks))),
                                 thread_name_prefix="conformance-live")
    started: dict[str, float] = {}
    lock = threading.Lock()

    def job(task: SystemTask) -> dict[str, Any]:
        with lock:
            started[task.id] = time.monotonic()
        return run_live_task(task, profile_ref, generated_at, settings)

    futures = {pool.submit(job, t): t for t in tasks}
    pending = set(futures)
    try:
        while pending:
            finished, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                try:
                    done(fut.result())
                except Exception as exc:  # defensive: run_live_task does not raise
                    task = futures[fut]
                    done({"id": task.id, "results": [], "targets": [
                        {"base_url": u, "spec": s, "error": f"internal error: {type(exc).__name__}"}
                        for u, _a, s in live_targets(task)]})
            now = time.monotonic()
            with lock:
                late = [f for f in pending if futures[f].id in started
                        and now - started[futures[f].id] > settings.budget_seconds + LIVE_GRACE]
            for fut in late:
                pending.discard(fut)
                task = futures[fut]
                done({"id": task.id, "results": [], "targets": [
                    {"base_url": u, "spec": s, "error": f"live checks did not finish within the system's "
                     f"{settings.budget_seconds:g} s budget"} for u, _a, s in live_targets(task)]})
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def merge_live(record: Record, live: dict[str, Any]) -> Record:
    """The system's record with its live results merged in: endpoint subjects and live outcomes
    join the static ones (same profile, so the same rules), and ``record["live"]`` lists what was
    probed and what could not be."""
    from ..reporters import json as json_report

    targets = sorted(live["targets"], key=lambda t: (t["base_url"], t["spec"]))
    out: Record = {**record, "live": {"targets": targets}}
    if "result" not in record or not live["results"]:
        return out
    static = json_report.from_dict(record["result"])
    subjects = {s.id: s for s in static.subjects}
    outcomes = list(static.outcomes)
    for result in live["results"]:
        subjects.update({s.id: s for s in result.subjects})
        outcomes.extend(result.outcomes)
    merged = replace(static, subjects=tuple(subjects[k] for k in sorted(subjects)),
                     outcomes=tuple(sorted(outcomes, key=lambda o: o.sort_key())))
    out["result"] = json_report.to_dict(merged)
    return out
