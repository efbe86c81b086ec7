"""Batch runs: check a whole onboarding queue, in parallel, skipping what has not changed.

Input is a FOLDER (every OpenAPI document is one system; agency and province "unknown") or an
INVENTORY (``inventory.load_inventory``: systems with their specs, owner agency and province).
Each system is one task, run in a local process pool (default) or on a Dask cluster; both call
the same ``run_task`` and return plain JSON-able dicts, so the results are identical.

One system never stops the others: an exception becomes an error record, and a worker process that
dies (segfault, ``os._exit``) breaks only its round: tasks that had started are retried alone, and
the one that kills its own pool is recorded as crashed.

Cache: one JSON file per (tool version, profile digest, spec paths and contents) key.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import hashlib
import os
import shutil
import tempfile
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
                       kind=s.kind, tier=s.level or "")
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
    h = hashlib.sha256(f"conformance {__version__}\0{profile_digest}\0".encode())
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
        queue, suspects = list(tasks), []
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
              progress: Callable[[str], None] | None = None) -> BatchRun:
    """Check every task with specs; ``profile`` is a built-in name or a profile file path (workers
    resolve it themselves, so a file must be readable where they run)."""
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
    return run


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
    return {**row, "status": "ready" if ready else "not_ready", "errors": c.errors, "warnings": c.warnings,
            "info": c.info, "failing_rules": [list(kv) for kv in top], "result": result_file(task.id)}


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
