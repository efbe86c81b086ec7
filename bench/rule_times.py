#!/usr/bin/env python3
"""Where the static checks spend their time on one document, rule by rule (vn-full).

    python bench/rule_times.py ../shared/corpus/github/api.github.com.json [--top 12]

Prints the load time, one node walk, then each static rule's time over the nodes it targets
(structural validation excluded), slowest first. A rule that first builds a shared per-document
index (the fields index of ``checks/static/_fields.py``) is charged for building it.
"""

from __future__ import annotations

import argparse
import collections
import time

from conformance.nodes import walk
from conformance.profiles import resolve_profile
from conformance.registry import CheckContext, load_checks
from conformance.specs import load_spec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec")
    ap.add_argument("--profile", default="vn-full")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    t = time.perf_counter()
    doc = load_spec(args.spec)
    print(f"load {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    nodes = list(walk(doc))
    print(f"walk {time.perf_counter() - t:.2f} s, {len(nodes)} nodes")
    checks, profile = load_checks(), resolve_profile(args.profile)
    times: collections.Counter[str] = collections.Counter()
    for rule in profile.rules.values():
        if rule.kind.value != "static" or rule.check == "openapi_structure":
            continue
        ctx = CheckContext(options=rule.options, rule_id=rule.id, doc=doc)
        func = checks[rule.check].func
        t = time.perf_counter()
        for node in nodes:
            if node.kind == rule.target:
                list(func(node, ctx))
        times[rule.id] = time.perf_counter() - t
    for rule_id, seconds in times.most_common(args.top):
        print(f"{rule_id} {seconds:.2f} s")
    print(f"total rules {sum(times.values()):.2f} s")


if __name__ == "__main__":
    main()
