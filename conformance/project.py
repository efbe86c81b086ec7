"""`conformance.yaml`: what to check for one or more systems, and which reports to write.

The file is validated against ``builtin/schemas/project.schema.json`` before anything runs; paths in
it are relative to the file. ``run_project`` runs static, live and graph checks and merges them into
one ``RunResult`` under the project's profile.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import yamlio
from .api import Clock, default_clock, lint, make_result
from .errors import SpecLoadError, UsageError
from .model import Outcome, RunResult, Subject
from .profiles import ResolvedProfile, resolve_profile
from .schemas import validate

DEFAULT_FORMATS = ("html", "json", "sarif", "junit", "md")


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveTarget:
    base_url: str | None = None
    mode: str = "probe"
    auth: Mapping[str, str] = field(default_factory=dict)  # environment variable *names* only
    max_requests: int = 300
    environment: str | None = None
    # Start the system under test instead of (or before) using base_url: see conformance.launchers.
    image: str | None = None
    command: str | None = None
    container_port: int | None = None
    env: Mapping[str, str] = field(default_factory=dict)  # NAME -> name of the variable holding its value
    health_path: str | None = None
    startup_timeout: float | None = None
    base_path: str | None = None  # API root under the started system (default: the spec's servers path)


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemEntry:
    id: str
    specs: tuple[str, ...]
    live: LiveTarget | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    path: str
    profile: str
    lang: str
    systems: tuple[SystemEntry, ...]
    inventory: str | None
    reports_dir: str
    formats: tuple[str, ...]


def load_project(path: str) -> Project:
    try:
        loaded = yamlio.load_file(path)
    except SpecLoadError as exc:
        raise UsageError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    validate(loaded.data, "project.schema.json", file=path, what="project file", loaded=loaded,
             error=UsageError)
    data = loaded.data
    base = os.path.dirname(os.path.abspath(path))

    def rel(p: str) -> str:
        return os.path.relpath(os.path.join(base, p)) if not os.path.isabs(p) else p

    systems = []
    for entry in data.get("systems", []):
        live = entry.get("live")
        systems.append(SystemEntry(
            id=entry["id"], specs=tuple(rel(s) for s in entry.get("specs", [])),
            live=LiveTarget(base_url=live.get("base_url"), mode=live.get("mode", "probe"),
                            auth=dict(live.get("auth", {})), max_requests=int(live.get("max_requests", 300)),
                            environment=live.get("environment"), image=live.get("image"),
                            command=live.get("command"), container_port=live.get("container_port"),
                            env=dict(live.get("env", {})), health_path=live.get("health_path"),
                            startup_timeout=live.get("startup_timeout"), base_path=live.get("base_path"))
            if live else None))
    reports = data.get("reports", {})
    return Project(path=path, profile=data.get("profile", "vn-full"), lang=data.get("lang", "vi"),
                   systems=tuple(systems),
                   inventory=rel(data["inventory"]) if data.get("inventory") else None,
                   reports_dir=rel(reports.get("dir", "reports")),
                   formats=tuple(reports.get("formats", DEFAULT_FORMATS)))


def merge(profile: ResolvedProfile, results: Iterable[RunResult], *, clock: Clock, lang: str) -> RunResult:
    subjects: dict[str, Subject] = {}
    outcomes: list[Outcome] = []
    for r in results:
        for s in r.subjects:
            subjects.setdefault(s.id, s)
        outcomes.extend(r.outcomes)
    return make_result(profile, subjects.values(), outcomes, clock=clock, lang=lang)


def run_project(project: Project, *, clock: Clock = default_clock,
                progress: Callable[[str], None] | None = None,
                live_overrides: Mapping[str, str] | None = None) -> tuple[RunResult, list[str]]:
    """Returns the merged result and the load problems (one-line messages) met on the way."""
    profile = resolve_profile(project.profile)
    results: list[RunResult] = []
    problems: list[str] = []
    specs = [s for system in project.systems for s in system.specs]
    if specs:
        report = lint(specs, profile=profile, clock=clock, progress=progress, lang=project.lang)
        results.append(report.result)
        problems += [p.message for p in report.load_problems]
    for system in project.systems:
        base_url = (live_overrides or {}).get(system.id) or (system.live.base_url if system.live else None)
        launch = system.live is not None and not base_url and bool(system.live.image or system.live.command)
        if system.live is None or not (base_url or launch) or not system.specs:
            continue
        if progress is not None:
            progress(f"{system.id} (live)")
        if base_url:
            results.append(_live(system, base_url, profile, clock, project.lang))
        else:
            results.append(_launched_live(system, profile, clock, project.lang))
    if project.inventory:
        from .api_graph import graph_check

        if progress is not None:
            progress(project.inventory)
        results.append(graph_check(project.inventory, profile=profile, clock=clock, lang=project.lang))
    return merge(profile, results, clock=clock, lang=project.lang), problems


def _live(system: SystemEntry, base_url: str, profile: ResolvedProfile, clock: Clock, lang: str) -> RunResult:
    from . import api_live

    assert system.live is not None
    kwargs: dict[str, Any] = {"base_url": base_url, "profile": profile, "mode": system.live.mode,
                              "max_requests": system.live.max_requests, "clock": clock, "lang": lang}
    a = system.live.auth
    if a.get("bearer_env"):
        kwargs["auth"] = api_live.AuthConfig(kind="bearer", env=a["bearer_env"])
    elif a.get("header") and a.get("header_env"):
        kwargs["auth"] = api_live.AuthConfig(kind="header", header=a["header"], env=a["header_env"])
    elif a.get("client_id_env") and a.get("client_secret_env"):
        kwargs["auth"] = api_live.AuthConfig(kind="oauth2", client_id_env=a["client_id_env"],
                                             client_secret_env=a["client_secret_env"])
        if a.get("token_url"):
            kwargs["token_url"] = a["token_url"]
    if system.live.environment:
        kwargs["environment"] = system.live.environment
    return api_live.test_live(system.specs[0], **kwargs)


def _launched_live(system: SystemEntry, profile: ResolvedProfile, clock: Clock, lang: str) -> RunResult:
    from .commands.launch_options import make_launcher, spec_base_path

    live = system.live
    assert live is not None
    launcher = make_launcher(image=live.image, command=live.command, container_port=live.container_port,
                             env=live.env, health_path=live.health_path, startup_timeout=live.startup_timeout)
    assert launcher is not None
    base_path = live.base_path if live.base_path is not None else spec_base_path(system.specs[0])
    from .commands.launch_options import with_log_tail

    with launcher as root:
        result = _live(system, root + base_path.rstrip("/"), profile, clock, lang)
    return with_log_tail(result, launcher.log_tail())


def init_text(spec: str, *, system_id: str | None = None) -> str:
    """A starting conformance.yaml for an existing spec."""
    sid = system_id or os.path.basename(os.path.dirname(os.path.abspath(spec))) or "my-system"
    return f"""# conformance project file: what to check, and which reports to write.
# Run it with `conformance run` (reports go to reports/).
version: 1
profile: vn-core            # or ndxp-provider, dvcqg-connector, two-tier, security, vn-full
lang: vi                    # report language: vi or en
systems:
  - id: {sid}
    specs: [{spec}]
    # live:                         # test the running system too (probe mode: safe methods only)
    #   base_url: https://staging.example.gov.vn/api/1.0
    #   auth: {{bearer_env: MY_TOKEN_ENV}}   # names of environment variables, never the secrets
# inventory: inventory.yaml       # the dependency map of all systems (graph rules)
reports:
  dir: reports
  formats: [html, json, sarif, junit, md]
"""
