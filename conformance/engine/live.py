"""The schemathesis bridge: the only module that imports schemathesis.

It turns a spec into schemathesis operations and cases (examples first, then derandomised
generated ones), derives a malformed variant of a case, and looks up schemathesis's own checks by
name. Sending, budgets and outcomes live in ``engine/runner.py``; ``run_live`` is re-exported here
as the live engine's entry point.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from schemathesis import GenerationMode

from .runner import Credentials, LiveOptions, LiveReport, run_live

__all__ = ["Credentials", "LiveOptions", "LiveReport", "cases", "load_schema", "malformed", "operations",
           "run_live", "st_check"]

SAFE = ("GET", "HEAD", "OPTIONS")


class SchemaError(Exception):
    """schemathesis could not read the document."""


def load_schema(data: Mapping[str, Any]) -> Any:
    # The spec's `servers` are never used: every call passes base_url explicitly (runner.py).
    try:
        return schemathesis.openapi.from_dict(dict(data))
    except Exception as exc:  # schemathesis raises its own loader errors
        raise SchemaError(f"schemathesis cannot load the document: {exc}") from exc


def operations(schema: Any, *, full: bool) -> list[Any]:
    out = []
    for result in schema.get_all_operations():
        try:
            op = result.ok()
        except Exception:  # an operation schemathesis cannot model is skipped, not fatal
            continue
        if full or op.method.upper() in SAFE:
            out.append(op)
    return sorted(out, key=lambda o: (o.path, o.method.upper()))


def _draw(strategy: Any, n: int) -> list[Any]:
    """Up to n cases from a strategy, reproducibly (derandomize, no example database)."""
    found: list[Any] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def collect(case: Any) -> None:
        found.append(case)

    try:
        collect()
    except (HypothesisException, Exception):  # unsatisfiable schemas yield fewer cases, not a crash
        pass
    return found


def cases(schema: Any, op: Any, n: int, *, full: bool) -> list[Any]:
    """The spec's examples first (they name real records), then generated positive cases; in full
    mode negative cases too. Duplicates (same method, path, query and body) are dropped."""
    out: list[Any] = []
    try:
        examples = schema.get_strategies_from_examples(op)
    except Exception:
        examples = []
    if examples:
        out += _draw(st.one_of(examples), max(1, n // 2))
    out += _draw(op.as_strategy(generation_mode=GenerationMode.POSITIVE), n)
    if full:
        out += _draw(op.as_strategy(generation_mode=GenerationMode.NEGATIVE), n)
    seen: set[str] = set()
    unique = []
    for case in out:
        key = repr((case.method, case.formatted_path, sorted((case.query or {}).items(), key=str),
                    case.body if not callable(case.body) else None))
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique[: n * (3 if full else 2)]


def _resolve(root: Any, value: Any) -> Any:
    for _ in range(16):
        if not (isinstance(value, Mapping) and isinstance(value.get("$ref"), str) and value["$ref"].startswith("#/")):
            return value
        try:
            value = root.get(value["$ref"][1:])
        except Exception:
            return {}
    return {}


def _invalid_value(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return "not-a-number"
    if isinstance(schema.get("enum"), list):
        return "__not_in_enum__"
    if isinstance(schema.get("pattern"), str) or "format" in schema:
        return "!!invalid!!"
    if kind == "boolean":
        return "not-a-boolean"
    return None


def malformed(case: Any, doc: Any) -> tuple[Any, str] | None:
    """A copy of a GET case with one query parameter made invalid, and that parameter's name."""
    op = _resolve(doc, (doc.data.get("paths") or {}).get(case.operation.path, {})).get(case.method.lower(), {})
    params = list(op.get("parameters") or [])
    item = (doc.data.get("paths") or {}).get(case.operation.path, {})
    params += list(item.get("parameters") or []) if isinstance(item, dict) else []
    for raw in params:
        param = _resolve(doc, raw)
        if not isinstance(param, Mapping) or param.get("in") != "query":
            continue
        schema = _resolve(doc, param.get("schema") or {})
        bad = _invalid_value(schema) if isinstance(schema, Mapping) else None
        if bad is not None:
            name = str(param.get("name"))
            return case.derive(query={**(case.query or {}), name: bad}, keep_auth=False), name
    return None


@lru_cache(maxsize=None)
def st_check(name: str) -> Any:
    from schemathesis import checks as core
    from schemathesis.specs.openapi import checks as oas

    return getattr(oas, name, None) or getattr(core, name, None)
