"""Time and memory of `conformance lint` on every hostile input, as a Markdown table.

    python bench/hostile_bench.py [--timeout 30] [--limit-mb 1024] [--keep DIR]

Inputs: every file in fixtures/specs/hostile/, plus generated giants (a real 200 MB file, JSON and YAML
flow nesting 100,000 deep, YAML block nesting, million-digit integers in JSON and YAML, a wide alias
bomb). Each runs in its own child process under RLIMIT_AS (1 GB by default, the bound issue 9 sets)
with a wall-clock timeout; wall time and the child's peak RSS (ru_maxrss from wait4) are printed. A
row whose status is TIMEOUT is a hang the harness must not have.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
HOSTILE = os.path.join(ROOT, "fixtures", "specs", "hostile")
HEAD = "openapi: 3.0.3\ninfo: {title: hostile, version: '1'}\npaths: {}\n"


def generate(folder: str) -> list[tuple[str, str]]:
    """(label, path) of the generated inputs."""
    out: list[tuple[str, str]] = []

    def write(name: str, label: str, text: str) -> None:
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        out.append((label, path))

    big = os.path.join(folder, "big-200mb.json")
    with open(big, "wb") as fh:  # real bytes, not a sparse file
        fh.write(b'{"openapi": "3.0.3", "x": "')
        block = b"a" * (1 << 20)
        for _ in range(200):
            fh.write(block)
        fh.write(b'"}')
    out.append(("200 MB file (real bytes)", big))
    write(
        "deep.json",
        "JSON nesting 100,000 deep",
        '{"openapi": "3.0.3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    )
    write(
        "deep-flow.yaml",
        "YAML flow nesting 100,000 deep",
        HEAD + "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
    )
    write(
        "deep-block.yaml",
        "YAML block nesting 5,000 deep",
        HEAD + "".join(" " * i + "k:\n" for i in range(5000)),
    )
    write(
        "digits.json", "JSON integer, 1,000,000 digits", '{"openapi": "3.0.3", "x": ' + "7" * 1_000_000 + "}"
    )
    write("digits.yaml", "YAML integer, 1,000,000 digits", HEAD + "x: " + "9" * 1_000_000 + "\n")
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    write("alias-wide.yaml", "alias bomb, 12 levels x10", HEAD + "\n".join(levels) + "\n")
    return out


def run_one(path: str, timeout: float, limit_bytes: int) -> tuple[str, float, float, int | None]:
    """(status, seconds, peak RSS MB, exit code) of one child `conformance lint`."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "lint", path, "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
        start_new_session=True,
    )
    status = ""
    deadline = started + timeout
    while True:
        pid, wstatus, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, wstatus, usage = os.wait4(proc.pid, 0)
            status = "TIMEOUT"
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(wstatus)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    code = None if status else proc.returncode
    if not status:
        status = (
            "traceback"
            if "Traceback" in err
            else {0: "ok", 1: "findings", 2: "refused"}.get(code, f"exit {code}")
        )
    return status, elapsed, usage.ru_maxrss / 1024, code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per input (default 30)")
    ap.add_argument("--limit-mb", type=int, default=1024, help="RLIMIT_AS per child in MB (default 1024)")
    ap.add_argument("--keep", metavar="DIR", help="generate the giants here and keep them")
    args = ap.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="hostile-bench-")
    os.makedirs(folder, exist_ok=True)
    try:
        inputs = [
            (name, os.path.join(HOSTILE, name))
            for name in sorted(os.listdir(HOSTILE))
            if name.endswith((".yaml", ".yml", ".json"))
        ]
        inputs += generate(folder)
        print(
            f"conformance lint, one child each: RLIMIT_AS {args.limit_mb} MB, timeout {args.timeout:.0f} s, "
            f"Python {sys.version.split()[0]}\n"
        )
        print("| input | result | exit | wall time (s) | peak RSS (MB) |")
        print("| --- | --- | --- | ---: | ---: |")
        for label, path in inputs:
            status, seconds, rss, code = run_one(path, args.timeout, args.limit_mb << 20)
            print(
                f"| {label} | {status} | {'-' if code is None else code} | {seconds:.2f} | {rss:.0f} |",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
