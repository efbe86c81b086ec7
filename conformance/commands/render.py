"""`conformance render RESULT.json`: re-render a saved result in other formats without re-running."""

from __future__ import annotations

import argparse
import os

from ..cli import EXIT_OK, add_common, out, write_output
from ..errors import UsageError

_DEFAULT_FORMATS = "html,sarif,junit,md"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..reporters import FILE_NAMES

    p = sub.add_parser(
        "render",
        help="re-render a saved JSON result (HTML, SARIF, JUnit, Markdown)",
        description="Write reports from a result saved with --format json, without re-running "
        "any check. The same result always gives the same bytes.",
    )
    p.add_argument(
        "result", metavar="RESULT.json", help="a result written by `conformance lint --format json`"
    )
    p.add_argument(
        "--format",
        default=_DEFAULT_FORMATS,
        metavar="LIST",
        help=f"comma-separated formats among {', '.join(FILE_NAMES)} (default {_DEFAULT_FORMATS})",
    )
    p.add_argument(
        "--output-dir",
        "-d",
        default="reports",
        metavar="DIR",
        help="folder for the reports (default reports/); file names: "
        + ", ".join(f"{k}={v}" for k, v in FILE_NAMES.items()),
    )
    p.add_argument(
        "--root",
        default=".",
        metavar="DIR",
        help="folder the spec paths in the result are relative to, for HTML excerpts (default .)",
    )
    add_common(p)
    p.set_defaults(handler=run)
    # Reports default to Vietnamese (issue 6); --lang or $CONFORMANCE_LANG still win.
    p.set_defaults(lang=os.environ.get("CONFORMANCE_LANG", "vi"))


def run(args: argparse.Namespace) -> int:
    from ..reporters import FILE_NAMES, REPORTERS
    from ..reporters import json as json_report

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in REPORTERS]
    if not formats or unknown:
        raise UsageError(
            f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(REPORTERS)}"
        )
    try:
        with open(args.result, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {args.result}: {exc}", file=args.result) from None
    result = json_report.loads(text, path=args.result)
    extras = {}
    if "html" in formats:
        from ..reporters.excerpts import collect_excerpts

        extras["excerpts"] = collect_excerpts(result, root=args.root)
    for fmt in dict.fromkeys(formats):
        path = os.path.join(args.output_dir, FILE_NAMES[fmt])
        write_output(REPORTERS[fmt](result, lang=args.lang, extras=extras), path)
        out(f"{path}\n")
    return EXIT_OK
