"""Platform readiness: NDXP routing header, correlation ids, caller identity, pagination, update
messages (TT 13/2017), data classification and open data (NĐ 278/2025, NĐ 194/2025)."""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Iterator
from typing import Any

from ... import fieldnames
from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ._fields import DEFAULT_PUBLIC_TAGS, body_schemas, is_public, label, pattern_accepts, security_schemes
from ._util import schema_properties, status_class


def _channels(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value} if isinstance(value, list) else set()


def _info(ctx: CheckContext) -> dict[str, Any]:
    info = ctx.doc.data.get("info") if isinstance(ctx.doc.data, dict) else None
    return info if isinstance(info, dict) else {}


def _header_params(node: Node) -> dict[str, tuple[str, dict[str, Any]]]:
    out = {}
    for ptr, p in node.context.get("parameters") or ():
        if p.get("in") == "header":
            out[str(p.get("name", "")).lower()] = (ptr, p)
    return out


_DSTCODE_SAMPLE = "VN:GOV:000.00.00.G22:vpcpdvcprovider"


@static_check("ndxp_dstcode_header", target="operation")
def ndxp_dstcode_header(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Operations routed through the NDXP adapter declare a ``dstcode`` header whose pattern is the X-Road
    style service code ``VN:GOV:<agency code>:<service>``."""
    headers = _header_params(node)
    routed = "ndxp-adapter" in _channels(node.value.get("x-vn-channel")) | _channels(
        _info(ctx).get("x-vn-channel")
    )
    if not routed and "dstcode" not in headers:
        return
    where = label(node.method, node.path)
    if "dstcode" not in headers:
        yield Problem(
            message=f"{where} is routed through the NDXP adapter but declares no dstcode header",
            message_vi=f"{where} đi qua bộ điều hợp NDXP nhưng không khai báo tiêu đề dstcode",
            pointer=node.pointer,
        )
        return
    ptr, param = headers["dstcode"]
    schema, _ = ctx.doc.resolve(param.get("schema", param), "")
    pattern = schema.get("pattern") if isinstance(schema, dict) else None
    if not pattern_accepts(pattern, _DSTCODE_SAMPLE) or pattern_accepts(pattern, "vpcpdvcprovider"):
        shown = repr(pattern) if pattern else "none"
        yield Problem(
            message=f"{where}: dstcode header pattern is {shown}; expected the service code form "
            r"^VN:GOV:[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}:[A-Za-z0-9._-]+$ "
            f"(e.g. {_DSTCODE_SAMPLE})",
            message_vi=f"{where}: pattern của tiêu đề dstcode là {shown}; cần dạng mã dịch vụ "
            r"^VN:GOV:[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}:[A-Za-z0-9._-]+$ "
            f"(ví dụ {_DSTCODE_SAMPLE})",
            pointer=ptr,
        )


@static_check(
    "correlation_id",
    target="operation",
    defaults={"headers": ["X-Request-ID", "X-Correlation-ID", "traceparent"]},
    schema={"headers": {"type": "array", "items": {"type": "string"}}},
)
def correlation_id(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A correlation header is accepted as a request parameter and returned on success responses."""
    names = {h.lower() for h in ctx.options["headers"]}
    declared = _info(ctx).get("x-vn-correlation-header")
    if isinstance(declared, str):
        names = {declared.lower()}  # the API said which one it uses
    where = label(node.method, node.path)
    if not names & set(_header_params(node)):
        yield Problem(
            message=f"{where} accepts no correlation header ({', '.join(sorted(names))})",
            message_vi=f"{where} không nhận tiêu đề tương quan ({', '.join(sorted(names))})",
            pointer=node.pointer,
        )
    responses = node.value.get("responses")
    for status, resp in responses.items() if isinstance(responses, dict) else ():
        if status_class(str(status)) != "2":
            continue
        resp, rptr = ctx.doc.resolve(resp, f"{node.pointer}/responses/{status}")
        headers = resp.get("headers") if isinstance(resp, dict) else None
        if not names & {str(h).lower() for h in (headers or {})}:
            yield Problem(
                message=f"{where} {status} response does not return the correlation header",
                message_vi=f"phản hồi {status} của {where} không trả lại tiêu đề tương quan",
                pointer=rptr,
            )


_TOKEN_TYPES = {"oauth2", "openIdConnect", "mutualTLS"}


@static_check(
    "caller_identifiable",
    target="operation",
    defaults={"public_tags": list(DEFAULT_PUBLIC_TAGS)},
    schema={"public_tags": {"type": "array", "items": {"type": "string"}}},
)
def caller_identifiable(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """The calling agency is identifiable: an OAuth 2.0/OIDC/mTLS scheme (client identity in the token or
    certificate) or an agency-code parameter or body field."""
    if is_public(ctx.doc, node.value, ctx.options["public_tags"]):
        return
    schemes = security_schemes(ctx.doc)
    security = node.context.get("security")
    reqs = [r for r in security if isinstance(r, dict) and r] if isinstance(security, list) else []
    if reqs and all(any(schemes.get(n, {}).get("type") in _TOKEN_TYPES for n in r) for r in reqs):
        return
    for _ptr, p in node.context.get("parameters") or ():
        if fieldnames.concept_of(p.get("name")) == "agency_code":
            return
    for _mt, schema, _p in body_schemas(ctx.doc, node.value, node.pointer, request=True):
        if any(fieldnames.concept_of(n) == "agency_code" for n in schema_properties(ctx.doc, schema)):
            return
    where = label(node.method, node.path)
    yield Problem(
        message=f"{where}: the calling agency cannot be identified (no OAuth 2.0/OIDC/mTLS scheme on every "
        "alternative, no agency-code parameter or field)",
        message_vi=f"{where}: không xác định được cơ quan gọi (không có OAuth 2.0/OIDC/mTLS cho "
        "mọi phương án "
        "xác thực, không có tham số hay trường mã cơ quan)",
        pointer=node.pointer,
    )


_PAGE_PARAMS = {
    "page",
    "pagenumber",
    "pageno",
    "pagesize",
    "limit",
    "offset",
    "cursor",
    "pagetoken",
    "nextpagetoken",
    "perpage",
    "size",
    "after",
    "before",
    "top",
    "skip",
    "trang",
    "sotrang",
    "soluong",
    "kichthuoctrang",
    "sobanghi",
    "continuationtoken",
    "start",
    "count",
}
_LIST_CONTAINERS = {"danhsach", "data", "items", "results", "records", "content", "list", "value", "rows"}


def is_list_operation(ctx: CheckContext, node: Node) -> bool:
    """A GET whose success body is an unbounded array, or an object wrapping one in a list container."""
    if node.method != "get":
        return False
    for _mt, schema, _p in body_schemas(ctx.doc, node.value, node.pointer, request=False):
        schema, _ = ctx.doc.resolve(schema, "")
        if not isinstance(schema, dict):
            continue
        arrays = (
            [schema]
            if schema.get("type") == "array"
            else [
                s
                for n, (s, _) in schema_properties(ctx.doc, schema).items()
                if fieldnames.normalise(n) in _LIST_CONTAINERS
            ]
        )
        for arr in arrays:
            arr, _ = ctx.doc.resolve(arr, "")
            if (
                isinstance(arr, dict)
                and arr.get("type") == "array"
                and not isinstance(arr.get("maxItems"), int)
            ):
                return True
    return False


def is_paginated(node: Node) -> bool:
    names = {
        fieldnames.normalise(str(p.get("name", "")).lstrip("$"))
        for _ptr, p in node.context.get("parameters") or ()
    }
    return bool(names & _PAGE_PARAMS)


@static_check("list_pagination", target="operation")
def list_pagination(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """List endpoints (GET returning an unbounded array) take pagination parameters (page/limit, offset,
    cursor; Trang/SoLuong)."""
    if is_list_operation(ctx, node) and not is_paginated(node):
        where = label(node.method, node.path)
        yield Problem(
            message=f"{where} returns an unbounded list but takes no pagination parameter (page/limit, "
            "offset, cursor)",
            message_vi=f"{where} trả về danh sách không giới hạn nhưng không có tham số phân trang (trang/số "
            "lượng, offset, cursor)",
            pointer=node.pointer,
        )


def _identifier(name: str) -> bool:
    concept = fieldnames.concept_of(name)
    if concept and fieldnames.concept_info(concept).group == "identifier":
        return True
    words = fieldnames.words(name)
    return bool(words) and (words[0] in ("ma", "id", "so") or words[-1] in ("id", "code", "ma", "key"))


def _names_deep(ctx: CheckContext, schema: Any, depth: int = 0) -> set[str]:
    """Property names of a request schema, through arrays and nested objects (two levels)."""
    schema, _ = ctx.doc.resolve(schema, "")
    if not isinstance(schema, dict) or depth > 2:
        return set()
    names: set[str] = set()
    if isinstance(schema.get("items"), dict):
        names |= _names_deep(ctx, schema["items"], depth + 1)
    for name, (sub, _p) in schema_properties(ctx.doc, schema).items():
        names.add(name)
        names |= _names_deep(ctx, sub, depth + 1)
    return names


@static_check("update_message_metadata", target="operation")
def update_message_metadata(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Update/sync messages (``x-vn-connection: update``) carry a record identifier, a timestamp and the
    source agency (an agency-code field, or an OAuth 2.0/OIDC client identity)."""
    if node.value.get("x-vn-connection") != "update":
        return
    names: set[str] = set()
    for _mt, schema, _p in body_schemas(ctx.doc, node.value, node.pointer, request=True):
        names |= _names_deep(ctx, schema)
    concepts = {fieldnames.concept_of(n) for n in names}
    schemes = security_schemes(ctx.doc)
    security = node.context.get("security")
    token = isinstance(security, list) and any(
        isinstance(r, dict) and any(schemes.get(n, {}).get("type") in _TOKEN_TYPES for n in r)
        for r in security
    )
    missing = []
    if not any(_identifier(n) for n in names):
        missing.append(("record identifier", "mã định danh bản ghi"))
    if not concepts & {"datetime"}:
        missing.append(("timestamp", "thời điểm"))
    if "agency_code" not in concepts and not token:
        missing.append(("source agency code", "mã cơ quan nguồn"))
    if missing:
        where = label(node.method, node.path)
        yield Problem(
            message=f"{where} is an update message but carries no {', '.join(m[0] for m in missing)} "
            "(TT 13/2017 Art 5)",
            message_vi=f"{where} là thông điệp cập nhật nhưng thiếu {', '.join(m[1] for m in missing)} "
            "(TT 13/2017 Điều 5)",
            pointer=node.pointer + ("/requestBody" if "requestBody" in node.value else ""),
        )


def _data_class(node: Node, ctx: CheckContext) -> set[str]:
    return _channels(node.value.get("x-vn-data-class")) or _channels(_info(ctx).get("x-vn-data-class"))


def _internet_host(url: str) -> bool:
    host = (urllib.parse.urlsplit(url).hostname or "").lower() if "://" in url else ""
    if not host or host == "localhost" or host.endswith((".local", ".internal", ".lan", ".intranet")):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True


def _server_urls(node: Node, ctx: CheckContext) -> list[str]:
    for source in (
        node.value,
        ctx.doc.get("/paths/" + (node.path or "").replace("~", "~0").replace("/", "~1")),
        ctx.doc.data,
    ):
        servers = source.get("servers") if isinstance(source, dict) else None
        if isinstance(servers, list) and servers:
            return [str(s.get("url")) for s in servers if isinstance(s, dict)]
    return []


@static_check("data_classification", target="operation")
def data_classification(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Each operation's data is classified (``x-vn-data-class`` on the operation or ``info``), and
    state-secret data is not served from Internet-reachable servers."""
    classes = _data_class(node, ctx)
    where = label(node.method, node.path)
    if not classes:
        yield Problem(
            message=f"{where} has no data classification (x-vn-data-class on the operation or info: open, "
            "shared, restricted, important, core, state-secret)",
            message_vi=f"{where} chưa phân loại dữ liệu (x-vn-data-class trên thao tác hoặc info: "
            "open, shared, "
            "restricted, important, core, state-secret)",
            pointer=node.pointer,
        )
    elif "state-secret" in classes:
        public = [u for u in _server_urls(node, ctx) if _internet_host(u)]
        if public:
            yield Problem(
                message=f"{where} serves state-secret data from Internet-reachable server(s) "
                f"{', '.join(public)}",
                message_vi=f"{where} phục vụ dữ liệu bí mật nhà nước từ máy chủ truy cập được qua Internet "
                f"{', '.join(public)}",
                pointer=node.pointer,
            )


_OPEN_MEDIA = ("json", "csv")


@static_check("open_data_machine_readable", target="operation")
def open_data_machine_readable(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Open-data operations (``x-vn-data-class: open`` or an open-data tag) are unauthenticated GETs
    returning JSON or CSV, paginated when they return lists."""
    tags = {str(t).lower() for t in node.value.get("tags") or () if isinstance(t, str)}
    if "open" not in _channels(node.value.get("x-vn-data-class")) and not tags & {"open-data", "dulieumo"}:
        return
    where = label(node.method, node.path)
    issues: list[tuple[str, str]] = []
    if node.method != "get":
        issues.append(
            (f"uses {str(node.method).upper()}, not GET", f"dùng {str(node.method).upper()}, không phải GET")
        )
    security = node.context.get("security")
    if isinstance(security, list) and security and not any(r == {} for r in security):
        issues.append(("requires authentication", "yêu cầu xác thực"))
    media = [mt for mt, _s, _p in body_schemas(ctx.doc, node.value, node.pointer, request=False)]
    if media and not any(any(k in mt.lower() for k in _OPEN_MEDIA) for mt in media):
        issues.append(
            (
                f"returns {', '.join(media)}, not JSON or CSV",
                f"trả về {', '.join(media)}, không phải JSON/CSV",
            )
        )
    if is_list_operation(ctx, node) and not is_paginated(node):
        issues.append(("returns an unpaginated list", "trả về danh sách không phân trang"))
    if issues:
        yield Problem(
            message=f"open-data operation {where} {'; '.join(i[0] for i in issues)}",
            message_vi=f"thao tác dữ liệu mở {where} {'; '.join(i[1] for i in issues)}",
            pointer=node.pointer,
        )
