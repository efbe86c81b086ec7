"""Batch runs: check a whole onboarding queue, in parallel, skipping what has not changed.

Input is a FOLDER (every OpenAPI document is one system; agency and province "unknown") or an
INVENTORY (``inventory.load_inventory``: systems with their specs, owner agency and province).
Each system is one task, run in a local process pool (default) or on a Dask cluster; both call
the same ``run_task`` and return plain JSON-able dicts, so the results are identical.

One system never stops the others: an exception becomes an error record, and a worker process that
dies (segfault, ``os._exit``) breaks only its round: tasks that had started are retried alone, and
the one that kills its own pool is recorded as crashed.

Live checks (``live=LiveSettings(...)``, ``batch --live``): every inventory system that declares
``base_urls`` and a spec is also probed on the wire (probe mode only: GET/HEAD/OPTIONS), in a thread
pool (the work is I/O bound), each system within its own time budget. Results are merged into that
system's record (its result gains an endpoint subject and the live outcomes per base URL) and so
into the roll-ups; an unreachable or failing target becomes that system's error outcomes or error,
never the batch's. Live runs after the static phase, not beside it: forking worker processes while
threads are mid-request can copy held locks into the child.

Cache: one JSON file per (tool version, profile digest, spec paths and contents, scope) key, and
the scope is always "static": entries hold static results only, live results are never cached.
The target can change (a deployment, a config switch, a certificate expiring) without any byte of
the spec changing, so a live result is only evidence about the moment it was taken.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from . import __version__, yamlio
from .errors import ConformanceError, SpecLoadError, UsageError
from .model import RunResult

UNKNOWN = "unknown"
CACHE_VERSION = 1
CACHE_SCOPE = "static"  # what a cache entry holds: live results never enter the cache (see above)
Record = dict[str, Any]  # {"id", "result": result dict} or {"id", "error": one line}


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemTask:
    id: str
    specs: tuple[str, ...]  # as shown in results (relative to where the batch was started)
    abs_specs: tuple[str, ...]  # what workers open (they may run elsewhere, in another folder)
    name: str = ""
    agency: str = UNKNOWN
    agency_name: str = ""
    province: str = UNKNOWN
    kind: str = ""
    tier: str = ""
    base_urls: tuple[str, ...] = ()  # inventory only: where the system runs, for --live


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveSettings:
    """``batch --live``: probe-mode live checks, the same settings (and credentials) for every system."""

    budget_seconds: float = 60.0  # per system, all its base URLs together
    concurrency: int = 4  # systems checked at once
    max_requests: int = 100  # per base URL
    rate: float = 10.0  # requests per second, per base URL
    timeout: float = 10.0  # seconds per request (capped to fit the system's budget)
    auth: Any = None  # api_live.AuthConfig: read from the environment, applied to every system


def tasks_from_folder(folder: str) -> list[SystemTask]:
    from .api import collect_specs

    # No name: the row takes the spec's own title once it has been read.
    return [SystemTask(id=p, specs=(p,), abs_specs=(os.path.abspath(p),))
            for p in collect_specs([folder])]


def tasks_from_inventory(path: str) -> list[SystemTask]:
    from .inventory import load_inventory

    inv = load_inventory(path)
    return [SystemTask(id=s.id, name=s.name, specs=s.spec_paths,
                       abs_specs=tuple(os.path.abspath(p) for p in s.spec_paths),
                       agency=s.owner or UNKNOWN, agency_name=s.owner_name, province=s.province or UNKNOWN,
                       kind=s.kind, tier=s.level or "", base_urls=tuple(s.base_urls))
            for s in sorted(inv.systems, key=lambda s: s.id)]


def load_tasks(source: str) -> list[SystemTask]:
    """A folder of CSVs (systems.csv) or a YAML/JSON/CSV file is an inventory; any other folder
    is a folder of specs, and a single OpenAPI document is a queue of one."""
    from .api import _looks_like_openapi

    if os.path.isdir(source) and not os.path.isfile(os.path.join(source, "systems.csv")):
        return tasks_from_folder(source)
    if not os.path.exists(source):
        raise UsageError("no such file or folder", file=source)
    if os.path.isfile(source) and not source.lower().endswith(".csv") and _looks_like_openapi(source):
        return tasks_from_folder(source)
    return tasks_from_inventory(source)


# ---------------------------------------------------------------------------------------------
# The worker side: must stay importable and picklable by reference (Dask ships the function name).


@lru_cache(maxsize=8)
def _profile(ref: str) -> Any:
    from .profiles import resolve_profile

    return resolve_profile(ref)


def _relabel(result: RunResult, names: dict[str, str]) -> RunResult:
    """Show spec paths as the operator gave them, not as the worker opened them."""
    def m(value: str | None) -> str | None:
        return names.get(value, value) if value is not None else None

    def reason(text: str) -> str:
        for absolute, shown in names.items():
            text = text.replace(absolute, shown)
        return text

    subjects = tuple(replace(s, id=m(s.id) or s.id, path=m(s.path)) for s in result.subjects)
    outcomes = tuple(replace(o, subject=m(o.subject) or o.subject, reason=reason(o.reason),
                             findings=tuple(replace(f, location=replace(f.location, file=m(f.location.file)))
                                            for f in o.findings))
                     for o in result.outcomes)
    return replace(result, subjects=tuple(sorted(subjects, key=lambda s: s.id)), outcomes=outcomes)


def _lint_system(task: SystemTask, profile_ref: str, generated_at: str) -> RunResult:
    from .api import lint

    when = _dt.datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    report = lint(list(task.abs_specs), profile=_profile(profile_ref), clock=lambda: when)
    shown = {os.path.normpath(a): s for a, s in zip(task.abs_specs, task.specs, strict=True)}
    return _relabel(report.result, shown)


def run_task(task: SystemTask, profile_ref: str, generated_at: str, marker_dir: str | None = None) -> Record:
    """Check one system. Never raises for a bad system: the failure becomes the record."""
    from .reporters import json as json_report

    marker = os.path.join(marker_dir, hashlib.sha256(task.id.encode()).hexdigest()) if marker_dir else None
    if marker:
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(task.id)
    try:
        result = _lint_system(task, profile_ref, generated_at)
        return {"id": task.id, "result": json_report.to_dict(result)}
    except ConformanceError as exc:
        return {"id": task.id, "error": str(exc)}
    except Exception as exc:  # a crash in one system is that system's outcome
        return {"id": task.id, "error": f"internal error: {type(exc).__name__}: {exc}"}
    finally:
        if marker and os.path.exists(marker):
            os.remove(marker)


def _started(marker_dir: str, task: SystemTask) -> bool:
    return os.path.exists(os.path.join(marker_dir, hashlib.sha256(task.id.encode()).hexdigest()))


# ---------------------------------------------------------------------------------------------
# Cache


def cache_key(task: SystemTask, profile_digest: str) -> str | None:
    """None when a spec cannot be read: then the worker reports it, uncached."""
    h = hashlib.sha256(f"conformance {__version__}\0{profile_digest}\0{CACHE_SCOPE}\0".encode())
    for shown, path in sorted(zip(task.specs, task.abs_specs, strict=True)):
        try:
            _, digest = yamlio.read_text(path)
        except SpecLoadError:
            return None
        h.update(f"{shown}\0{digest}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cache_get(cache_dir: str, key: str) -> dict[str, Any] | None:
    path = os.path.join(cache_dir, key + ".json")
    if not os.path.isfile(path):
        return None
    try:
        data = yamlio.load_file(path).data
    except SpecLoadError:
        return None  # a damaged entry is a miss, rewritten below
    if not isinstance(data, dict) or data.get("cache_version") != CACHE_VERSION or data.get("key") != key:
        return None
    result = data.get("result")
    return result if isinstance(result, dict) else None


def cache_put(cache_dir: str, key: str, result: dict[str, Any]) -> None:
    import json

    os.makedirs(cache_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"cache_version": CACHE_VERSION, "key": key, "result": result}, fh, ensure_ascii=False)
    os.replace(tmp, os.path.join(cache_dir, key + ".json"))  # readers never see half a file


# ---------------------------------------------------------------------------------------------
# Live checks: threads in this process (I/O bound; requests and schemathesis are thread-safe per
# session, and every run has its own GuardedSession).

LIVE_GRACE = 5.0  # seconds past a system's budget before it is given up on (the guard should end it first)


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


def run_live_task(task: SystemTask, profile_ref: str, generated_at: str,
                  settings: LiveSettings) -> dict[str, Any]:
    """Probe one system's base URLs within its time budget, shared between them. Never raises:
    ``{"id", "results": [RunResult], "targets": [{"base_url", "spec", "error"?}]}``."""
    from .api_live import run_live_test

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
            live = run_live_test(spec, base_url=url, profile=_profile(profile_ref), mode="probe",
                                 max_requests=settings.max_requests, rate=settings.rate,
                                 timeout=min(settings.timeout, share / 4), budget_seconds=share,
                                 auth=settings.auth, clock=lambda: when)
        except ConformanceError as exc:  # bad base URL, unreadable spec, missing credentials
            row["error"] = str(exc)
            continue
        except Exception as exc:  # a crash while checking one target is that target's outcome
            row["error"] = f"internal error: {type(exc).__name__}: {exc}"
            continue
        results.append(_relabel(live.result, {os.path.normpath(spec): shown}))
    return {"id": task.id, "results": results, "targets": rows}


def _live(tasks: Sequence[SystemTask], profile_ref: str, generated_at: str, settings: LiveSettings,
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
    from .reporters import json as json_report

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


# ---------------------------------------------------------------------------------------------
# Running


@dataclass(slots=True)
class BatchRun:
    tasks: list[SystemTask]
    records: dict[str, Record] = field(default_factory=dict)
    cached: int = 0
    crashed: int = 0


def _local(tasks: Sequence[SystemTask], args: tuple[str, str], jobs: int,
           done: Callable[[Record], None]) -> int:
    """Process pool with crash isolation; returns how many systems killed their worker."""
    marker_dir = tempfile.mkdtemp(prefix="conformance-batch-")
    crashed = 0
    try:
        queue: list[SystemTask] = list(tasks)
        suspects: list[SystemTask] = []
        while queue or suspects:
            alone = not queue
            batch = queue if queue else [suspects.pop(0)]
            unfinished = _round(batch, args, 1 if alone else jobs, marker_dir, done)
            if alone:
                for task in unfinished:
                    crashed += 1
                    done({"id": task.id, "error": "worker process crashed while checking this system"})
                continue
            queue = [t for t in unfinished if not _started(marker_dir, t)]
            suspects.extend(t for t in unfinished if _started(marker_dir, t))
            for name in os.listdir(marker_dir):
                os.remove(os.path.join(marker_dir, name))
    finally:
        shutil.rmtree(marker_dir, ignore_errors=True)
    return crashed


def _round(tasks: Sequence[SystemTask], args: tuple[str, str], jobs: int, marker_dir: str,
           done: Callable[[Record], None]) -> list[SystemTask]:
    unfinished: list[SystemTask] = []
    with cf.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks)))) as pool:
        futures = {pool.submit(run_task, t, *args, marker_dir): t for t in tasks}
        for fut in cf.as_completed(futures):
            try:
                done(fut.result())
            except BrokenProcessPool:
                unfinished.append(futures[fut])
            except Exception as exc:  # e.g. a result that cannot be sent back: still one system's problem
                done({"id": futures[fut].id, "error": f"worker failed: {type(exc).__name__}: {exc}"})
    return sorted(unfinished, key=lambda t: t.id)


def _dask(tasks: Sequence[SystemTask], args: tuple[str, str], address: str,
          done: Callable[[Record], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--scheduler needs the Dask 'distributed' package "
                         "(pip install distributed)") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        futures = client.map(run_task, list(tasks), profile_ref=args[0], generated_at=args[1], pure=False)
        by_future = dict(zip(futures, tasks, strict=True))
        for fut in as_completed(futures):
            try:
                done(fut.result())
            except Exception as exc:  # KilledWorker and the like: that system's record, not the batch's
                done({"id": by_future[fut].id, "error": f"worker failed: {type(exc).__name__}: {exc}"})


def run_batch(tasks: Sequence[SystemTask], *, profile: str, generated_at: str, jobs: int = 1,
              scheduler: str | None = None, cache_dir: str | None = None,
              progress: Callable[[str], None] | None = None, live: LiveSettings | None = None) -> BatchRun:
    """Check every task with specs; ``profile`` is a built-in name or a profile file path (workers
    resolve it themselves, so a file must be readable where they run). With ``live``, systems with
    base URLs are then probed on the wire (``live_tasks``) and the results merged into their records."""
    profile_ref = os.path.abspath(profile) if os.path.isfile(profile) else profile
    digest = _profile(profile_ref).digest
    run = BatchRun(tasks=list(tasks))
    keys: dict[str, str] = {}
    todo: list[SystemTask] = []
    for task in tasks:
        if not task.specs:
            continue
        key = cache_key(task, digest) if cache_dir else None
        hit = cache_get(cache_dir, key) if cache_dir and key else None
        if hit is not None:
            hit["generated_at"] = generated_at  # this run's time, so output is the same hit or miss
            run.records[task.id] = {"id": task.id, "result": hit}
            run.cached += 1
            if progress:
                progress(task.id)
            continue
        if key:
            keys[task.id] = key
        todo.append(task)

    def done(record: Record) -> None:
        run.records[record["id"]] = record
        if cache_dir and "result" in record and record["id"] in keys:
            cache_put(cache_dir, keys[record["id"]], record["result"])
        if progress:
            progress(record["id"])

    if todo:
        args = (profile_ref, generated_at)
        if scheduler:
            _dask(todo, args, scheduler, done)
        else:
            run.crashed = _local(todo, args, jobs, done)
    if live is not None:
        def live_done(result: dict[str, Any]) -> None:
            # After the cache write above: the cache keeps the static result only.
            run.records[result["id"]] = merge_live(run.records[result["id"]], result)
            if progress:
                progress(result["id"])

        probe: list[SystemTask] = []
        for task in live_tasks(tasks):
            if "result" in run.records.get(task.id, {}):
                probe.append(task)
            elif task.id in run.records:  # its spec could not be checked statically: nothing to probe against
                unchecked = [{"base_url": u, "spec": s, "error": "not checked: the spec could not be checked"}
                             for u, _a, s in live_targets(task)]
                run.records[task.id] = merge_live(run.records[task.id],
                                                  {"id": task.id, "results": [], "targets": unchecked})
        _live(probe, profile_ref, generated_at, live, live_done)
    return run


def live_tasks(tasks: Sequence[SystemTask]) -> list[SystemTask]:
    """The systems ``--live`` probes: those with a spec and at least one base URL."""
    return [t for t in tasks if live_targets(t)]


# ---------------------------------------------------------------------------------------------
# Roll-ups: per system, per agency, per province. Deterministic: sorted, no timings, no cache flags.

_STATUSES = ("ready", "not_ready", "error", "no_spec")


def result_file(system_id: str) -> str:
    """systems/<slug>-<hash>.json: readable, and distinct even when two ids slug alike."""
    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in system_id)[-60:].strip("._") or "system"
    return f"systems/{slug}-{hashlib.sha256(system_id.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}.json"


def system_row(task: SystemTask, record: Record | None) -> dict[str, Any]:
    from .policy import count
    from .reporters import json as json_report
    from .reporters.verdict import verdict

    row: dict[str, Any] = {"id": task.id, "name": task.name, "agency": task.agency,
                           "agency_name": task.agency_name, "province": task.province, "kind": task.kind,
                           "tier": task.tier, "specs": list(task.specs),
                           "errors": 0, "warnings": 0, "info": 0, "failing_rules": []}
    if not task.specs:
        return {**row, "status": "no_spec"}
    live = _live_row(record) if record is not None and "live" in record else None
    if live is not None:
        row["live"] = live
    if record is None or "result" not in record:
        return {**row, "status": "error", "error": (record or {}).get("error", "not run")}
    result = json_report.from_dict(record["result"])
    ready, _ = verdict(result)
    c = count(result)
    per_rule: dict[str, int] = {}
    for o in result.outcomes:
        n = sum(1 for f in o.findings if f.waiver is None) if o.status.value == "failed" else 0
        if n:
            per_rule[o.rule] = per_rule.get(o.rule, 0) + n
    top = sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))  # unwaived findings per rule
    if not row["name"]:
        row["name"] = next((s.title for s in result.subjects if s.title), "")
    status = "ready" if ready else "not_ready"
    unchecked = [t for t in (live or {}).get("targets", []) if t.get("error")]
    if unchecked:  # live checks were asked for and a target could not be probed: not fully checked
        status = "error"
        row["error"] = "; ".join(f"live {t['base_url']}: {t['error']}" for t in unchecked)
    return {**row, "status": status, "errors": c.errors, "warnings": c.warnings,
            "info": c.info, "failing_rules": [list(kv) for kv in top], "result": result_file(task.id)}


def _live_row(record: Record) -> dict[str, Any]:
    """What the roll-up shows of a system's live checks: per base URL, the live outcomes by status,
    and an overall status (error > failed > passed)."""
    from .reporters import json as json_report

    outcomes = json_report.from_dict(record["result"]).outcomes if "result" in record else ()
    targets = []
    for t in record["live"]["targets"]:
        subject = str(t["base_url"]).rstrip("/")
        counts: dict[str, int] = {}
        for o in outcomes:
            if o.subject == subject:
                counts[o.status.value] = counts.get(o.status.value, 0) + 1
        status = ("error" if t.get("error") or counts.get("error") else "failed" if counts.get("failed")
                  else "passed")
        targets.append({"base_url": t["base_url"], "spec": t["spec"], "status": status,
                        "outcomes": dict(sorted(counts.items())),
                        **({"error": t["error"]} if t.get("error") else {})})
    rank = {"passed": 0, "failed": 1, "error": 2}
    worst = max((t["status"] for t in targets), key=rank.__getitem__, default="passed")
    return {"status": worst, "targets": targets}


def _group(rows: list[dict[str, Any]], key: str, name_key: str | None) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault(r[key], {key: r[key], "name": "", "systems": 0, **{s: 0 for s in _STATUSES},
                                       "errors": 0, "warnings": 0, "info": 0})
        if name_key and r.get(name_key) and not g["name"]:
            g["name"] = r[name_key]
        g["systems"] += 1
        g[r["status"]] += 1
        for k in ("errors", "warnings", "info"):
            g[k] += r[k]
    return [groups[k] for k in sorted(groups, key=lambda k: (k == UNKNOWN, k))]


def rollup(run: BatchRun, *, profile: Any, generated_at: str, source: str) -> dict[str, Any]:
    from . import codelists

    rows = [system_row(t, run.records.get(t.id)) for t in sorted(run.tasks, key=lambda t: t.id)]
    provinces = _group(rows, "province", None)
    for p in provinces:
        p["name"] = codelists.province_name(p["province"]) or ""
    rules: dict[str, list[int]] = {}
    for r in rows:
        for rule, n in r["failing_rules"]:
            entry = rules.setdefault(rule, [0, 0])
            entry[0] += 1
            entry[1] += n
    totals = {"systems": len(rows), **{s: sum(1 for r in rows if r["status"] == s) for s in _STATUSES},
              **{k: sum(r[k] for r in rows) for k in ("errors", "warnings", "info")}}
    live_rows = [r["live"] for r in rows if "live" in r]
    if live_rows:  # only when --live ran: batch.json stays as it was otherwise
        totals["live"] = {"systems": len(live_rows),
                          **{s: sum(1 for lr in live_rows if lr["status"] == s)
                             for s in ("passed", "failed", "error")}}
    return {
        "batch_version": 1,
        "tool": {"name": "conformance", "version": __version__},
        "profile": {"name": profile.name, "version": profile.version, "digest": profile.digest},
        "generated_at": generated_at,
        "source": source,
        "totals": totals,
        "provinces": provinces,
        "agencies": _group(rows, "agency", "agency_name"),
        "top_rules": [{"rule": k, "systems": v[0], "findings": v[1]}
                      for k, v in sorted(rules.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:15]],
        "systems": rows,
    }
