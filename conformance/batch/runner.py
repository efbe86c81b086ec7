"""Running a batch: cache lookups, the static checks on a scheduler, then the live checks.

Live checks run after the static phase, not beside it: forking worker processes while threads are
mid-request can copy held locks into the child.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cache import cache_get, cache_key, cache_put
from .live import LiveSettings, live_targets, live_tasks, merge_live, run_live
from .schedulers import run_dask, run_local
from .tasks import Record, SystemTask
from .worker import resolved_profile


@dataclass(slots=True)
class BatchRun:
    """A batch's outcome: a record per checked system, and how many came from the cache or
    crashed their worker."""

    tasks: list[SystemTask]
    records: dict[str, Record] = field(default_factory=dict)
    cached: int = 0
    crashed: int = 0


def run_batch(tasks: Sequence[SystemTask], *, profile: str, generated_at: str, jobs: int = 1,
              scheduler: str | None = None, cache_dir: str | None = None,
              progress: Callable[[str], None] | None = None, live: LiveSettings | None = None) -> BatchRun:
    """Check every task with specs; ``profile`` is a built-in name or a profile file path (workers
    resolve it themselves, so a file must be readable where they run). With ``live``, systems with
    base URLs are then probed on the wire (``live_tasks``) and the results merged into their records."""
    profile_ref = os.path.abspath(profile) if os.path.isfile(profile) else profile
    digest = resolved_profile(profile_ref).digest
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
            run_dask(todo, args, scheduler, done)
        else:
            run.crashed = run_local(todo, args, jobs, done)
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
        run_live(probe, profile_ref, generated_at, live, live_done)
    return run
