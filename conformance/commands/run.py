"""`conformance run [FILE]`, `conformance demo`, `conformance init SPEC`."""

from __future__ import annotations

import argparse
import os
from importlib import resources
from typing import Any

from ..cli import EXIT_ERROR, EXIT_OK, Progress, add_common, clock_from, out
from .lint import exit_code

_EXAMPLES = resources.files("conformance") / "builtin" / "examples"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("run", help="check every system in conformance.yaml (static, live, graph) and write reports")
    p.add_argument("project", nargs="?", default="conformance.yaml", metavar="FILE")
    p.add_argument("--output-dir", help="where reports go (default: the file's reports.dir, or reports/)")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error")
    p.add_argument("--timestamp", metavar="ISO8601")
    p.add_argument("--quiet", "-q", action="store_true")
    add_common(p)
    p.set_defaults(handler=run_run)

    p = sub.add_parser("demo", help="run everything on the bundled example and print where the report is")
    p.add_argument("--output-dir", default=os.path.join("reports", "demo"))
    p.add_argument("--timestamp", metavar="ISO8601")
    p.add_argument("--quiet", "-q", action="store_true")
    add_common(p)
    p.set_defaults(handler=run_demo, lang=None)

    p = sub.add_parser("init", help="write a starting conformance.yaml for an existing spec")
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--output", "-o", default="conformance.yaml")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_common(p)
    p.set_defaults(handler=run_init)


def _extras(inventory: str | None, result: Any, lang: str) -> dict[str, Any]:
    """The dependency-map view for the HTML report. It is handed over as a function of the report's
    CSP nonce: its <style> and <script> run only if they carry the same nonce as the report's own."""
    if not inventory:
        return {}
    from ..api_graph import load_graph
    from ..reporters.graphview import graph_view_html

    graph = load_graph(inventory)
    return {"graph_html": lambda nonce: graph_view_html(graph, result=result, nonce=nonce, lang=lang)}


def run_run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..project import load_project, run_project
    from ..reports_out import write_reports

    if not os.path.exists(args.project):
        raise UsageError("no such project file (create one with `conformance init SPEC`)", file=args.project)
    project = load_project(args.project)
    lang = args.lang or project.lang
    progress = Progress(len(project.systems) + 1, enabled=not args.quiet)
    try:
        result, problems = run_project(project, clock=clock_from(args), progress=progress)
    finally:
        progress.close()
    for message in problems:
        out(f"conformance: error: {message}\n", err=True)
    written = write_reports(result, args.output_dir or project.reports_dir, project.formats, lang=lang,
                            extras=_extras(project.inventory, result, lang))
    if not args.quiet:
        for fmt, path in written.items():
            out(f"{fmt}: {path}\n")
    return EXIT_ERROR if problems else exit_code(result, args.fail_on)


def run_demo(args: argparse.Namespace) -> int:
    """The bundled example: four agency specs, the reference agency service on 127.0.0.1 tested
    live, and the sample province's dependency map."""
    from ..project import LiveTarget, Project, SystemEntry, run_project
    from ..refservice import RefService
    from ..reports_out import write_reports

    import shutil

    lang = args.lang or "vi"
    # Copy the bundled inputs next to the reports, so the report names files the reader can open.
    inputs = os.path.join(args.output_dir, "inputs")
    shutil.rmtree(inputs, ignore_errors=True)
    with resources.as_file(_EXAMPLES) as examples:
        shutil.copytree(examples, inputs)
    specs = {name: os.path.join(inputs, "agency", name, "openapi.yaml") for name in
             ("provincial-one-stop", "legacy-dvcqg-adapter", "national-enterprise-db", "shared-codelists")}
    inventory = os.path.join(inputs, "sample-province.yaml")
    token_env = "CONFORMANCE_DEMO_TOKEN"
    with RefService(rate_limit=None) as svc:
        os.environ[token_env] = svc.token  # handed over by name, as a user would
        systems = tuple(SystemEntry(id=name, specs=(path,),
                                    live=LiveTarget(base_url=svc.base_url, auth={"bearer_env": token_env})
                                    if name == "provincial-one-stop" else None)
                        for name, path in specs.items())
        project = Project(path="<demo>", profile="vn-full", lang=lang, systems=systems, inventory=inventory,
                          reports_dir=args.output_dir, formats=("html", "json", "sarif", "junit", "md"))
        progress = Progress(len(systems) + 2, enabled=not args.quiet)
        try:
            result, _ = run_project(project, clock=clock_from(args), progress=progress)
        finally:
            progress.close()
            os.environ.pop(token_env, None)
    written = write_reports(result, args.output_dir, project.formats, lang=lang,
                            extras=_extras(inventory, result, lang))
    summary = result.summary()
    out(f"{summary['outcomes']} outcomes, {summary['findings']} findings across {len(result.subjects)} subjects\n")
    out(f"report: {os.path.abspath(written['html'])}\n")
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..project import init_text

    if not os.path.exists(args.spec):
        raise UsageError("no such file", file=args.spec)
    if os.path.exists(args.output) and not args.force:
        raise UsageError("already exists (use --force to overwrite)", file=args.output)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(init_text(args.spec))
    out(f"wrote {args.output}\n")
    return EXIT_OK
