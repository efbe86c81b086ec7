"""Writing a result to report files: the one place that turns a RunResult into files on disk."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from .model import RunResult


def write_reports(result: RunResult, out_dir: str, formats: Iterable[str], *, lang: str,
                  extras: Mapping[str, Any] | None = None, root: str = ".") -> dict[str, str]:
    """Render each format into ``out_dir`` under its default file name; returns format -> path."""
    from .reporters import FILE_NAMES, REPORTERS

    formats = list(dict.fromkeys(formats))
    extras = dict(extras or {})
    if "html" in formats and "excerpts" not in extras:
        from .reporters.excerpts import collect_excerpts

        extras["excerpts"] = collect_excerpts(result, root=root)
    os.makedirs(out_dir, exist_ok=True)
    written = {}
    for fmt in formats:
        text = REPORTERS[fmt](result, lang=lang, extras=extras)
        path = os.path.join(out_dir, FILE_NAMES[fmt])
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        written[fmt] = path
    return written
