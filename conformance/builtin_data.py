"""The package's own YAML data (catalogue, profiles, field names, ...), parsed at build time.

``python -m conformance.docs`` writes ``builtin/compiled.json``: for each built-in YAML file, the
sha256 of its text and the data ``yamlio.parse`` gives for it, as JSON. At run time a file whose
text still has that hash is read from there; any other (an edit not yet compiled) is parsed as
before, so the cache can be stale but never wrong. What it saves is importing and running the
YAML machinery (~40 ms of start-up) in a run whose documents are JSON. CI's ``docs --check`` keeps
it current; tests hold every entry equal to a fresh parse.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

COMPILED = "compiled.json"


def parse_builtin(rel: str, text: str, *, path: str | None = None) -> Any:
    """``yamlio.parse(text, path=path or rel)`` for ``builtin/<rel>``, from the compiled table
    when it holds this exact text."""
    entry = _table().get(rel)
    if entry is not None and entry["sha256"] == _digest(text):
        return _loads(entry["json"])  # a fresh object each time: callers may keep or change it
    from . import yamlio

    return yamlio.parse(text, path=path or rel)


def compile_builtin(root: Any = None) -> str:
    """The text of ``builtin/compiled.json`` for the YAML files under ``builtin/`` (the agency
    examples excepted: they are inputs, read like any user's files)."""
    from . import yamlio

    base = root or resources.files("conformance") / "builtin"
    table: dict[str, Any] = {}
    for rel, entry in sorted(_yaml_files(base)):
        text = entry.read_text("utf-8")
        data = yamlio.parse(text, path=rel)
        table[rel] = {"sha256": _digest(text), "json": json.dumps(data, ensure_ascii=False)}
    return json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _yaml_files(base: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for entry in base.iterdir():
        rel = f"{prefix}{entry.name}"
        if entry.is_dir():
            if rel != "examples":
                out.extend(_yaml_files(entry, rel + "/"))
        elif entry.name.endswith(".yaml"):
            out.append((rel, entry))
    return out


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    try:
        text = (resources.files("conformance") / "builtin" / COMPILED).read_text("utf-8")
        table: dict[str, Any] = _loads(text)
    except (OSError, ValueError):
        return {}
    return table


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _loads(text: str) -> Any:
    try:
        import orjson

        return orjson.loads(text)
    except ImportError:  # pragma: no cover
        return json.loads(text)
