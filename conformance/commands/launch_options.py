"""`--image` / `--command` and friends for commands that test a running system: start it, test it,
clean up. Wiring in a command is three lines:

    add_launch_options(p)                                   # in register()
    with launched_base_url(args) as launched:               # in run()
        live = run_live_test(..., base_url=launched.base_url, ...)

``launched.notes()`` (after the block) names what was started and quotes the tail of its log;
``launched.report()`` is the same as data for a report's extras.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import UsageError

if TYPE_CHECKING:
    from ..launchers import Launcher

NOTE_LINES = 20


def add_launch_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("start the system under test (instead of --base-url)")
    g.add_argument("--image", metavar="IMAGE",
                   help="start a container of this local Docker image (never pulled), test it, remove it")
    # dest: args.command already names the subcommand
    g.add_argument("--command", dest="launch_command", metavar='"CMD {port}"',
                   help="start this local process instead ({port} and $PORT give it the port); no shell")
    g.add_argument("--container-port", type=int, metavar="N", help="port the image listens on (default 8080)")
    g.add_argument("--env", action="append", default=[], metavar="NAME=ENV_VAR",
                   help="set NAME in the system's environment from environment variable ENV_VAR (repeatable)")
    g.add_argument("--health-path", metavar="P", help="path polled until it answers below 500 (default /)")
    g.add_argument("--startup-timeout", type=float, metavar="S", help="seconds to wait for it (default 60)")
    g.add_argument("--host-port", type=int, metavar="N", help="port on 127.0.0.1 (default: a free one)")
    g.add_argument("--base-path", metavar="P",
                   help="API root under the started system (default: the path of the spec's first "
                        "servers URL)")


def make_launcher(*, image: str | None = None, command: str | Sequence[str] | None = None,
                  container_port: int | None = None, env: Sequence[str] | Mapping[str, str] | None = None,
                  health_path: str | None = None, startup_timeout: float | None = None,
                  host_port: int | None = None) -> Launcher | None:
    """The launcher that options or ``conformance.yaml`` ask for, or ``None`` for neither."""
    if image and command:
        raise UsageError("give either --image or --command, not both")
    from ..launchers import (
        DEFAULT_CONTAINER_PORT,
        DEFAULT_HEALTH_PATH,
        DEFAULT_STARTUP_TIMEOUT,
        DockerLauncher,
        ProcessLauncher,
    )

    common: dict[str, Any] = {
        "env": env, "host_port": host_port,
        "health_path": DEFAULT_HEALTH_PATH if health_path is None else health_path,
        "startup_timeout": DEFAULT_STARTUP_TIMEOUT if startup_timeout is None else startup_timeout}
    if image:
        port = DEFAULT_CONTAINER_PORT if container_port is None else container_port
        return DockerLauncher(image, container_port=port, **common)
    if command:
        if container_port is not None:
            raise UsageError("--container-port applies to --image only")
        return ProcessLauncher(command, **common)
    if container_port is not None or env or health_path is not None or startup_timeout is not None:
        raise UsageError("--container-port, --env, --health-path and --startup-timeout need --image or "
                         "--command")
    return None


def spec_base_path(spec: str | None) -> str:
    """``/motcua/1.0`` from ``servers: [{url: https://host/motcua/1.0}]``; ``""`` when there is none."""
    if not spec:
        return ""
    from ..specs import load_spec

    try:
        data = load_spec(spec).data
        url = data["servers"][0]["url"]
    except Exception:  # the live run reports an unusable spec properly; here it only means "no path"
        return ""
    return urlsplit(str(url)).path.rstrip("/") if isinstance(url, str) and "{" not in url else ""


@dataclass(slots=True)
class Launched:
    """What ``launched_base_url`` started: ``base_url`` is where to send requests (the launched
    system's, or ``--base-url`` when nothing was launched)."""

    base_url: str | None
    launcher: Any = None
    what: str = ""
    extra_notes: list[str] = field(default_factory=list)

    def log_tail(self) -> list[str]:
        return self.launcher.log_tail() if self.launcher is not None else []

    def notes(self) -> list[str]:
        if self.launcher is None:
            return []
        tail = self.log_tail()
        lines = [*self.extra_notes, f"started {self.what} at {self.base_url}; removed after the run"]
        if tail:
            lines.append(f"last {min(len(tail), NOTE_LINES)} log lines of the system under test:")
            lines += [f"  | {line}" for line in tail[-NOTE_LINES:]]
        return lines

    def report(self) -> dict[str, Any]:
        """For a report's extras: ``{"launch": {...}}``, or ``{}`` when nothing was launched."""
        if self.launcher is None:
            return {}
        return {"launch": {"what": self.what, "base_url": self.base_url, "log_tail": self.log_tail()}}


def with_log_tail(result: Any, tail: list[str]) -> Any:
    """The result with the launched system's last log lines on its endpoint subject (for reports)."""
    if not tail:
        return result
    from dataclasses import replace

    subjects = tuple(replace(s, log_tail=tuple(tail[-NOTE_LINES:])) if s.kind == "endpoint" else s
                     for s in result.subjects)
    return replace(result, subjects=subjects)


@contextmanager
def launched_base_url(args: argparse.Namespace) -> Iterator[Launched]:
    """Start what ``--image``/``--command`` ask for (else pass ``--base-url`` through) and clean up
    on leaving, whatever happens. A launch failure is a one-line ``LaunchError`` (exit 2)."""
    from ..launchers import DockerLauncher

    opt = {name: getattr(args, name, None) for name in ("image", "launch_command", "container_port", "env",
                                                          "health_path", "startup_timeout", "host_port")}
    launcher = make_launcher(image=opt["image"], command=opt["launch_command"], env=opt["env"],
                             container_port=opt["container_port"], health_path=opt["health_path"],
                             startup_timeout=opt["startup_timeout"], host_port=opt["host_port"])
    given = getattr(args, "base_url", None)
    if launcher is None:
        if getattr(args, "host_port", None) or getattr(args, "base_path", None):
            raise UsageError("--host-port and --base-path need --image or --command")
        if not given:
            raise UsageError("give --base-url URL, or start the system with --image IMAGE or --command CMD")
        yield Launched(base_url=given)
        return
    if given:
        raise UsageError("give either --base-url or --image/--command, not both")
    base_path = args.base_path if getattr(args, "base_path", None) is not None else spec_base_path(args.spec)
    notes = []
    if base_path and getattr(args, "base_path", None) is None:
        notes.append(f"base path {base_path} taken from the spec's servers (change it with --base-path)")
    if base_path and not base_path.startswith("/"):
        raise UsageError(f"--base-path {base_path!r} must start with /")
    what = (f"container {launcher.name} of image {launcher.image}" if isinstance(launcher, DockerLauncher)
            else f"process `{args.launch_command}`")
    launched = Launched(base_url=None, launcher=launcher, what=what, extra_notes=notes)
    with launcher as root:
        launched.base_url = root + base_path.rstrip("/")
        yield launched
