"""``x-vn-*`` extensions: names are known (misspellings get a suggestion) and values match
``builtin/extensions.schema.json`` at the places the extension is read.

The extension schema is the single source of names, places, aliases and value shapes; nothing
about individual extensions is written here.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use (~0.2 s): most documents carry no x-vn-* extension
    import jsonschema

from ...model import Problem
from ...nodes import Node, walk
from ...registry import CheckContext, static_check
from ...specs import SpecDocument, iter_mappings
from ...yamlio import escape_token, join_pointer
from ._util import doc_memo

_PREFIX = re.compile(r"^x[-_]?vn[-_]", re.I)
_PLACE = {
    "document": "root",
    "info": "info",
    "server": "server",
    "tag": "tag",
    "security_scheme": "security-scheme",
    "path": "path-item",
    "operation": "operation",
    "parameter": "parameter",
    "request_body": "request-body",
    "response": "response",
    "header": "header",
    "media_type": "media-type",
}


@lru_cache(maxsize=1)
def extension_schema() -> Mapping[str, Any]:
    path = resources.files("conformance") / "builtin" / "extensions.schema.json"
    data: Mapping[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def known_names() -> list[str]:
    return sorted(extension_schema().get("x-vn-places") or {})


def suggest(name: str) -> str | None:
    """The extension a misspelt name most likely meant: a registered alias, else the closest name."""
    aliases = extension_schema().get("x-vn-aliases") or {}
    lower = name.lower().replace("_", "-")
    lower = re.sub(r"^x-?vn-", "x-vn-", lower)
    if lower in known_names():
        return lower
    if lower in aliases:
        return str(aliases[lower])
    close = difflib.get_close_matches(lower, known_names(), n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown(key: Any, known: set[str]) -> bool:
    return isinstance(key, str) and key not in known and _PREFIX.match(key) is not None


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _x_keys(doc: SpecDocument) -> frozenset[str]:
    """Every key of the document that starts with x or X, from one scan shared by both rules. Most
    documents have no ``x-vn-*`` key at all, and this scan (no pointers built) is 3x faster than
    ``iter_mappings``; the rules then walk the document only when a key concerns them."""
    memo = doc_memo(doc, "x_keys")
    if "keys" not in memo:
        found: set[str] = set()
        stack = [doc.data]
        push = stack.append
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key.__class__ is str and key[:1] in "xX":
                        found.add(key)
                    if value.__class__ not in _SCALARS:  # cheaper than isinstance on every value
                        push(value)
            elif isinstance(node, list):
                for value in node:
                    if value.__class__ not in _SCALARS:
                        push(value)
        memo["keys"] = frozenset(found)
    keys: frozenset[str] = memo["keys"]
    return keys


@static_check("x_vn_extension_names", target="document")
def x_vn_extension_names(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Every ``x-vn-*`` key is a documented extension; a misspelt one is reported with the closest name."""
    known = set(known_names())
    if not any(_unknown(key, known) for key in _x_keys(ctx.doc)):
        return
    for mapping, ptr in iter_mappings(ctx.doc.data):
        for key in mapping:
            if not _unknown(key, known):
                continue
            hint = suggest(key)
            yield Problem(
                message=f"unknown extension {key!r}"
                + (f"; did you mean {hint!r}?" if hint else " (see docs/extensions.md)"),
                message_vi=f"phần mở rộng không xác định {key!r}"
                + (f"; có phải {hint!r}?" if hint else " (xem docs/extensions.md)"),
                pointer=join_pointer(ptr, key),
                details={"suggestion": hint},
            )


@lru_cache(maxsize=64)
def _validator(def_ref: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = {**{k: v for k, v in extension_schema().items() if k == "$defs"}, "$ref": def_ref}
    return jsonschema.Draft202012Validator(schema)


def _def_for(name: str, place: str) -> str:
    place_defs = (extension_schema().get("x-vn-place-defs") or {}).get(name) or {}
    return str(place_defs.get(place, f"#/$defs/{name}"))


def _places(doc_nodes: Iterator[Node]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(place kind, pointer, object) for every object an extension may sit on."""
    for node in doc_nodes:
        if not isinstance(node.value, dict):
            continue
        if node.kind == "schema":
            prop = node.context.get("property")
            tail = f"/properties/{escape_token(str(prop))}" if prop else None
            yield ("property" if tail and node.pointer.endswith(tail) else "schema"), node.pointer, node.value
            props = node.value.get("properties")
            for name, sub in props.items() if isinstance(props, dict) else ():
                if (
                    isinstance(sub, dict) and "$ref" in sub
                ):  # not yielded by the walk; its siblings still count
                    yield "property", join_pointer(node.pointer, "properties", name), sub
        elif node.kind in _PLACE:
            yield _PLACE[node.kind], node.pointer, node.value


@static_check("x_vn_extension_values", target="document")
def x_vn_extension_values(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A known ``x-vn-*`` extension sits where it is read and its value has the documented type."""
    places = extension_schema().get("x-vn-places") or {}
    if not any(key in places for key in _x_keys(ctx.doc)):
        return  # no known extension anywhere
    seen: set[str] = set()
    for place, ptr, obj in _places(walk(ctx.doc)):
        for key, value in obj.items():
            if key not in places:
                continue
            at = join_pointer(ptr, key)
            if at in seen:
                continue
            seen.add(at)
            allowed = list(places[key])
            if place not in allowed:
                yield Problem(
                    message=f"{key} is not read on a {place} object (allowed on: {', '.join(allowed)})",
                    message_vi=f"{key} không được đọc trên đối tượng {place} (chỉ dùng trên: "
                    f"{', '.join(allowed)})",
                    pointer=at,
                )
                continue
            from jsonschema.exceptions import best_match

            error = best_match(_validator(_def_for(key, place)).iter_errors(value))
            if error is not None:
                msg = error.message if len(error.message) <= 160 else error.message[:160] + "…"
                yield Problem(
                    message=f"{key} value {json.dumps(value, ensure_ascii=False, default=str)[:80]} is "
                    f"invalid: {msg}",
                    message_vi=f"giá trị {key} {json.dumps(value, ensure_ascii=False, default=str)[:80]} "
                    f"không hợp lệ: {msg}",
                    pointer=at,
                )
