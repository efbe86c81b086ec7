"""Fields of a document (schema properties and parameters) with their resolved schemas.

Many national rules judge a field by its name (``MaTinh``, ``SoDinhDanh``) and its schema. The node
walk does not yield a property that is only a ``$ref`` into components (the component is yielded
on its own, without the property name), so rules that need the name iterate fields here instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ... import fieldnames
from ...model import Problem
from ...nodes import walk
from ...patterns import pattern_accepts  # noqa: F401  (re-exported for checks)
from ...specs import SpecDocument
from ...yamlio import escape_token, join_pointer
from ._util import doc_memo


# Read-only by convention, not frozen: a frozen dataclass costs 4x to build and GitHub has 40k fields.
@dataclass(slots=True)
class Field:
    name: str
    schema: dict[str, Any]  # resolved; keys written beside a $ref (x-vn-*, example) are merged in
    pointer: str  # where the field is declared: the property or the parameter
    schema_pointer: str  # where its schema lives (a component when referenced); report shape here
    where: str  # "property" | "parameter"
    holder: dict[str, Any]  # the parameter object, or the object schema owning the property
    concept: str | None  # fieldnames.concept_of(name), computed once: every national rule asks


def fields(doc: SpecDocument) -> tuple[Field, ...]:
    """Every field of the document once, memoised in ``doc.cache``: many rules ask in one run."""
    memo = doc_memo(doc, "fields")
    if "all" not in memo:
        memo["all"] = tuple(_collect(doc))
    found: tuple[Field, ...] = memo["all"]
    return found


def merged(doc: SpecDocument, value: Any, pointer: str) -> tuple[dict[str, Any], str]:
    """Resolve ``value``; keys beside a ``$ref`` (allowed in 3.1, common in practice) win."""
    if isinstance(value, dict) and "$ref" not in value:  # most values: nothing to resolve
        return value, pointer
    resolved, ptr = doc.resolve(value, pointer)
    if not isinstance(resolved, dict):
        return {}, ptr
    if isinstance(value, dict) and "$ref" in value and len(value) > 1:
        return {**resolved, **{k: v for k, v in value.items() if k != "$ref"}}, ptr
    return resolved, ptr


def _element(doc: SpecDocument, schema: dict[str, Any], ptr: str) -> tuple[dict[str, Any], str]:
    """An array field (DanhSachMaSoThue) is judged by its items: the codes are in the elements."""
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        items, iptr = merged(doc, schema["items"], ptr + "/items")
        if items:
            return items, iptr
    return schema, ptr


def _collect(doc: SpecDocument) -> Iterator[Field]:
    concept_of = fieldnames.concept_of
    for node in walk(doc):
        if node.kind == "schema" and isinstance(node.value, dict):
            props = node.value.get("properties")
            if not isinstance(props, dict):
                continue
            base = node.pointer + "/properties/"
            for key, value in props.items():
                name = str(key)
                ptr = base + escape_token(name)
                schema, sptr = merged(doc, value, ptr)
                if schema.get("type") == "array":
                    schema, sptr = _element(doc, schema, sptr)
                yield Field(name, schema, ptr, sptr, "property", node.value, concept_of(name))
        elif node.kind == "parameter" and isinstance(node.value, dict):
            param = node.value
            if param.get("in") == "body":
                continue
            if "schema" in param:
                schema, sptr = merged(doc, param["schema"], node.pointer + "/schema")
            else:  # Swagger 2.0 keeps the schema keywords on the parameter itself
                schema, sptr = param, node.pointer
            schema, sptr = _element(doc, schema, sptr)
            name = str(param.get("name", ""))
            yield Field(name, schema, node.pointer, sptr, "parameter", param, concept_of(name))


def field_values(doc: SpecDocument, field: Field) -> Iterator[tuple[Any, str, str]]:
    """Literal values written for a field: (value, pointer, what) for enum, default, const, examples."""
    s, sp = field.schema, field.schema_pointer
    for i, v in enumerate(s.get("enum") or () if isinstance(s.get("enum"), list) else ()):
        yield v, f"{sp}/enum/{i}", "enum"
    for key in ("default", "const", "example"):
        if key in s:
            yield s[key], f"{sp}/{key}", key
    if isinstance(s.get("examples"), list):
        for i, v in enumerate(s["examples"]):
            yield v, f"{sp}/examples/{i}", "example"
    if field.where == "parameter":
        p = field.holder
        if "example" in p:
            yield p["example"], f"{field.pointer}/example", "example"
        if isinstance(p.get("examples"), dict):
            for name, ex in p["examples"].items():
                ex, eptr = doc.resolve(ex, join_pointer(field.pointer, "examples", name))
                if isinstance(ex, dict) and "value" in ex:
                    yield ex["value"], eptr + "/value", "example"




def is_string_type(schema: dict[str, Any]) -> bool:
    t = schema.get("type")
    return t == "string" or (isinstance(t, list) and "string" in t)


def is_number_type(schema: dict[str, Any]) -> bool:
    t = schema.get("type")
    types = t if isinstance(t, list) else [t]
    return any(x in ("integer", "number") for x in types) and "string" not in types


DEFAULT_PUBLIC_TAGS = ("public", "open-data", "health", "discovery")


def is_public(doc: SpecDocument, op: dict[str, Any], public_tags: Any = DEFAULT_PUBLIC_TAGS) -> bool:
    """An operation deliberately open: marked ``x-vn-public``, or tagged with a public tag (a tag
    name in ``public_tags`` or a root tag object marked ``x-vn-public: true``)."""
    if op.get("x-vn-public") is True:
        return True
    names = {str(t).lower() for t in public_tags} | _public_root_tags(doc)
    tags = {str(t).lower() for t in op.get("tags") or () if isinstance(t, str)}
    return bool(tags & names)


def _public_root_tags(doc: SpecDocument) -> frozenset[str]:
    """Root tags marked ``x-vn-public: true``, lower-cased (once per document: asked per operation)."""
    memo = doc_memo(doc, "public_root_tags")
    if "names" not in memo:
        root_tags = doc.data.get("tags") if isinstance(doc.data, dict) else None
        memo["names"] = frozenset(
            str(tag.get("name")).lower()
            for tag in (root_tags if isinstance(root_tags, list) else ())
            if isinstance(tag, dict) and tag.get("x-vn-public") is True
        )
    names: frozenset[str] = memo["names"]
    return names


def security_schemes(doc: SpecDocument) -> dict[str, dict[str, Any]]:
    """Security schemes by name, resolved (2.0 securityDefinitions or 3.x components)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    if doc.family == "swagger2":
        raw = data.get("securityDefinitions")
    else:
        comps = data.get("components")
        raw = comps.get("securitySchemes") if isinstance(comps, dict) else None
    out: dict[str, dict[str, Any]] = {}
    for name, scheme in raw.items() if isinstance(raw, dict) else ():
        value, _ = doc.resolve(scheme, "")
        if isinstance(value, dict):
            out[str(name)] = value
    return out


