"""Reporters are pure functions of a RunResult: same result, same bytes.

``REPORTERS[name](result, lang=..., extras=...)`` renders one format; ``FILE_NAMES[name]`` is the
default file it is written to. Modules load on first use, so the CLI does not import jinja2 unless
an HTML report is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

Reporter = Callable[..., str]  # (result, *, lang: str, extras: Mapping | None) -> str

FILE_NAMES: dict[str, str] = {
    "json": "report.json",
    "text": "report.txt",
    "html": "report.html",
    "junit": "report.junit.xml",
    "sarif": "report.sarif",
    "md": "report.md",
}

_MODULES = {
    "json": "json",
    "text": "text",
    "html": "html",
    "junit": "junit",
    "sarif": "sarif",
    "md": "markdown",
}


def _reporter(name: str) -> Reporter:
    def render(result: Any, *, lang: str = "vi", extras: Mapping[str, Any] | None = None) -> str:
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        if name == "json":
            return str(module.dumps(result))
        if name == "text":
            return str(module.render(result, lang=lang))
        return str(module.render(result, lang=lang, extras=extras))

    render.__name__ = f"render_{name}"
    return render


REPORTERS: dict[str, Reporter] = {name: _reporter(name) for name in _MODULES}

__all__ = ["FILE_NAMES", "REPORTERS", "Reporter"]
