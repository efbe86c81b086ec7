"""Examples and naming: request/response examples exist and validate against their schemas; field
names follow one convention."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use: jsonschema and openapi-schema-validator cost ~0.4 s
    from referencing import Registry

from ... import fieldnames
from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ...specs import SpecDocument
from ._exampleschema import DOC_URI as _DOC_URI
from ._exampleschema import fast_errors, validator_class
from ._fields import fields
from ._util import doc_memo, status_class
from .qcvn120 import packets


def _registry(doc: SpecDocument) -> Registry[Any]:
    """The whole document as one resource, so ``#/components/...`` references resolve (memoised)."""
    memo = doc_memo(doc, "examples.registry")
    if "registry" not in memo:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        spec = DRAFT202012 if doc.family == "oas31" else DRAFT4
        memo["registry"] = Registry().with_resource(
            _DOC_URI, Resource.from_contents(doc.data, default_specification=spec)
        )
    registry: Registry[Any] = memo["registry"]
    return registry


def _is_payload(node: Node) -> bool:
    media = (node.name or "").split(";")[0].strip().lower()
    if not ("json" in media or "xml" in media):
        return False
    return node.context.get("where") == "request" or status_class(str(node.context.get("status"))) == "2"


def media_examples(doc: SpecDocument, node: Node) -> Iterator[tuple[str, Any, str]]:
    """(label, value, pointer) of every example written on a media type (or on its top schema)."""
    media = node.value if isinstance(node.value, dict) else {}
    if doc.family == "swagger2":
        exs = media.get("examples")
        name = node.name or ""
        if isinstance(exs, dict) and name in exs:
            yield name, exs[name], f"{node.pointer}/examples/{name.replace('~', '~0').replace('/', '~1')}"
        return
    if "example" in media:
        yield "example", media["example"], node.pointer + "/example"
    exs = media.get("examples")
    for name, ex in exs.items() if isinstance(exs, dict) else ():
        ex, ptr = doc.resolve(
            ex, f"{node.pointer}/examples/{str(name).replace('~', '~0').replace('/', '~1')}"
        )
        if isinstance(ex, dict) and "value" in ex:
            yield str(name), ex["value"], ptr + "/value"


