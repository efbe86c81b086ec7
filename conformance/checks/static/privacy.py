"""Personal data: marking schemas that carry it, declaring the purpose of responses that return a lot
of it, and the once-only principle (do not ask citizens again for what the state holds).

Which property names are personal data is data (``personal_data`` in fieldnames.yaml, following the
categories of NĐ 13/2023/NĐ-CP Art 2), not code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ... import fieldnames
from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ...specs import SpecDocument
from ._fields import body_schemas, label, merged
from ._util import doc_memo, schema_properties


def _marking(schema: Any) -> Any:
    return schema.get("x-vn-personal-data") if isinstance(schema, dict) else None


@static_check("personal_data_marked", target="schema")
def personal_data_marked(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """An object schema with personal-data properties carries ``x-vn-personal-data`` (on the schema or on
    each of those properties)."""
    props = schema_properties(ctx.doc, node.value)
    if not props:
        return  # most schemas are leaves
    personal = fieldnames.personal_data_concepts()
    own = _marking(node.value)
    unmarked: list[str] = []
    for name, (sub, _ptr) in props.items():
        if fieldnames.concept_of(name) not in personal:
            continue
        target, _ = merged(ctx.doc, sub, "")
        if _marking(sub) not in (None, False) or _marking(target) not in (None, False):
            continue
        unmarked.append(name)
    # An address alone identifies no one; it is personal data as part of a person (whose schema, with a
    # name or an id number, is checked itself). An explicit `false` is the author's reviewed declaration.
    if not unmarked or own is False or all(fieldnames.concept_of(n) == "address" for n in unmarked):
        return
    shown = ", ".join(unmarked[:6]) + ("…" if len(unmarked) > 6 else "")
    if own is None:
        yield Problem(
            message=f"schema has personal-data properties ({shown}) but no x-vn-personal-data marking",
            message_vi=f"lược đồ có thuộc tính dữ liệu cá nhân ({shown}) nhưng không đánh dấu "
            "x-vn-personal-data",
            pointer=node.pointer,
            details={"properties": unmarked},
        )


def personal_fields(doc: SpecDocument, schema: Any, *, depth: int = 0) -> frozenset[str]:
    """Names of personal-data properties reachable from a schema (bounded depth; each schema object is
    computed once per document, so large specs with shared components stay linear)."""
    memo: dict[int, frozenset[str]] = doc_memo(doc, "personal_fields")
    schema, _ = doc.resolve(schema, "")
    if not isinstance(schema, dict) or depth > 6:
        return frozenset()
    if id(schema) in memo:
        return memo[id(schema)]
    memo[id(schema)] = frozenset()  # cycle guard: a schema reached again while in progress adds nothing
    personal = fieldnames.personal_data_concepts()
    found: set[str] = set()
    subs: list[Any] = [
        schema[k] for k in ("items", "additionalProperties") if isinstance(schema.get(k), dict)
    ]
    for k in ("oneOf", "anyOf"):
        alternatives = schema.get(k)
        if isinstance(alternatives, list):
            subs += alternatives
    for name, (sub, _p) in schema_properties(doc, schema).items():
        if fieldnames.concept_of(name) in personal:
            found.add(name)
        subs.append(sub)
    for sub in subs:
        found |= personal_fields(doc, sub, depth=depth + 1)
    memo[id(schema)] = frozenset(found)
    return memo[id(schema)]


def _purpose(op: dict[str, Any]) -> bool:
    if isinstance(op.get("x-vn-purpose"), str) and op["x-vn-purpose"].strip():
        return True
    marking = op.get("x-vn-personal-data")
    return isinstance(marking, dict) and bool(str(marking.get("purpose", "")).strip())


@static_check(
    "personal_data_purpose",
    target="operation",
    defaults={"max_personal_fields": 3},
    schema={"max_personal_fields": {"type": "integer", "minimum": 0}},
)
def personal_data_purpose(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """An operation whose success responses return more than a few personal-data fields declares the
    purpose (``x-vn-purpose``) so a reviewer can judge minimisation."""
    found: set[str] = set()
    for _mt, schema, _ptr in body_schemas(ctx.doc, node.value, node.pointer, request=False):
        found |= personal_fields(ctx.doc, schema)
    limit = int(ctx.options["max_personal_fields"])
    if len(found) > limit and not _purpose(node.value):
        shown = ", ".join(sorted(found)[:8])
        where = label(node.method, node.path)
        yield Problem(
            message=f"{where} returns {len(found)} personal-data fields ({shown}) without a declared "
            "purpose (x-vn-purpose)",
            message_vi=f"{where} trả về {len(found)} trường dữ liệu cá nhân ({shown}) mà không khai báo mục "
            "đích (x-vn-purpose)",
            pointer=node.pointer,
            details={"fields": sorted(found)},
        )


def _required_concepts(doc: SpecDocument, schema: Any, depth: int = 0) -> set[str]:
    """Concepts of required properties, following required object properties one level down."""
    schema, _ = doc.resolve(schema, "")
    out: set[str] = set()
    if not isinstance(schema, dict) or depth > 3:
        return out
    props = schema_properties(doc, schema)
    required = schema.get("required")
    for name in required if isinstance(required, list) else ():
        if name not in props:
            continue
        concept = fieldnames.concept_of(name)
        if concept:
            out.add(concept)
        out |= _required_concepts(doc, props[name][0], depth + 1)
    if isinstance(schema.get("items"), dict):
        out |= _required_concepts(doc, schema["items"], depth + 1)
    return out


@static_check(
    "once_only_candidates",
    target="operation",
    defaults={"attributes": ["full_name", "date_of_birth"], "identifier": "personal_id"},
    schema={"attributes": {"type": "array", "items": {"type": "string"}}, "identifier": {"type": "string"}},
)
def once_only_candidates(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A submission that requires a personal identification number does not also require the attributes
    the population database already holds for it (name and date of birth by default)."""
    if node.method not in ("post", "put", "patch"):
        return
    required: set[str] = set()
    for _mt, schema, _ptr in body_schemas(ctx.doc, node.value, node.pointer, request=True):
        required |= _required_concepts(ctx.doc, schema)
    attrs = [a for a in ctx.options["attributes"] if a in required]
    if ctx.options["identifier"] in required and attrs and len(attrs) == len(ctx.options["attributes"]):
        where = label(node.method, node.path)
        yield Problem(
            message=f"{where} requires a personal identification number and also {', '.join(attrs)}; "
            "these can be read from the national population database (once-only candidate)",
            message_vi=f"{where} bắt buộc số định danh cá nhân và cả {', '.join(attrs)}; các thông tin này "
            "có thể lấy từ CSDL quốc gia về dân cư (ứng viên cho nguyên tắc chỉ cung cấp một lần)",
            pointer=node.pointer + "/requestBody" if "requestBody" in node.value else node.pointer,
        )
