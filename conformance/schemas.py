"""The JSON Schemas shipped in the package, and validation that names the file and line.

Every user-written file (profiles, catalogue, project files, policies, waivers) is checked here
before anything runs, and the first error becomes one line: file, line, place, message.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from . import yamlio
from .errors import ConformanceError, ProfileError

_MAX_MESSAGE = 160


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = (resources.files("conformance") / "builtin" / "schemas" / name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _fast_validator(name: str) -> Any:
    try:
        import jsonschema_rs

        return jsonschema_rs.validator_for(load_schema(name))
    except Exception:  # no fast path available: the reference validator decides alone
        return None


def fast_valid(name: str, data: Any) -> bool:
    """True when the Rust validator accepts ``data``; False means "ask the reference validator"."""
    fast = _fast_validator(name)
    if fast is None:
        return False
    try:
        return bool(fast.is_valid(data))
    except Exception:  # e.g. values the Rust side cannot convert: let jsonschema judge
        return False


def fast_valid_inline(schema: dict[str, Any], data: Any) -> bool:
    """Like ``fast_valid`` for a schema built at run time (check options); False means
    "ask the reference validator"."""
    try:
        import jsonschema_rs

        return bool(jsonschema_rs.validator_for(schema).is_valid(data))
    except Exception:
        return False


def schema_errors(schema: dict[str, Any], data: Any) -> Any:
    """jsonschema's errors, for wording: imported only when the Rust validator has said no
    (jsonschema and its dependencies cost ~50 ms of start-up that a clean run does not need)."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema).iter_errors(data)


def validate(data: Any, schema: str | dict[str, Any], *, file: str, what: str,
             loaded: yamlio.LoadedFile | None = None,
             error: type[ConformanceError] = ProfileError) -> None:
    """Raise ``error`` for the first (shallowest, then alphabetical) schema violation."""
    resolved = load_schema(schema) if isinstance(schema, str) else schema
    if isinstance(schema, str) and fast_valid(schema, data):
        return  # the common case, in Rust; the slower validator below only words the first error
    errors = schema_errors(resolved, data)
    err = min(errors, key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)), e.message),
              default=None)
    if err is None:
        return
    pointer = yamlio.join_pointer("", *err.absolute_path)
    line = col = None
    if loaded is not None:
        pos = loaded.locate(pointer)
        if pos:
            line, col = pos
    where = "/".join(str(p) for p in err.absolute_path) or "top level"
    message = err.message if len(err.message) < _MAX_MESSAGE else err.message[:_MAX_MESSAGE] + "…"
    raise error(f"invalid {what} at {where}: {message}", file=file, line=line, column=col)
