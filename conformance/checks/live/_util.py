"""Helpers shared by live checks: locations, problems, and walking a JSON body with its schema."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ...model import Location, Problem, Severity

if TYPE_CHECKING:  # annotations only
    from ...engine.exchange import Exchange

MAX_WALK = 20_000  # values visited per body: a huge response must not stall the run


def location(ex: Exchange) -> Location:
    return Location(method=ex.method.upper(), path=ex.path, operation_id=ex.operation_id, url=ex.url)


def problem(ex: Exchange, en: str, vi: str, *, severity: Severity | None = None,
            **details: Any) -> Problem:
    """A problem about one exchange; the engine swaps ``details["exchange"]`` for its evidence."""
    prefix = f"{ex.method.upper()} {ex.path}"
    return Problem(message=f"{prefix}: {en}", message_vi=f"{prefix}: {vi}", location=location(ex),
                   details={**details, "exchange": ex.index}, severity=severity)


def resolve(doc: Any, value: Any, depth: int = 0) -> Any:
    """Follow local ``$ref``s (bounded) in the spec the run was made from."""
    while isinstance(value, Mapping) and isinstance(value.get("$ref"), str) and doc is not None and depth < 32:
        ref = value["$ref"]
        if not ref.startswith("#"):
            return {}
        try:
            value = doc.get(ref[1:])
        except Exception:  # a dangling ref: nothing to check against
            return {}
        depth += 1
    return value


def response_schema(doc: Any, ex: Exchange) -> tuple[Any, str | None]:
    """(schema, pointer) declared for this exchange's status and media type, or (None, None)."""
    responses = resolve(doc, ex.operation.get("responses")) if isinstance(ex.operation, Mapping) else None
    if not isinstance(responses, Mapping) or ex.status is None:
        return None, None
    status = str(ex.status)
    for key in (status, status[0] + "XX", status[0] + "xx", "default"):
        if key in responses:
            resp = resolve(doc, responses[key])
            content = resp.get("content") if isinstance(resp, Mapping) else None
            if not isinstance(content, Mapping):
                return None, None
            media = ex.media_type()
            for name in (media, *content):
                entry = content.get(name)
                if isinstance(entry, Mapping) and "schema" in entry:
                    return entry["schema"], f"responses/{key}/content/{name}/schema"
            return None, None
    return None, None


def walk_json(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(json pointer, property name, value) for every member of every object, depth first."""
    stack: list[tuple[str, str, Any]] = [(path, "", value)]
    seen = 0
    while stack and seen < MAX_WALK:
        ptr, name, item = stack.pop()
        seen += 1
        if name:
            yield ptr, name, item
        if isinstance(item, dict):
            for key in sorted(item, reverse=True):
                stack.append((f"{ptr}/{key}", str(key), item[key]))
        elif isinstance(item, list):
            for i in range(len(item) - 1, -1, -1):
                stack.append((f"{ptr}/{i}", name, item[i]))  # items keep their array's name


def walk_with_schema(doc: Any, schema: Any, value: Any, ptr: str = "",
                     depth: int = 0) -> Iterator[tuple[str, Mapping[str, Any], Any]]:
    """(pointer, resolved schema, value) pairs, following properties, items and allOf/anyOf/oneOf."""
    schema = resolve(doc, schema)
    if not isinstance(schema, Mapping) or depth > 64:
        return
    yield ptr, schema, value
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            yield from walk_with_schema(doc, sub, value, ptr, depth + 1)
    if isinstance(value, dict):
        props = schema.get("properties")
        if isinstance(props, Mapping):
            for name in sorted(value):
                if name in props:
                    yield from walk_with_schema(doc, props[name], value[name], f"{ptr}/{name}", depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value[:1000]):
            yield from walk_with_schema(doc, schema["items"], item, f"{ptr}/{i}", depth + 1)