@static_check("examples_present", target="media_type")
def examples_present(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Request bodies and success responses (JSON/XML) carry at least one example."""
    if not _is_payload(node):
        return
    if next(media_examples(ctx.doc, node), None) is not None:
        return
    schema, _ = ctx.doc.resolve(node.value.get("schema") if isinstance(node.value, dict) else None, "")
    if isinstance(schema, dict) and ("example" in schema or schema.get("examples")):
        return
    where = (
        "request body" if node.context.get("where") == "request" else f"{node.context.get('status')} response"
    )
    where_vi = (
        "thân yêu cầu" if node.context.get("where") == "request" else f"phản hồi {node.context.get('status')}"
    )
    op = f"{(node.method or '').upper()} {node.path}"
    yield Problem(
        message=f"{op} {where} ({node.name}) has no example",
        message_vi=f"{where_vi} ({node.name}) của {op} không có ví dụ",
        pointer=node.pointer,
    )


_UNEXPECTED = re.compile(r"\((.+) (was|were) unexpected\)")


def _stable(message: str) -> str:
    """jsonschema lists unexpected property names in set order, which changes with the hash seed;
    sort them so the same document always gives the same bytes."""
    m = _UNEXPECTED.search(message)
    if not m:
        return message
    names = sorted(m.group(1).split(", "))
    return message[: m.start(1)] + ", ".join(names) + message[m.end(1):]


@static_check(
    "examples_valid",
    target="media_type",
    defaults={"max_examples": 20, "max_errors": 3},
    schema={
        "max_examples": {"type": "integer", "minimum": 1},
        "max_errors": {"type": "integer", "minimum": 1},
    },
)
def examples_valid(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Every example of a media type validates against the media type's schema."""
    if not isinstance(node.value, dict) or not isinstance(node.value.get("schema"), dict):
        return
    schema_ptr = node.pointer + "/schema"
    if ctx.doc.family == "swagger2" and node.context.get("where") != "request":
        schema_ptr = node.pointer + "/schema"
    limit, max_errors = int(ctx.options["max_examples"]), int(ctx.options["max_errors"])
    oas31 = ctx.doc.family == "oas31"
    schema_ref = f"{_DOC_URI}#{schema_ptr}"
    validator = None  # built only for an example the fast mirror leaves to jsonschema
    for i, (name, value, ptr) in enumerate(media_examples(ctx.doc, node)):
        if i >= limit:
            break
        found = fast_errors(ctx.doc, schema_ref, value, oas31)
        if found is None:
            import jsonschema

            if validator is None:
                validator = validator_class(oas31)({"$ref": schema_ref}, registry=_registry(ctx.doc))
            try:
                found = [(tuple(e.absolute_path), e.message) for e in validator.iter_errors(value)]
            except (
                jsonschema.exceptions.SchemaError,
                jsonschema.exceptions._WrappedReferencingError,
                RecursionError,
            ):
                return  # an unusable schema is STR001's finding, not an example problem
        errors = sorted(((list(map(str, path)), _stable(message)) for path, message in found))
        for path, message in errors[:max_errors]:
            at = "/" + "/".join(path)
            msg = message if len(message) <= 160 else message[:160] + "…"
            yield Problem(
                message=f"example {name!r} does not match its schema at {at}: {msg}",
                message_vi=f"ví dụ {name!r} không khớp lược đồ tại {at}: {msg}",
                pointer=ptr,
                details={"at": at},
            )


def _style(name: str) -> str | None:
    if "_" in name.strip("_"):
        return "snake"
    if "-" in name:
        return "kebab"
    return "camel" if len(fieldnames.words(name)) > 1 else None


_STANDARD = {
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "id_token",
    "client_id",
    "client_secret",
    "grant_type",
    "error_description",
    "error_uri",
    "odata.context",
    "odata.nextLink",
}


@static_check(
    "field_naming_consistent",
    target="document",
    defaults={"exempt": sorted(_STANDARD)},
    schema={"exempt": {"type": "array", "items": {"type": "string"}}},
)
def field_naming_consistent(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Property names are ASCII (no diacritics); one name is not spelt several ways (MaHoSo / mahoso /
    ma_ho_so); snake_case is not mixed with camelCase/PascalCase."""
    exempt = (
        set(ctx.options["exempt"])
        | {f for p in packets().values() for f in (p.get("fields") or ())}
        | {f for p in packets().values() for f in (p.get("envelope") or ())}
    )
    first: dict[str, str] = {}
    for f in fields(ctx.doc):
        if f.where == "property":
            first.setdefault(f.name, f.pointer)
    spellings: dict[str, list[str]] = {}
    styles: dict[str, list[str]] = {}
    for name, ptr in first.items():
        if name in exempt:  # spelt as a standard mandates; still counts as a spelling of its key
            spellings.setdefault(fieldnames.normalise(name), []).append(name)
            continue
        if not name.isascii():
            yield Problem(
                message=f"property name {name!r} is not ASCII; write Vietnamese names without diacritics "
                f"({fieldnames.normalise(name)!r}-style)",
                message_vi=f"tên thuộc tính {name!r} có ký tự ngoài ASCII; viết tên tiếng Việt không dấu",
                pointer=ptr,
            )
            continue
        spellings.setdefault(fieldnames.normalise(name), []).append(name)
        style = _style(name)
        if style:
            styles.setdefault(style, []).append(name)
    for key, names in spellings.items():
        if len(names) > 1:
            # Flag the spellings nobody mandates; the first mandated (or first seen) one is the reference.
            names = sorted(names, key=lambda n: n not in exempt)
            for other in [n for n in names[1:] if n not in exempt]:
                yield Problem(
                    message=f"property {other!r} is spelt differently from {names[0]!r} elsewhere in the API",
                    message_vi=f"thuộc tính {other!r} viết khác với {names[0]!r} ở chỗ khác trong API",
                    pointer=first[other],
                    details={"key": key, "spellings": names},
                )
    if "camel" in styles and ("snake" in styles or "kebab" in styles):
        minority: str = min((s for s in ("snake", "kebab") if s in styles), key=lambda s: len(styles[s]))
        if len(styles["camel"]) < len(styles[minority]):
            minority = "camel"
        names = styles[minority]
        majority = "camelCase/PascalCase" if minority != "camel" else "snake_case"
        yield Problem(
            message=f"{len(names)} property name(s) in {minority} style mixed with {majority}: "
            f"{', '.join(names[:6])}",
            message_vi=f"{len(names)} tên thuộc tính kiểu {minority} lẫn với kiểu {majority}: "
            f"{', '.join(names[:6])}",
            pointer=first[names[0]],
            details={"names": names},
        )
