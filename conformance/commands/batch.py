"""`conformance batch INVENTORY|FOLDER`: check an onboarding queue in parallel, with roll-ups.

Writes OUTPUT_DIR/batch.json (per-system, per-agency, per-province roll-up), OUTPUT_DIR/dashboard.html
and OUTPUT_DIR/systems/*.json (each system's full result, re-renderable with `conformance render`).
Exit 0 when every system is ready, 1 when some are not (or could not be checked), 2 on unusable input.

``--live`` (opt-in) also probes, in probe mode only (GET/HEAD/OPTIONS, budgets as in `conformance
test`), every inventory system that declares ``base_urls`` and a spec, ``--live-concurrency``
systems at a time, each within ``--live-budget`` seconds. ``--auth`` applies the same credentials
to every system (one operator token for the whole queue, read from the environment; give systems
that need different credentials their own run). Live results are never cached (see batch/cache.py).
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
    from ..batch import BatchRun, LiveSettings
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
    g = p.add_argument_group("live checks (opt-in, probe mode only)")
    g.add_argument("--live", action="store_true",
                   help="also probe systems that declare base_urls (inventory input), never cached")
    g.add_argument("--live-budget", type=float, default=60.0, metavar="S",
                   help="seconds per system for its live checks, all its base URLs together (default 60)")
    g.add_argument("--live-concurrency", type=int, default=4, metavar="N",
                   help="systems probed at once (default 4)")
    g.add_argument("--live-max-requests", type=int, default=100, metavar="N",
                   help="request budget per base URL (default 100)")
    g.add_argument("--live-rate", type=float, default=10.0, metavar="R",
                   help="requests per second per base URL (default 10)")
    g.add_argument("--live-timeout", type=float, default=10.0, metavar="S",
                   help="seconds per request (default 10; capped to fit the system's budget)")
    g.add_argument("--auth", metavar="SPEC", help="bearer:ENV | header:NAME:ENV | oauth2[:SCOPES], used for "
                   "every system; secrets only from environment variables")
    g.add_argument("--client-id-env", metavar="ENV", help="environment variable holding the OAuth2 client id")
    g.add_argument("--client-secret-env", metavar="ENV",
                   help="environment variable holding the OAuth2 secret")
    add_common(p)
    p.set_defaults(handler=run)
    p.set_defaults(lang=os.environ.get("CONFORMANCE_LANG", "vi"))  # reports default to Vietnamese


def run(args: argparse.Namespace) -> int:
    from ..api import timestamp
    from ..batch import live_tasks, load_tasks, result_file, rollup, run_batch
    from ..errors import UsageError
    from ..profiles import resolve_profile
    from ..reporters import dashboard

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    live = _live_settings(args)  # bad live options or missing credentials stop the run before any work
    profile = resolve_profile(args.profile)  # profile errors stop everything before any work
    tasks = load_tasks(args.source)
    waivers = None
    if args.waivers:  # a bad waivers file stops the run before any work, like a bad profile
        from ..waivers import load_waivers, parse_date

        waivers = load_waivers(args.waivers)
        today = parse_date(args.today) if args.today else clock_from(args)().date()
    generated_at = timestamp(clock_from(args))
    started = time.monotonic()
    probed = len(live_tasks(tasks)) if live is not None else 0
    progress = Progress(sum(1 for t in tasks if t.specs) + probed, enabled=not args.quiet)
    try:
        batch = run_batch(tasks, profile=args.profile, generated_at=generated_at, jobs=args.jobs,
                          scheduler=args.scheduler, cache_dir=args.cache, progress=progress, live=live)
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
            f"{f', {probed} probed live' if live is not None else ''}"
            f"{f', {batch.crashed} crashed a worker' if batch.crashed else ''}; "
            f"{time.monotonic() - started:.1f}s\n{os.path.join(args.output_dir, 'dashboard.html')}\n",
            err=True)
    checked = totals["systems"] - totals["no_spec"]
    return EXIT_OK if totals["ready"] == checked else EXIT_FAIL


def _live_settings(args: argparse.Namespace) -> LiveSettings | None:
    from ..api_live import AuthConfig, authenticator
    from ..batch import LiveSettings
    from ..errors import UsageError

    if not args.live:
        if args.auth:
            raise UsageError("--auth is for live checks: add --live")
        return None
    for name, value in (("live-budget", args.live_budget), ("live-concurrency", args.live_concurrency),
                        ("live-max-requests", args.live_max_requests), ("live-rate", args.live_rate),
                        ("live-timeout", args.live_timeout)):
        if value <= 0:
            raise UsageError(f"--{name} must be positive")
    auth = None
    if args.auth:
        auth = AuthConfig.parse(args.auth, client_id_env=args.client_id_env,
                                client_secret_env=args.client_secret_env)
        # Read the variables now: a missing one is one usage error, not an error per system.
        if auth.kind == "oauth2":  # the token URL comes from each system's spec (on its own host)
            for env in (auth.client_id_env, auth.client_secret_env):
                if not os.environ.get(env):
                    raise UsageError(f"environment variable {env} is not set or empty")
        else:
            authenticator(auth, None)
    return LiveSettings(budget_seconds=args.live_budget, concurrency=args.live_concurrency,
                        max_requests=args.live_max_requests, rate=args.live_rate, timeout=args.live_timeout,
                        auth=auth)


def _apply_waivers(batch: BatchRun, waivers: list[Waiver], today: _dt.date) -> None:
    """Waivers apply after the cache (which keeps unwaived results), so expiry is judged each run."""
    from ..reporters import json as json_report
    from ..waivers import apply_waivers

    for record in batch.records.values():
        if "result" in record:
            waived = apply_waivers(json_report.from_dict(record["result"]), waivers, today=today)
            record["result"] = json_report.to_dict(waived)
