"""Benchmark: every graph rule over a generated 10,000-system / 50,000-connection inventory.

Not a timed test; prints the figures. Target: rules < 10 s on a 2-core machine.

    python bench/graph_bench.py [--systems 10000 --connections 50000 --seed 1 --repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gen_inventory import generate  # noqa: E402

from conformance.engine.graph import check_graph  # noqa: E402
from conformance.inventory import load_inventory  # noqa: E402
from conformance.model import Kind  # noqa: E402
from conformance.profiles import resolve_profile  # noqa: E402
from conformance.systems import SystemGraph  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--connections", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    import json

    rules = [r for r in resolve_profile("vn-full").rules.values() if r.kind is Kind.GRAPH]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(generate(args.systems, args.connections, args.seed), fh)
        c0, t0 = time.process_time(), time.perf_counter()
        inv = load_inventory(path)
        c1, t1 = time.process_time(), time.perf_counter()
        graph = SystemGraph(inv)
        c2, t2 = time.process_time(), time.perf_counter()
        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            cs, s = time.process_time(), time.perf_counter()
            outcomes = check_graph(graph, rules, as_of=_dt.date(2026, 3, 1), raise_errors=True)
            best, best_cpu = min(best, time.perf_counter() - s), min(best_cpu, time.process_time() - cs)
        per_rule = {}
        for rule in rules:
            s = time.perf_counter()
            check_graph(graph, [rule], as_of=_dt.date(2026, 3, 1), raise_errors=True)
            per_rule[rule.id] = time.perf_counter() - s
        s = time.perf_counter()
        spof = graph.single_points_of_failure()
        t_spof = time.perf_counter() - s
    findings = sum(len(o.findings) for o in outcomes)
    print(f"inventory: {len(inv.systems)} systems, {len(inv.connections)} connections")
    print("wall-clock (CPU) seconds; the CPU figure is what counts on a shared machine")
    print(f"load+validate: {t1 - t0:.2f} ({c1 - c0:.2f})   build graph: {t2 - t1:.2f} ({c2 - c1:.2f})")
    print(f"{len(rules)} graph rules, best of {args.repeat}: {best:.2f} ({best_cpu:.2f})   [{findings} findings]")
    print(f"total load+build+rules: {t2 - t0 + best:.2f} ({c2 - c0 + best_cpu:.2f})   (target < 10 s)")
    print(f"spof (articulation + sampled betweenness): {t_spof:.2f} s, sampled={spof.sampled}")
    for rid, t in sorted(per_rule.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  slowest {rid}: {t:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
