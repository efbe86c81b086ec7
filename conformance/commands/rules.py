"""`conformance rules`, `conformance explain RULE`, `conformance profiles [show P | diff A B]`."""

from __future__ import annotations

import argparse
import json

from ..cli import EXIT_OK, add_common, out
from ..model import RuleSpec


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rules", help="list rules (all, or those a profile enables)")
    p.add_argument("--profile", help="only the rules this profile enables, with its severities")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_common(p)
    p.set_defaults(handler=run_rules)

    p = sub.add_parser("explain", help="explain a rule: summary, why, citation, examples, options")
    p.add_argument("rule", metavar="RULE", help="rule id (e.g. SEC001) or name")
    add_common(p)
    p.set_defaults(handler=run_explain)

    p = sub.add_parser("profiles", help="list profiles; `show P` resolves one; `diff A B` compares two")
    p.add_argument("action", nargs="?", choices=("list", "show", "diff"), default="list")
    p.add_argument("names", nargs="*", metavar="PROFILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_common(p)
    p.set_defaults(handler=run_profiles)


def run_rules(args: argparse.Namespace) -> int:
    from ..api import list_rules
    from ..reporters.json import rule_to_dict

    rules = list_rules(args.profile)
    if args.format == "json":
        out(json.dumps([rule_to_dict(r) for r in rules], ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    width = max((len(r.name) for r in rules), default=10)
    for r in rules:
        out(f"{r.id:<8} {r.kind.value:<6} {r.severity.value:<7} {r.name:<{width}}  "
            f"{','.join(r.requirements)}  {r.summary.get(args.lang)}\n")
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    from ..api import explain
    from ..docs import rule_markdown

    out(rule_markdown(explain(args.rule), lang=args.lang))
    return EXIT_OK


def _describe(rule: RuleSpec) -> str:
    return f"{rule.id} {rule.severity.value}"


def run_profiles(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..profiles import builtin_profile_names, diff_profiles, resolve_profile
    from ..reporters.json import rule_to_dict

    if args.action == "list":
        for name in builtin_profile_names():
            p = resolve_profile(name)
            out(f"{name:<18} v{p.version:<10} {len(p.rules):>3} rules  {p.title.get(args.lang)}\n")
        return EXIT_OK
    if args.action == "show":
        if len(args.names) != 1:
            raise UsageError("profiles show takes one PROFILE")
        p = resolve_profile(args.names[0])
        if args.format == "json":
            data = {"profile": p.name, "version": p.version, "digest": p.digest, "source": p.source,
                    "chain": list(p.chain), "rules": [dict(rule_to_dict(r), set_by=p.provenance.get(r.id))
                                                      for r in p.rules.values()]}
            out(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return EXIT_OK
        out(f"profile {p.name} v{p.version} ({p.source})\n{p.title.get(args.lang)}\n")
        if p.applies_to.en:
            out(f"for: {p.applies_to.get(args.lang)}\n")
        out(f"digest: {p.digest}\nchain: {' -> '.join(p.chain)}\n{len(p.rules)} rules:\n")
        for r in p.rules.values():
            opts = f" options={json.dumps(dict(r.options), ensure_ascii=False)}" if r.options else ""
            out(f"  {r.id:<8} {r.severity.value:<7} {r.name}  (set by {p.provenance.get(r.id, '?')}){opts}\n")
        return EXIT_OK
    if len(args.names) != 2:
        raise UsageError("profiles diff takes OLD and NEW")
    old, new = (resolve_profile(n) for n in args.names)
    d = diff_profiles(old, new)
    if args.format == "json":
        out(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for item in d["added"]:
        out(f"+ {item['rule']}\n")
    for item in d["removed"]:
        out(f"- {item['rule']}\n")
    for item in d["changed"]:
        out(f"~ {item['rule']} {item['field']}: {item['old']} -> {item['new']}\n")
    if not any(d.values()):
        out("no differences\n")
    return EXIT_OK
