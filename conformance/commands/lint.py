"""`conformance lint SPEC...`: static rules over OpenAPI documents."""

from __future__ import annotations

import argparse
import os

from ..cli import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_OK,
    Progress,
    add_common,
    add_load_options,
    clock_from,
    limits_and_refs,
    out,
    write_output,
)
from ..model import RunResult, Severity


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("lint", help="check OpenAPI documents against a profile's static rules",
                       description="Check OpenAPI documents (files or folders) against a profile's static rules.")
    p.add_argument("specs", nargs="+", metavar="SPEC", help="OpenAPI document or folder of documents")
    p.add_argument("--profile", default="vn-full", help="built-in profile name or profile file (default vn-full)")
    p.add_argument("--format", choices=("text", "json", "html", "sarif", "junit", "md"), default="text",
                   help="report format (default text); html/sarif/junit/md are best written with -o")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when a finding is at or above this severity (default error)")
    p.add_argument("--timestamp", metavar="ISO8601", help="time to record in the result (default now, "
                   "or $SOURCE_DATE_EPOCH); fixes the output bytes")
    p.add_argument("--baseline", metavar="PREVIOUS.json",
                   help="fail only on findings that are not in this earlier JSON result")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="documents linted at once in worker processes (default: the number of CPUs)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--verbose", "-v", action="store_true", help="also list skipped rules")
    add_load_options(p)
    add_common(p)
    p.set_defaults(handler=run)


def exit_code(result: RunResult, fail_on: str) -> int:
    worst = result.worst()
    return EXIT_FAIL if worst is not None and worst.rank >= Severity(fail_on).rank else EXIT_OK


def run(args: argparse.Namespace) -> int:
    from ..api import collect_specs, lint
    from ..profiles import resolve_profile
    from ..reporters import json as json_report
    from ..reporters import text as text_report

    limits, refs = limits_and_refs(args)
    profile = resolve_profile(args.profile)  # profile errors stop everything before any work
    files = collect_specs(args.specs)
    progress = Progress(len(files), enabled=not args.quiet)
    try:
        jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
        report = lint(files, profile=profile, clock=clock_from(args), limits=limits, refs=refs,
                      progress=progress, lang=args.lang, jobs=jobs)
    finally:
        progress.close()
    for problem in report.load_problems:
        out(f"conformance: error: {problem.message}\n", err=True)
    text: str | bytes
    if args.format == "json":
        text = json_report.dumps_bytes(report.result)
    elif args.format == "text":
        text = text_report.render(report.result, lang=args.lang, verbose=args.verbose)
    else:
        from ..reporters import REPORTERS

        extras = {}
        if args.format == "html":
            from ..reporters.excerpts import collect_excerpts

            extras["excerpts"] = collect_excerpts(report.result)
        text = REPORTERS[args.format](report.result, lang=args.lang, extras=extras)
    write_output(text, args.output)
    if report.load_problems:
        return EXIT_ERROR
    if args.baseline:
        from ..baseline import baseline_exit_code

        return baseline_exit_code(report.result, args.baseline, args.fail_on)
    return exit_code(report.result, args.fail_on)
