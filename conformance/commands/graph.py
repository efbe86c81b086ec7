"""`conformance graph ...`: architecture rules, impact analysis and exports over a systems inventory."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..cli import EXIT_OK, add_common, clock_from, write_output


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("graph", help="dependency map: architecture rules, impact, exports",
                       description="Check and analyse an inventory of systems and connections (YAML/JSON file, "
                                   "or a folder with systems.csv and connections.csv).")
    gsub = p.add_subparsers(dest="graph_command", metavar="SUBCOMMAND", required=True)

    def cmd(name: str, help_: str, handler: Any, *, fmt: tuple[str, ...] = ("text", "json")) -> argparse.ArgumentParser:
        q = gsub.add_parser(name, help=help_, description=help_)
        q.add_argument("inventory", metavar="INVENTORY", help="inventory file or CSV folder")
        q.add_argument("--format", choices=fmt, default=fmt[0])
        q.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
        add_common(q)
        q.set_defaults(handler=handler)
        return q

    q = cmd("check", "run the profile's graph rules over the inventory", run_check)
    q.add_argument("--profile", default="vn-full", help="built-in profile name or profile file (default vn-full)")
    q.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when a finding is at or above this severity (default error)")
    q.add_argument("--timestamp", metavar="ISO8601", help="time to record in the result (default now)")
    q.add_argument("--verbose", "-v", action="store_true", help="also list skipped rules")
    q = cmd("impact", "what breaks, directly or transitively, when SYSTEM goes down", run_impact)
    q.add_argument("system", metavar="SYSTEM")
    q = cmd("spof", "single points of failure: articulation points and highest betweenness", run_spof)
    q.add_argument("--top", type=int, default=10, help="how many by betweenness (default 10)")
    q = cmd("paths", "paths from system A to system B (consumer to provider)", run_paths)
    q.add_argument("a", metavar="A")
    q.add_argument("b", metavar="B")
    q.add_argument("--limit", type=int, default=10, help="most paths to list (default 10)")
    q.add_argument("--undirected", action="store_true", help="ignore connection direction")
    cmd("layers", "connections that depend upward across QĐ 3090's four layers", run_layers)
    cmd("export", "export the graph as node-link JSON, GraphML or DOT", run_export, fmt=("json", "graphml", "dot"))
    q = cmd("view", "write an offline HTML view of the dependency map", run_view, fmt=("html",))
    q.add_argument("--profile", default="vn-full", help="profile whose findings are highlighted")
    q.add_argument("--no-findings", action="store_true", help="do not run the rules (no highlighting)")


def _graph(args: argparse.Namespace) -> Any:
    from ..api_graph import load_graph

    return load_graph(args.inventory)


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> int:
    if args.format == "json":
        write_output(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", args.output)
    else:
        write_output(text, args.output)
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from ..api_graph import graph_check
    from ..profiles import resolve_profile
    from ..reporters import json as json_report
    from ..reporters import text as text_report
    from .lint import exit_code

    profile = resolve_profile(args.profile)
    result = graph_check(args.inventory, profile=profile, clock=clock_from(args), lang=args.lang)
    if args.format == "json":
        text = json_report.dumps(result)
    else:
        text = text_report.render(result, lang=args.lang, verbose=args.verbose)
    write_output(text, args.output)
    return exit_code(result, args.fail_on)


def run_impact(args: argparse.Namespace) -> int:
    g = _graph(args)
    imp = g.impact(args.system)
    lines = [f"{imp.system}: {len(imp.direct)} direct, {len(imp.transitive)} in total would break"]
    lines += [f"  direct      {s}" for s in imp.direct]
    lines += [f"  transitive  {s}" for s in imp.transitive if s not in set(imp.direct)]
    return _emit(args, {"system": imp.system, "direct": list(imp.direct), "transitive": list(imp.transitive)},
                 "\n".join(lines) + "\n")


def run_spof(args: argparse.Namespace) -> int:
    g = _graph(args)
    sp = g.single_points_of_failure(top=args.top)
    lines = [f"articulation points ({len(sp.articulation_points)}):"]
    lines += [f"  {s}" for s in sp.articulation_points]
    lines.append("highest betweenness" + (" (sampled)" if sp.sampled else "") + ":")
    lines += [f"  {score:.4f}  {s}" for s, score in sp.betweenness]
    data = {"articulation_points": list(sp.articulation_points), "sampled": sp.sampled,
            "betweenness": [{"system": s, "score": score} for s, score in sp.betweenness]}
    return _emit(args, data, "\n".join(lines) + "\n")


def run_paths(args: argparse.Namespace) -> int:
    g = _graph(args)
    paths = g.paths(args.a, args.b, limit=args.limit, directed=not args.undirected)
    text = "\n".join(" -> ".join(p) for p in paths) + "\n" if paths else f"no path from {args.a} to {args.b}\n"
    return _emit(args, {"from": args.a, "to": args.b, "paths": paths}, text)


def run_layers(args: argparse.Namespace) -> int:
    g = _graph(args)
    rows = [{"from": c.source, "to": c.target, "from_layer": g.systems[c.source].layer,
             "to_layer": g.systems[c.target].layer} for c in g.layer_violations()]
    lines = [f"{r['from']} ({r['from_layer']}) -> {r['to']} ({r['to_layer']})" for r in rows]
    return _emit(args, {"violations": rows}, ("\n".join(lines) if lines else "no layer violations") + "\n")


def run_export(args: argparse.Namespace) -> int:
    g = _graph(args)
    text = {"json": g.to_json, "graphml": g.to_graphml, "dot": g.to_dot}[args.format]()
    write_output(text, args.output)
    return EXIT_OK


def run_view(args: argparse.Namespace) -> int:
    from ..api_graph import graph_check
    from ..reporters.graphview import graph_view_page

    g = _graph(args)
    result = None if args.no_findings else graph_check(g, profile=args.profile)
    write_output(graph_view_page(g, result=result, lang=args.lang), args.output)
    return EXIT_OK
