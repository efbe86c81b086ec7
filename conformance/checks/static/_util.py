"""Small helpers shared by static checks (pure functions over plain data)."""

from __future__ import annotations

from typing import Any

from ...specs import SpecDocument


def doc_memo(doc: SpecDocument, name: str) -> dict[Any, Any]:
    """A memo that lives as long as the document (in ``doc.cache``), emptied if its data is replaced:
    entries may be keyed by ``id()`` of objects in the data."""
    entry = doc.cache.get(name)
    if entry is None or entry[0] is not doc.data:
        entry = doc.cache[name] = (doc.data, {})
    memo: dict[Any, Any] = entry[1]
    return memo


def schema_properties(doc: SpecDocument, schema: Any, *, depth: int = 0) -> dict[str, tuple[Any, str]]:
    """Top-level properties of a schema, through $ref and allOf: name -> (resolved schema, pointer)."""
    out: dict[str, tuple[Any, str]] = {}
    if depth > 8 or not isinstance(schema, dict):
        return out
    if "properties" not in schema and "allOf" not in schema and "$ref" not in schema:
        return out  # a leaf schema, most of them: several rules ask about every schema
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
