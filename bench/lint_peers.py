#!/usr/bin/env python3
"""Lint speed side by side: conformance (vn-full) against Redocly CLI and Spectral.

    python bench/lint_peers.py [--runs 3] [--skip-spectral | --spectral-runs 1] [--corpus ../shared/corpus]
                               [--cases github,stripe,apis-guru] [--npm-dir DIR] [--keep]

Installs ``@redocly/cli`` and ``@stoplight/spectral-cli`` from the npm registry into a temporary
folder (``npm install --prefix TMP``), writes a Spectral ruleset (``extends: spectral:oas``) and
runs, per case, each tool ``--runs`` times in a fresh process for wall time (median, nothing
watching), then once more for peak memory (summed PSS of the process tree, sampled from /proc; see
``measure``). Byte-compiles conformance first, as pip does for an installed wheel. Prints a
Markdown table with our time and memory as ratios to each peer. Exit codes of the linters are ignored (findings make them
non-zero); a tool that crashes or prints nothing is marked as failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
CASES = {
    "github": ("GitHub REST API, 13 MB JSON", "github/api.github.com.json"),
    "stripe": ("Stripe, 4 MB JSON", "stripe/spec3.json"),
    "apis-guru": ("APIs.guru subset (folder)", "apis-guru"),
}
PEER_PACKAGES = ("@redocly/cli", "@stoplight/spectral-cli")
SUFFIXES = (".json", ".yaml", ".yml")


@dataclass
class Sample:
    seconds: float
    max_rss_kb: int
    ok: bool


def _conformance_bin() -> list[str]:
    exe = shutil.which("conformance", path=os.path.dirname(sys.executable)) or shutil.which("conformance")
    return [exe] if exe else [sys.executable, "-m", "conformance"]


def install_peers(prefix: str) -> dict[str, str]:
    subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error",
                    *PEER_PACKAGES], check=True)
    bin_dir = os.path.join(prefix, "node_modules", ".bin")
    return {"redocly": os.path.join(bin_dir, "redocly"), "spectral": os.path.join(bin_dir, "spectral")}


def _files(target: str) -> list[str]:
    """Peers get the same documents conformance finds in a folder (it skips non-OpenAPI YAML)."""
    if not os.path.isdir(target):
        return [target]
    sys.path.insert(0, ROOT)
    from conformance.api import collect_specs

    return collect_specs([target])


def commands(tool: str, target: str, bins: dict[str, str], tmp: str) -> list[str]:
    if tool == "conformance":
        return [*_conformance_bin(), "lint", "--profile", "vn-full", "-q", "--format", "json",
                "-o", os.path.join(tmp, "conformance.json"), target]
    files = _files(target)
    if tool == "redocly":
        return [bins["redocly"], "lint", "--extends", "recommended", *files]
    ruleset = os.path.join(tmp, ".spectral.yaml")
    return [bins["spectral"], "lint", "--ruleset", ruleset, "--quiet", "--format", "json",
            "--output", os.path.join(tmp, "spectral.json"), *files]


def timed(cmd: list[str], env: dict[str, str]) -> Sample:
    """Wall time of one run, with nothing else watching it (memory is measured in its own run)."""
    start = time.perf_counter()
    code = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return Sample(time.perf_counter() - start, 0, code in (0, 1, 2))


def measure(cmd: list[str], env: dict[str, str]) -> Sample:
    """Peak memory of the whole process tree: the sum of every process's proportional set size
    (PSS, shared pages split between the processes sharing them), sampled every 20 ms from /proc
    by a lowest-priority sampler. A tool that forks workers is charged for all of them; copy-on-
    write pages shared with its parent are not counted twice. Without /proc: RUSAGE_CHILDREN's
    max RSS. Sampling costs CPU, so this run's time is not used."""
    if not os.path.exists("/proc/self/smaps_rollup"):
        return _measure_rusage(cmd, env)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Reading smaps_rollup walks page tables (~2 ms for a 250 MB process): the sampler must not
    # take CPU from the tool, which may keep both cores busy. It runs at the lowest priority
    # (the tool started at normal priority before this) and samples every 20 ms.
    before = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, 19)
    peak = 0
    try:
        while proc.poll() is None:
            peak = max(peak, _tree_pss_kb(proc.pid))
            time.sleep(0.02)
    finally:
        seconds = time.perf_counter() - start
        try:
            os.setpriority(os.PRIO_PROCESS, 0, before)
        except PermissionError:  # an unprivileged user cannot raise priority back: later runs
            pass  # are then sampled from a low-priority process, which only helps the tools
    return Sample(seconds, peak, proc.returncode in (0, 1, 2) and peak > 0)


def _tree_pss_kb(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):  # the process ended between two reads
            continue
    return total


def _measure_rusage(cmd: list[str], env: dict[str, str]) -> Sample:
    # A one-shot helper: RUSAGE_CHILDREN of a fresh process covers exactly this command.
    helper = ("import json,resource,subprocess,sys,time;t=time.perf_counter();"
              "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
              "print(json.dumps([time.perf_counter()-t,"
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,r.returncode]))")
    out = subprocess.run([sys.executable, "-c", helper, *cmd], env=env, capture_output=True, text=True)
    seconds, rss, code = json.loads(out.stdout)
    return Sample(seconds, rss, code in (0, 1, 2))


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            mem = f", {int(fh.readline().split()[1]) // 1024 // 1024} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores, {cpu}{mem}, {platform.system()} {platform.release()}"


