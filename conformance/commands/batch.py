"""`conformance batch INVENTORY|FOLDER`: check an onboarding queue in parallel, with roll-ups.

Writes OUTPUT_DIR/batch.json (per-system, per-agency, per-province roll-up), OUTPUT_DIR/dashboard.html
and OUTPUT_DIR/systems/*.json (each system's full result, re-renderable with `conformance render`).
Exit 0 when every system is ready, 1 when some are not (or could not be checked), 2 on unusable input.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import time
from typing import TYPE_CHECKING

from ..cli import EXIT_FAIL, EXIT_OK, Progress, add_common, clock_from, out, write_output

if TYPE_CHECKING:
    from ..batch import BatchRun
    from ..waivers import Waiver


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("batch", help="check many systems (an inventory or a folder of specs) in parallel",
                       description="Check every system of an inventory (or every OpenAPI document of a "
                                   "folder) "
                                   "in parallel, skip unchanged ones with --cache, and write per-system, "
                                   "per-agency and per-province roll-ups (JSON and an HTML dashboard).")
    p.add_argument("source", metavar="INVENTORY|FOLDER",
                   help="inventory (YAML/JSON, CSV pair folder) or a folder of OpenAPI documents")
    p.add_argument("--profile", default="vn-full",
                   help="built-in profile name or profile file (default vn-full)")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="local worker processes (default: number of CPUs)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask scheduler instead of local processes (needs `distributed`)")
    p.add_argument("--cache", metavar="DIR", help="reuse results of unchanged systems (key: spec contents, "
                   "profile digest, tool version)")
    p.add_argument("--output-dir", "-d", default="reports/batch", metavar="DIR",
                   help="folder for batch.json, dashboard.html and systems/ (default reports/batch)")
    p.add_argument("--timestamp", metavar="ISO8601",
                   help="time to record (default now, or $SOURCE_DATE_EPOCH)")
    p.add_argument("--waivers", metavar="FILE", help="apply this waivers file to every system's result")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="date waivers are judged against (default: today)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    add_common(p)
    p.set_defaults(handler=run)
    p.set_defaults(lang=os.environ.get("CONFORMANCE_LANG", "vi"))  # reports default to Vietnamese


def run(args: argparse.Namespace) -> int:
    from ..api import timestamp
    from ..batch import load_tasks, result_file, rollup, run_batch
    from ..errors import UsageError
    from ..profiles import resolve_profile
    from ..reporters import dashboard

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    profile = resolve_profile(args.profile)  # profile errors stop everything before any work
    tasks = load_tasks(args.source)
    waivers = None
    if args.waivers:  # a bad waivers file stops the run before any work, like a bad profile
        from ..waivers import load_waivers, parse_date

        waivers = load_waivers(args.waivers)
        today = parse_date(args.today) if args.today else clock_from(args)().date()
    generated_at = timestamp(clock_from(args))
    started = time.monotonic()
    progress = Progress(sum(1 for t in tasks if t.specs), enabled=not args.quiet)
    try:
        batch = run_batch(tasks, profile=args.profile, generated_at=generated_at, jobs=args.jobs,
                          scheduler=args.scheduler, cache_dir=args.cache, progress=progress)
    finally:
        progress.close()
    if waivers is not None:
        _apply_waivers(batch, waivers, today)
    data = rollup(batch, profile=profile, generated_at=generated_at, source=args.source)
    for row in data["systems"]:
        record = batch.records.get(row["id"])
        if record is not None and "result" in record:
            # Already the result contract's dict; compact, because the C encoder is ~20x faster than
            # indented output and a queue's results run to hundreds of MB. `render` reads it as is.
            write_output(json.dumps(record["result"], ensure_ascii=False, separators=(",", ":")) + "\n",
                         os.path.join(args.output_dir, result_file(row["id"])))
    write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                 os.path.join(args.output_dir, "batch.json"))
    write_output(dashboard.render(data, lang=args.lang), os.path.join(args.output_dir, "dashboard.html"))
    totals = data["totals"]
    if not args.quiet:
        out(f"{totals['systems']} systems: {totals['ready']} ready, {totals['not_ready']} not ready, "
            f"{totals['error']} could not be checked, {totals['no_spec']} without spec; "
            f"{batch.cached} from cache"
            f"{f', {batch.crashed} crashed a worker' if batch.crashed else ''}; "
            f"{time.monotonic() - started:.1f}s\n{os.path.join(args.output_dir, 'dashboard.html')}\n",
            err=True)
    checked = totals["systems"] - totals["no_spec"]
    return EXIT_OK if totals["ready"] == checked else EXIT_FAIL


def _apply_waivers(batch: BatchRun, waivers: list[Waiver], today: _dt.date) -> None:
    """Waivers apply after the cache (which keeps unwaived results), so expiry is judged each run."""
    from ..reporters import json as json_report
    from ..waivers import apply_waivers

    for record in batch.records.values():
        if "result" in record:
            waived = apply_waivers(json_report.from_dict(record["result"]), waivers, today=today)
            record["result"] = json_report.to_dict(waived)