def body_schemas(
    doc: SpecDocument, op: dict[str, Any], op_ptr: str, *, request: bool, statuses: str = "2"
) -> Iterator[tuple[str, Any, str]]:
    """(media type, schema, pointer of the schema) of an operation's request body or responses
    whose status class is in ``statuses`` (e.g. "2", "45")."""
    if request:
        if doc.family == "swagger2":
            for i, p in enumerate(op.get("parameters") or ()):
                p, pptr = doc.resolve(p, f"{op_ptr}/parameters/{i}")
                if isinstance(p, dict) and p.get("in") == "body" and "schema" in p:
                    yield "application/json", p["schema"], f"{pptr}/schema"
            return
        body, bptr = doc.resolve(op.get("requestBody"), op_ptr + "/requestBody")
        items = [("", body, bptr)]
    else:
        items = []
        for status, resp in (
            (op.get("responses") or {}).items() if isinstance(op.get("responses"), dict) else ()
        ):
            if str(status)[:1] in statuses:
                resp, rptr = doc.resolve(resp, join_pointer(op_ptr, "responses", status))
                items.append((str(status), resp, rptr))
    for _status, holder, hptr in items:
        if not isinstance(holder, dict):
            continue
        if "schema" in holder and doc.family == "swagger2":
            yield "application/json", holder["schema"], f"{hptr}/schema"
        content = holder.get("content")
        for mt, media in content.items() if isinstance(content, dict) else ():
            if isinstance(media, dict) and "schema" in media:
                yield str(mt), media["schema"], join_pointer(hptr, "content", mt, "schema")


def label(method: str | None, path: str | None) -> str:
    return f"{(method or '').upper()} {path}"


def once_per_pointer(func: Callable[..., Iterable[Problem]]) -> Callable[..., Iterator[Problem]]:
    """At most one finding per location: a component referenced from many fields is judged once."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Problem]:
        seen: set[str | None] = set()
        for problem in func(*args, **kwargs):
            if problem.pointer not in seen:
                seen.add(problem.pointer)
                yield problem

    return wrapper
