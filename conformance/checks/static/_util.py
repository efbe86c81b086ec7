"""Small helpers shared by static checks (pure functions over plain data)."""

from __future__ import annotations

from typing import Any

from ...specs import SpecDocument


def schema_properties(doc: SpecDocument, schema: Any, *, depth: int = 0) -> dict[str, tuple[Any, str]]:
    """Top-level properties of a schema, through $ref and allOf: name -> (resolved schema, pointer)."""
    out: dict[str, tuple[Any, str]] = {}
    if depth > 8 or not isinstance(schema, dict):
        return out
    schema, ptr = doc.resolve(schema, "")
    if not isinstance(schema, dict):
        return out
    props = schema.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            out[name] = (sub, ptr)
    for sub in schema.get("allOf", []) if isinstance(schema.get("allOf"), list) else []:
        for name, val in schema_properties(doc, sub, depth=depth + 1).items():
            out.setdefault(name, val)
    return out


def status_class(status: str) -> str:
    """'200' -> '2', '4XX' -> '4', 'default' -> 'default'."""
    return status[:1] if status[:1].isdigit() else status.lower()


def effective_type(doc: SpecDocument, schema: Any) -> Any:
    resolved, _ = doc.resolve(schema, "")
    return resolved.get("type") if isinstance(resolved, dict) else None
