"""Error signalling: HTTP status codes carry the outcome; errors are not 200 responses with a flag."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ._util import schema_properties, status_class

_ERROR_FLAGS = ["error_code", "errorcode", "error", "errors", "maloi", "ma_loi", "loi", "errcode", "err_code",
                "success", "issuccess", "status_code", "statuscode", "thanhcong", "resultcode",
                "result_code"]


@static_check("no_error_flag_in_success", target="response",
              defaults={"flags": _ERROR_FLAGS},
              schema={"flags": {"type": "array", "items": {"type": "string"}}})
def no_error_flag_in_success(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A 2xx response body does not carry an error code or success flag at its top level."""
    if status_class(node.name or "") != "2":
        return
    flags = {f.lower() for f in ctx.options["flags"]}
    schemas = []
    if ctx.doc.family == "swagger2":
        schemas.append(node.value.get("schema"))
    else:
        content = node.value.get("content")
        for media in content.values() if isinstance(content, dict) else ():
            if isinstance(media, dict):
                schemas.append(media.get("schema"))
    for schema in schemas:
        for name in schema_properties(ctx.doc, schema):
            if name.lower().replace("-", "_") in flags:
                yield Problem(message=f"{node.name} response carries {name!r}: errors must be signalled with "
                                      "4xx/5xx status codes, not inside a success body",
                              message_vi=f"phản hồi {node.name} chứa {name!r}: lỗi phải được báo bằng mã trạng "
                                         "thái 4xx/5xx, không nằm trong phản hồi thành công",
                              pointer=node.pointer, details={"property": name})
                return


@static_check("error_responses_declared", target="operation")
def error_responses_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Each operation declares at least one 4xx response (or `default`) with a body schema."""
    responses = node.value.get("responses")
    if not isinstance(responses, dict):
        return
    for status, resp in responses.items():
        if status_class(str(status)) in ("4", "default"):
            resp, _ = ctx.doc.resolve(resp, "")
            if isinstance(resp, dict) and (resp.get("schema") or resp.get("content")):
                return
    label = f"{(node.method or '').upper()} {node.path}"
    yield Problem(message=f"{label} declares no 4xx (or default) error response with a body",
                  message_vi=f"{label} không khai báo phản hồi lỗi 4xx (hoặc default) có nội dung",
                  pointer=node.pointer + "/responses")
