"""Spec excerpts around finding lines, for the HTML report (``extras["excerpts"]``).

Reading files is the one impure step of reporting, so it lives here and not in a reporter: the
caller collects excerpts once and passes them in. Bounded on purpose: only files that are
subjects of the run or sit beside one are read (a re-rendered result JSON cannot make us read
/etc/passwd), scanning stops after ``max_scan_bytes``, each window keeps at most ``max_window_bytes``
and each line at most ``max_line_chars``; missing or unreadable files are skipped.
"""

from __future__ import annotations

import os

from ..model import RunResult

Excerpts = dict[tuple[str, int], list[tuple[int, str]]]


def _allowed_roots(result: RunResult, root: str) -> list[str]:
    roots = []
    for s in result.subjects:
        if s.path:
            path = os.path.realpath(os.path.join(root, s.path))
            roots.append(path if os.path.isdir(path) else os.path.dirname(path))
    return roots


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def collect_excerpts(
    result: RunResult,
    *,
    context: int = 3,
    root: str = ".",
    max_window_bytes: int = 200 * 1024,
    max_scan_bytes: int = 16 * 1024 * 1024,
    max_line_chars: int = 400,
) -> Excerpts:
    """Map (file as written in the finding, line) to [(lineno, text)] for lines line±context."""
    wanted: dict[str, set[int]] = {}
    for f in result.findings():
        if f.location.file and f.location.line:
            wanted.setdefault(f.location.file, set()).add(f.location.line)
    roots = _allowed_roots(result, root)
    out: Excerpts = {}
    for name in sorted(wanted):
        path = os.path.realpath(os.path.join(root, name))
        if not _inside(path, roots) or not os.path.isfile(path):
            continue
        lines = sorted(wanted[name])
        keep = {n for line in lines for n in range(max(1, line - context), line + context + 1)}
        last = max(keep)
        got: dict[int, str] = {}
        try:
            with open(path, "rb") as fh:
                scanned, lineno = 0, 0
                while lineno < last and scanned < max_scan_bytes:
                    raw = fh.readline(64 * 1024)  # a bounded read even for a file with no newlines
                    if not raw:
                        break
                    scanned += len(raw)
                    if raw.endswith(b"\n") or len(raw) < 64 * 1024:
                        lineno += 1
                    else:  # an over-long line: skip the rest of it without holding it in memory
                        lineno += 1
                        while raw and not raw.endswith(b"\n") and scanned < max_scan_bytes:
                            raw = fh.readline(64 * 1024)
                            scanned += len(raw)
                    if lineno in keep:
                        text = raw.decode("utf-8", "replace").rstrip("\r\n")
                        got[lineno] = text[:max_line_chars] + ("…" if len(text) > max_line_chars else "")
        except OSError:
            continue
        for line in lines:
            window, size = [], 0
            for n in range(max(1, line - context), line + context + 1):
                if n in got and size + len(got[n]) <= max_window_bytes:
                    window.append((n, got[n]))
                    size += len(got[n])
            if window:
                out[(name, line)] = window
    return out
