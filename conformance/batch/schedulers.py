"""Where a batch's static checks run: a local process pool, or a Dask cluster.

Both call the same ``worker.run_task`` and get plain JSON-able records back, so the results are
identical. One system never stops the others: an exception is already that system's record, and
a worker process that dies (segfault, ``os._exit``) breaks only its round of the local pool: tasks
that had started are retried alone, and the one that kills its own pool is recorded as crashed.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool

from ..errors import UsageError
from .tasks import Record, SystemTask
from .worker import run_task, started


def run_local(tasks: Sequence[SystemTask], args: tuple[str, str], jobs: int,
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
            queue = [t for t in unfinished if not started(marker_dir, t)]
            suspects.extend(t for t in unfinished if started(marker_dir, t))
            for name in os.listdir(marker_dir):
                os.remove(os.path.join(marker_dir, name))
    finally:
        shutil.rmtree(marker_dir, ignore_errors=True)
    return crashed


def _round(tasks: Sequence[SystemTask], args: tuple[str, str], jobs: int, marker_dir: str,
           done: Callable[[Record], None]) -> list[SystemTask]:
    """One pool over ``tasks``; returns those left unfinished when a worker died (a broken pool
    fails every task it had not finished, started or not)."""
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


def run_dask(tasks: Sequence[SystemTask], args: tuple[str, str], address: str,
             done: Callable[[Record], None]) -> None:
    """On the Dask scheduler at ``address``; a task whose worker fails is that system's error."""
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