def _fmt_ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs > 0 else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-spectral", action="store_true", help="Spectral takes minutes on GitHub")
    ap.add_argument("--spectral-runs", type=int, default=None,
                    help="runs for Spectral (default: --runs); one is plenty at a ratio of ~0.05")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--npm-dir", default=None, help="reuse an npm prefix with the peers installed")
    ap.add_argument("--keep", action="store_true", help="keep the temporary npm folder")
    ap.add_argument("--json", default=None, help="also write raw samples to this file")
    args = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="lint-peers-")
    prefix = args.npm_dir or os.path.join(tmp, "npm")
    try:
        if args.npm_dir and os.path.exists(os.path.join(prefix, "node_modules", ".bin", "redocly")):
            bin_dir = os.path.join(prefix, "node_modules", ".bin")
            bins = {"redocly": os.path.join(bin_dir, "redocly"),
                    "spectral": os.path.join(bin_dir, "spectral")}
        else:
            print(f"installing {' '.join(PEER_PACKAGES)} into {prefix} …", file=sys.stderr)
            bins = install_peers(prefix)
        with open(os.path.join(tmp, ".spectral.yaml"), "w", encoding="utf-8") as fh:
            fh.write("extends: spectral:oas\n")
        versions = {
            "redocly": subprocess.run([bins["redocly"], "--version"], capture_output=True,
                                      text=True).stdout.strip(),
            "spectral": subprocess.run([bins["spectral"], "--version"], capture_output=True,
                                       text=True).stdout.strip(),
        }
        env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
                   NODE_OPTIONS=os.environ.get("NODE_OPTIONS", ""))
        env.pop("CONFORMANCE_CACHE_DIR", None)  # a warm verdict cache would flatter us
        # An installed wheel has its bytecode compiled by pip; an editable checkout under
        # PYTHONDONTWRITEBYTECODE would recompile ~70 modules (~0.1 s) in every run.
        subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "conformance")],
                       env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"},
                       check=False)
        tools = ["conformance", "redocly"] + ([] if args.skip_spectral else ["spectral"])
        results: dict[str, dict[str, list[Sample]]] = {}
        for case in args.cases.split(","):
            label, rel = CASES[case]
            target = os.path.join(args.corpus, rel)
            results[case] = {}
            for tool in tools:
                cmd = commands(tool, target, bins, tmp)
                samples = []
                runs = args.spectral_runs if tool == "spectral" and args.spectral_runs else args.runs
                for i in range(runs):
                    s = timed(cmd, env)
                    samples.append(s)
                    print(f"{case:10} {tool:12} run {i + 1}: {s.seconds:7.2f} s"
                          f"{'' if s.ok else '  (FAILED)'}", file=sys.stderr, flush=True)
                m = measure(cmd, env)
                print(f"{case:10} {tool:12} memory run: {m.max_rss_kb / 1024:7.0f} MB"
                      f"{'' if m.ok else '  (FAILED)'}", file=sys.stderr, flush=True)
                samples = [Sample(x.seconds, m.max_rss_kb, x.ok and m.ok) for x in samples]
                results[case][tool] = samples
        print(render(results, tools, args.runs, versions, spectral_runs=args.spectral_runs))
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump({c: {t: [s.__dict__ for s in v] for t, v in r.items()}
                           for c, r in results.items()}, fh, indent=1)
    finally:
        if not args.keep and not args.npm_dir:
            shutil.rmtree(tmp, ignore_errors=True)
        elif args.keep:
            print(f"kept {tmp}", file=sys.stderr)
    return 0


def render(results: dict[str, dict[str, list[Sample]]], tools: list[str], runs: int,
           versions: dict[str, str], spectral_runs: int | None = None) -> str:
    def med(samples: list[Sample]) -> tuple[float, float]:
        return (statistics.median(s.seconds for s in samples),
                max(s.max_rss_kb for s in samples) / 1024)

    head = ["case", "conformance s (MB)"] + [f"{t} s (MB)" for t in tools[1:]]
    head += [f"time ratio vs {t}" for t in tools[1:]] + [f"memory ratio vs {t}" for t in tools[1:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case, by_tool in results.items():
        ours_t, ours_m = med(by_tool["conformance"])
        row = [CASES[case][0]]
        cells = {t: med(by_tool[t]) for t in tools}
        for t in tools:
            failed = "" if all(s.ok for s in by_tool[t]) else " (failed)"
            row.append(f"{cells[t][0]:.2f} ({cells[t][1]:.0f}){failed}")
        row += [_fmt_ratio(ours_t, cells[t][0]) for t in tools[1:]]
        row += [_fmt_ratio(ours_m, cells[t][1]) for t in tools[1:]]
        lines.append("| " + " | ".join(row) + " |")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    lines.append("")
    runs_text = f"{runs} runs" + (f" ({spectral_runs} for Spectral)"
                                  if spectral_runs and "spectral" in tools else "")
    lines.append(f"Time: median of {runs_text}, unobserved. Memory: one more run, the peak of the summed "
                 f"PSS of the process and all its children (sampled every 20 ms); ratio < 1 means conformance is "
                 f"faster / smaller. {when}; {_machine()}; Python {platform.python_version()}; "
                 f"Redocly {versions.get('redocly')}, Spectral {versions.get('spectral')}.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
