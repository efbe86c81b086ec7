"""Payload formats: JSON or XML bodies, UTF-8 text, typed schemas, explicit date formats."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ... import fieldnames
from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ._util import status_class

_JSON_XML = re.compile(r"^(application/(json|xml|problem\+json|problem\+xml|[\w.+-]+\+(json|xml))|text/xml)$", re.I)


@static_check("json_or_xml_payloads", target="media_type",
              defaults={"also_allowed": ["multipart/form-data", "application/octet-stream"]},
              schema={"also_allowed": {"type": "array", "items": {"type": "string"}}})
def json_or_xml_payloads(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Bodies are JSON or XML (file transfers may use the listed media types)."""
    media = (node.name or "").split(";")[0].strip().lower()
    if _JSON_XML.match(media) or media in {m.lower() for m in ctx.options["also_allowed"]}:
        return
    yield Problem(message=f"media type {node.name!r} is neither JSON nor XML",
                  message_vi=f"kiểu dữ liệu {node.name!r} không phải JSON hay XML", pointer=node.pointer)


@static_check("utf8_charset", target="media_type")
def utf8_charset(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A media type that names a charset names UTF-8."""
    m = re.search(r"charset\s*=\s*\"?([\w.-]+)", node.name or "", re.I)
    if m and m.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        yield Problem(message=f"media type {node.name!r} declares charset {m.group(1)}; text must be UTF-8",
                      message_vi=f"kiểu dữ liệu {node.name!r} khai báo bảng mã {m.group(1)}; văn bản phải là UTF-8",
                      pointer=node.pointer)


@static_check("typed_body_schema", target="media_type")
def typed_body_schema(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Request bodies and successful JSON/XML responses have a schema with a type or a reference."""
    status = node.context.get("status")
    if node.context.get("where") == "response" and status_class(str(status)) not in ("2",):
        return
    media = (node.name or "").split(";")[0].strip().lower()
    if not _JSON_XML.match(media):
        return
    schema = node.value.get("schema") if isinstance(node.value, dict) else None
    where = "request body" if node.context.get("where") == "request" else f"{status} response"
    where_vi = "thân yêu cầu" if node.context.get("where") == "request" else f"phản hồi {status}"
    if not isinstance(schema, dict):
        yield Problem(message=f"{where} ({node.name}) has no schema",
                      message_vi=f"{where_vi} ({node.name}) không có lược đồ", pointer=node.pointer)
        return
    resolved, _ = ctx.doc.resolve(schema, "")
    if not isinstance(resolved, dict):
        return
    if not any(k in resolved for k in ("type", "$ref", "allOf", "oneOf", "anyOf", "properties")):
        yield Problem(message=f"{where} ({node.name}) schema declares no type or properties",
                      message_vi=f"lược đồ của {where_vi} ({node.name}) không khai báo kiểu hay thuộc tính",
                      pointer=node.pointer + "/schema")


_DATE_CONCEPTS = {"datetime", "date_of_birth", "id_issue_date"}


@static_check("date_format_declared", target="schema")
def date_format_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """String properties that hold dates or times declare `format: date|date-time` (or a pattern)."""
    prop = node.context.get("property")
    if not prop or node.value.get("type") not in ("string", ["string", "null"]):
        return
    if fieldnames.concept_of(str(prop)) not in _DATE_CONCEPTS:
        return
    if node.value.get("format") in ("date", "date-time", "time") or "pattern" in node.value:
        return
    yield Problem(message=f"property {prop!r} holds a date/time but declares no format (date, date-time) "
                          "or pattern",
                  message_vi=f"thuộc tính {prop!r} chứa ngày/giờ nhưng không khai báo format (date, date-time) "
                             "hay pattern",
                  pointer=node.pointer)
