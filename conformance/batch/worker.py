"""The worker side of a batch: check one system, wherever it runs.

``run_task`` runs in a local worker process or on a Dask worker, so this module must stay
importable there and ``run_task`` picklable by reference (Dask ships the function's name). It
never raises for a bad system: the failure becomes that system's record. A marker file, present
while a task runs, lets the local scheduler tell which tasks had started when a worker died.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ..errors import ConformanceError
from ..model import RunResult
from .tasks import Record, SystemTask


@lru_cache(maxsize=8)
def resolved_profile(ref: str) -> Any:
    """The resolved profile, once per process (every task of a worker uses the same one)."""
    from ..profiles import resolve_profile

    return resolve_profile(ref)


def relabel(result: RunResult, names: dict[str, str]) -> RunResult:
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
    from ..api import lint

    when = _dt.datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    report = lint(list(task.abs_specs), profile=resolved_profile(profile_ref), clock=lambda: when)
    shown = {os.path.normpath(a): s for a, s in zip(task.abs_specs, task.specs, strict=True)}
    return relabel(report.result, shown)


def run_task(task: SystemTask, profile_ref: str, generated_at: str, marker_dir: str | None = None) -> Record:
    """Check one system. Never raises for a bad system: the failure becomes the record."""
    from ..reporters import json as json_report

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


def started(marker_dir: str, task: SystemTask) -> bool:
    """The task began in a worker and did not finish: its marker was left behind."""
    return os.path.exists(os.path.join(marker_dir, hashlib.sha256(task.id.encode()).hexdigest()))

