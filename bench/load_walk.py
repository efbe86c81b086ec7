#!/usr/bin/env python3
"""Time the document side of a lint, without the rules: load (parse, bundle), the node walk and
structural validation, summed over every document of the given files and folders.

    python bench/load_walk.py ../shared/corpus/apis-guru [--profile]

CPU seconds (the machine is shared; wall time varies with the neighbours), measured as a lint
runs them: the collector off while loading, then what was loaded frozen (engine/process.py).
Validation verdicts are not cached between documents here (the in-process LRU is cleared).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from conformance import validation
from conformance.api import collect_specs
from conformance.engine.process import document_gc
from conformance.errors import SpecLoadError
from conformance.nodes import walk
from conformance.specs import load_spec


def run(paths: list[str]) -> None:
    load = walked = valid = 0.0
    nodes = failed = 0
    for path in paths:
        with document_gc() as loaded:
            t0 = time.process_time()
            try:
                doc = load_spec(path)
            except SpecLoadError:
                failed += 1
                continue
            loaded()
            t1 = time.process_time()
            nodes += sum(1 for _ in walk(doc))
            t2 = time.process_time()
            validation.clear_cache()
            list(validation.structural_errors(doc.data, doc.family, doc.version))
            t3 = time.process_time()
        load, walked, valid = load + t1 - t0, walked + t2 - t1, valid + t3 - t2
    print(f"{len(paths)} documents ({failed} not loadable), {nodes} nodes: load {load:.2f} s, "
          f"walk {walked:.2f} s, validation {valid:.2f} s, total {load + walked + valid:.2f} s CPU")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--profile", action="store_true", help="also print cProfile's top functions")
    args = ap.parse_args()
    paths = collect_specs(args.paths)
    if not args.profile:
        run(paths)
        return
    profiler = cProfile.Profile()
    profiler.runcall(run, paths)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
