"""Operator commands: `gate`, `waive`, `attest`, `verify`, `keygen`, `diff`.

Exit codes as everywhere: 0 admit / verified / no new findings; 1 refuse / verification failed /
new findings; 2 unusable input (one line naming the file and place).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..cli import EXIT_FAIL, EXIT_OK, add_common, clock_from, out, write_output


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gate", help="admit or refuse a system: apply an onboarding policy to its results",
                       description="Apply an onboarding policy (and waivers) to saved JSON results. "
                                   "Exit 0 admit, 1 refuse (one line per reason), 2 unusable input.")
    p.add_argument("results", nargs="+", metavar="RESULT.json")
    p.add_argument("--policy", required=True, metavar="FILE", help="policy file (YAML or JSON)")
    p.add_argument("--system-kind", default="*", metavar="K", help="kind of system, e.g. dossier-system")
    p.add_argument("--tier", default="*", metavar="T",
                   help="tier of system: central, ministry, province, commune")
    _waiver_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the decision here instead of stdout")
    add_common(p)
    p.set_defaults(handler=run_gate)

    p = sub.add_parser("waive", help="apply a waivers file to a saved result (for reports and gates)",
                       description="Mark findings covered by unexpired waivers; expired waivers are listed "
                                   "on stderr and stop counting.")
    p.add_argument("result", metavar="RESULT.json")
    _waiver_options(p, required=True)
    p.add_argument("--output", "-o", metavar="FILE", help="write the waived result here instead of stdout")
    add_common(p)
    p.set_defaults(handler=run_waive)

    p = sub.add_parser("attest", help="write a signed conformance statement for a saved result")
    p.add_argument("result", metavar="RESULT.json")
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument("--key", metavar="FILE", help="Ed25519 private key (PEM) file")
    key.add_argument("--key-env", metavar="NAME", help="environment variable holding the PEM private key")
    p.add_argument("--specs-root", default=".", metavar="DIR",
                   help="folder the result's spec paths are relative to (default .)")
    p.add_argument("--timestamp", metavar="ISO8601",
                   help="time to record (default now, or $SOURCE_DATE_EPOCH)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the statement here instead of stdout")
    add_common(p)
    p.set_defaults(handler=run_attest)

    p = sub.add_parser("verify", help="check a signed statement and that its specs on disk still match")
    p.add_argument("statement", metavar="STATEMENT.json")
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument("--pubkey", metavar="FILE", help="Ed25519 public key (PEM) file")
    key.add_argument("--pubkey-env", metavar="NAME", help="environment variable holding the PEM public key")
    p.add_argument("--specs-root", metavar="DIR", help="check the specs under this folder (default: .; "
                   "use --no-specs to check the signature only)")
    p.add_argument("--no-specs", action="store_true", help="check the signature only")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_common(p)
    p.set_defaults(handler=run_verify)

    p = sub.add_parser("keygen", help="create an Ed25519 keypair for attest/verify")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the key files (private key 0600)")
    add_common(p)
    p.set_defaults(handler=run_keygen)

    p = sub.add_parser("diff", help="findings fixed, new and changed between two saved results",
                       description="Compare two results. Exit 1 when B has findings A did not.")
    p.add_argument("old", metavar="A.json")
    p.add_argument("new", metavar="B.json")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_common(p)
    p.set_defaults(handler=run_diff)


def _waiver_options(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    p.add_argument("--waivers", required=required, metavar="FILE", help="waivers file (YAML or JSON)")
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help="date waivers are judged against (default: today from the clock)")


def _today(args: argparse.Namespace) -> Any:
    from ..waivers import parse_date

    return parse_date(args.today) if args.today else clock_from(args)().date()


def _waived(args: argparse.Namespace, results: list[Any]) -> tuple[list[Any], list[str]]:
    """Results with waivers applied, and one line per expired waiver that still matches a finding."""
    if not args.waivers:
        return results, []
    from ..waivers import apply_waivers, load_waivers, waiver_use

    waivers = load_waivers(args.waivers)
    today = _today(args)
    notes: set[str] = set()
    for r in results:
        use = waiver_use(r, waivers, today=today)
        notes.update(f"expired waiver {w.describe()}" for w in use.expired)
    return [apply_waivers(r, waivers, today=today) for r in results], sorted(notes)


def run_gate(args: argparse.Namespace) -> int:
    from ..baseline import load_result
    from ..policy import evaluate, load_policy

    policy = load_policy(args.policy)
    results, notes = _waived(args, [load_result(p) for p in args.results])
    decision = evaluate(policy, results, kind=args.system_kind, tier=args.tier)
    if args.format == "json":
        data = decision.to_dict()
        data["expired_waivers"] = notes
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    else:
        head = "admit" if decision.admitted else "refuse"
        text = (f"{head}: policy {policy.name} v{policy.version}, kind {args.system_kind}, tier {args.tier}\n"
                + "".join(f"  {r}\n" for r in decision.reasons) + "".join(f"  note: {n}\n" for n in notes))
    write_output(text, args.output)
    return EXIT_OK if decision.admitted else EXIT_FAIL


def run_waive(args: argparse.Namespace) -> int:
    from ..baseline import load_result
    from ..reporters import json as json_report

    (result,), notes = _waived(args, [load_result(args.result)])
    for n in notes:
        out(f"conformance: {n}\n", err=True)
    write_output(json_report.dumps(result), args.output)
    return EXIT_OK


def run_attest(args: argparse.Namespace) -> int:
    from ..attest import attest, load_private_key
    from ..baseline import load_result

    key = load_private_key(file=args.key, env=args.key_env)
    result = load_result(args.result)
    write_output(attest(result, key, clock=clock_from(args), root=args.specs_root), args.output)
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    from ..attest import load_public_key, verify
    from ..errors import UsageError

    public = load_public_key(file=args.pubkey, env=args.pubkey_env)
    try:
        with open(args.statement, "rb") as fh:
            raw = fh.read(64 * 1024 * 1024)
    except OSError as exc:
        raise UsageError(f"cannot read statement: {exc.strerror}", file=args.statement) from None
    root = None if args.no_specs else (args.specs_root or ".")
    v = verify(raw, public, specs_root=root)
    if args.format == "json":
        out(json.dumps({"ok": v.ok, "problems": list(v.problems),
                        "statement": {k: v.statement.get(k)
                                      for k in ("profile", "verdict", "issued_at", "tool")}},
                       ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    elif v.ok:
        s = v.statement
        p = s.get("profile", {})
        ready = "ready" if s.get("verdict", {}).get("ready") else "not ready"
        out(f"verified: {args.statement} signed by {s['signature']['key_id']}; profile {p.get('name')} "
            f"v{p.get('version')}; verdict {ready}; {len(s.get('specs', []))} spec(s)"
            f"{' match' if root is not None else ' (not checked)'}; issued {s.get('issued_at')}\n")
    else:
        for problem in v.problems:
            out(f"verification failed: {problem}\n", err=True)
    return EXIT_OK if v.ok else EXIT_FAIL


def run_keygen(args: argparse.Namespace) -> int:
    from ..attest import keygen

    priv, pub = keygen(args.out)
    out(f"private key: {priv} (mode 0600; keep it secret)\npublic key:  {pub}\n")
    return EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    from ..baseline import diff, load_result, render_diff_text

    d = diff(load_result(args.old), load_result(args.new))
    if args.format == "json":
        out(json.dumps(d.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out(render_diff_text(d))
    return EXIT_FAIL if d.new else EXIT_OK

