"""Command line: parse arguments, call ``api``, render, write, set the exit code. Nothing more.

Exit codes: 0 nothing at or above ``--fail-on``; 1 something is; 2 usage, profile or load error
(one line on stderr naming the file and place, never a traceback unless ``--debug``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .errors import ConformanceError, UsageError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default prints usage; one line is enough
        self.exit(EXIT_ERROR, f"conformance: error: {message} (see --help)\n")


def out(text: str, *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text)
    stream.flush()


class Progress:
    """A one-line progress bar on stderr, only when it is a terminal and there is more than one item."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled and total > 1 and sys.stderr.isatty()

    def __call__(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            label = label if len(label) < 50 else "…" + label[-49:]
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label:<50}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


def clock_from(args: argparse.Namespace) -> Callable[[], _dt.datetime]:
    from .api import default_clock

    stamp = getattr(args, "timestamp", None)
    if not stamp:
        return default_clock
    try:
        when = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--timestamp {stamp!r} is not an ISO 8601 date-time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return lambda: when


def write_output(text: str | bytes, output: str | None) -> None:
    """Write a report to a file or stdout; ``bytes`` are UTF-8 already (a 50 MB JSON result is
    not decoded only to be encoded again)."""
    if output:
        folder = os.path.dirname(output)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if isinstance(text, bytes):
            with open(output, "wb") as fh:
                fh.write(text)
        else:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
    elif isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    else:
        out(text)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("vi", "en"), default=os.environ.get("CONFORMANCE_LANG", "en"),
                   help="language of messages (default: en, or $CONFORMANCE_LANG)")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def add_load_options(p: argparse.ArgumentParser) -> None:
    from .yamlio import DEFAULT_LIMITS as d

    g = p.add_argument_group("document safety limits")
    g.add_argument("--max-bytes", type=int, default=d.max_bytes, help=f"largest document (default {d.max_bytes})")
    g.add_argument("--max-depth", type=int, default=d.max_depth, help=f"deepest nesting (default {d.max_depth})")
    g.add_argument("--max-aliases", type=int, default=d.max_aliases,
                   help=f"most YAML alias references (default {d.max_aliases})")
    g.add_argument("--allow-remote-refs", action="store_true",
                   help="follow https $refs to hosts given with --allow-host (off by default)")
    g.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="host that remote $refs may reach (with --allow-remote-refs)")
    g.add_argument("--ref-map", action="append", default=[], metavar="PREFIX=DIR",
                   help="read $refs starting with URL PREFIX from local folder DIR")


def limits_and_refs(args: argparse.Namespace) -> tuple[Any, Any]:
    from .specs import RefPolicy
    from .yamlio import Limits

    for name in ("max_bytes", "max_depth", "max_aliases"):
        if getattr(args, name) <= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be positive")
    limits = Limits(max_bytes=args.max_bytes, max_depth=args.max_depth, max_aliases=args.max_aliases)
    url_map = {}
    for item in args.ref_map:
        prefix, sep, folder = item.partition("=")
        if not sep or not prefix or not folder:
            raise UsageError(f"--ref-map {item!r}: expected PREFIX=DIR")
        if not os.path.isdir(folder):
            raise UsageError(f"--ref-map {item!r}: no such folder", file=folder)
        url_map[prefix] = folder
    if args.allow_host and not args.allow_remote_refs:
        raise UsageError("--allow-host needs --allow-remote-refs")
    refs = RefPolicy(allow_remote=args.allow_remote_refs, allowed_hosts=tuple(args.allow_host), url_map=url_map)
    return limits, refs


def build_parser() -> argparse.ArgumentParser:
    from .commands import COMMANDS

    parser = _Parser(prog="conformance",
                     description="Check that an agency system is ready for Vietnam's shared integration "
                                 "platforms (NDXP, LGSP, NDOP, DVCQG, VNeID).")
    parser.add_argument("--version", action="version", version=f"conformance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for register in COMMANDS:
        register(sub)
    return parser


def entry() -> None:
    """The console script and ``python -m conformance``: ``main``, then a fast exit.

    Everything a command opens (servers, containers, pools, files) is closed inside ``main``;
    what is left is the interpreter freeing every object one by one, ~20 ms for a 4 MB document
    and ~60 ms for a 13 MB one, which the OS does at once. The in-process API never exits."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be written
            pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors: argparse has already printed
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(args.handler(args))
    except ConformanceError as exc:
        out(f"conformance: error: {exc}\n", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        out("conformance: interrupted\n", err=True)
        return 130
    except BrokenPipeError:  # e.g. `conformance rules | head`
        return EXIT_OK
    except Exception as exc:  # an internal error: one line, unless asked for the traceback
        if getattr(args, "debug", False):
            traceback.print_exc()
        out(f"conformance: internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)\n",
            err=True)
        return EXIT_ERROR
