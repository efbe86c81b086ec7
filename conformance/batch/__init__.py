"""Batch runs: check a whole onboarding queue, in parallel, skipping what has not changed.

Input is a FOLDER (every OpenAPI document is one system) or an INVENTORY (systems with their
specs, owner agency and province): ``tasks``. Each system is one task, checked by
``worker.run_task`` in a local process pool or on a Dask cluster (``schedulers``); one system
never stops the others. ``runner.run_batch`` skips systems whose static result is in the
``cache``, and with ``--live`` then probes inventory systems on the wire (``live``). ``rollups``
turns the records into the per-system, per-agency and per-province roll-up (``batch.json``) that
the dashboard renders.
"""

from .live import LiveSettings, live_tasks, merge_live
from .rollups import result_file, rollup, system_row
from .runner import BatchRun, run_batch
from .tasks import UNKNOWN, Record, SystemTask, load_tasks

__all__ = ["UNKNOWN", "BatchRun", "LiveSettings", "Record", "SystemTask", "live_tasks", "load_tasks",
           "merge_live", "result_file", "rollup", "run_batch", "system_row"]
