"""Documentation quality: operation identity and metadata, versioning."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check

_VERSION_SEGMENT = re.compile(r"/v?\d+(\.\d+)*(/|$)", re.I)


@static_check("operation_metadata", target="operation")
def operation_metadata(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Every operation has an operationId, a summary or description, and at least one tag."""
    op = node.value
    label = f"{(node.method or '').upper()} {node.path}"
    missing = []
    if not isinstance(op.get("operationId"), str) or not op.get("operationId"):
        missing.append(("operationId", "operationId"))
    if not (op.get("summary") or op.get("description")):
        missing.append(("summary or description", "tóm tắt hoặc mô tả"))
    if not op.get("tags"):
        missing.append(("tag", "thẻ (tag)"))
    if missing:
        yield Problem(message=f"{label} has no {', '.join(m[0] for m in missing)}",
                      message_vi=f"{label} thiếu {', '.join(m[1] for m in missing)}", pointer=node.pointer)


@static_check("operation_ids_unique", target="document")
def operation_ids_unique(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """operationId values are unique across the document."""
    from ...nodes import operations

    seen: dict[str, str] = {}
    for op in operations(ctx.doc):
        if op.operation_id is None:
            continue
        if op.operation_id in seen:
            yield Problem(message=f"operationId {op.operation_id!r} is used again (first at {seen[op.operation_id]})",
                          message_vi=f"operationId {op.operation_id!r} bị dùng lại (lần đầu tại {seen[op.operation_id]})",
                          pointer=op.pointer + "/operationId")
        else:
            seen[op.operation_id] = op.pointer


@static_check("version_in_info_and_path", target="document")
def version_in_info_and_path(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """info.version is set and the base path (server URL or every path) carries a version segment."""
    data = node.value if isinstance(node.value, dict) else {}
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    if not str(info.get("version", "")).strip():
        yield Problem(message="info.version is empty", message_vi="info.version để trống", pointer="/info")
    bases = []
    if ctx.doc.family == "swagger2":
        bases.append(str(data.get("basePath", "")))
    else:
        for s in data.get("servers", []) if isinstance(data.get("servers"), list) else []:
            if isinstance(s, dict) and isinstance(s.get("url"), str):
                bases.append(re.sub(r"^[a-z]+://[^/]*", "", s["url"], flags=re.I))
    if any(_VERSION_SEGMENT.search(b + "/") for b in bases):
        return
    paths = data.get("paths") if isinstance(data.get("paths"), dict) else {}
    if paths and all(_VERSION_SEGMENT.search(p) for p in paths):
        return
    yield Problem(message="no version segment (e.g. /v1 or /1.0) in the base path or paths",
                  message_vi="đường dẫn gốc hoặc các đường dẫn không có đoạn phiên bản (ví dụ /v1 hoặc /1.0)",
                  pointer="/servers" if "servers" in data else ("/basePath" if "basePath" in data else "/paths"))
