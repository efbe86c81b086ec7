"""Errors on the wire: malformed input answered 4xx, error bodies valid against the declared error
schema and naming the bad field, and the opt-in burst answered 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...model import Problem
from ...registry import CheckContext, live_check
from ._util import problem, response_schema, walk_json

if TYPE_CHECKING:  # annotations only
    from ...engine.exchange import Exchange, LiveRun

MAX_ERRORS = 3


@live_check("malformed_rejected", target="exchange:malformed")
def malformed_rejected(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """A request violating a parameter's schema is answered 4xx, not 2xx or 5xx."""
    if ex.status is not None and not 400 <= ex.status < 500:
        yield problem(ex, f"invalid value for parameter {ex.sent_param!r} answered HTTP {ex.status} "
                      "(expected 4xx)",
                      f"giá trị không hợp lệ cho tham số {ex.sent_param!r} nhận HTTP {ex.status} (cần 4xx)",
                      status=ex.status, parameter=ex.sent_param)


def _validator(doc: Any, schema: Any) -> Any:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    # The spec is registered as one resource so the schema's own "#/components/..." refs resolve.
    registry: Registry[Any] = Registry().with_resource(
        "urn:spec", Resource.from_contents(doc.data if doc is not None else {}, default_specification=DRAFT202012))
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
        schema = {"$ref": "urn:spec" + schema["$ref"]}
    else:
        schema = {"$id": "urn:spec", **schema} if isinstance(schema, dict) else {}
    return jsonschema.Draft202012Validator(schema, registry=registry)


@live_check("error_body_schema", target="exchange",
            schema={"purposes": {"type": "array", "items": {"type": "string"}}})
def error_body_schema(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """4xx/5xx bodies are valid against the error schema the operation declares for that status."""
    if ex.status is None or ex.status < 400:
        return
    schema, where = response_schema(ctx.doc, ex)
    if schema is None:
        return
    body = ex.json()
    if body is None:
        yield problem(ex, f"HTTP {ex.status} body is not JSON of the declared error schema ({where})",
                      f"nội dung HTTP {ex.status} không phải JSON theo cấu trúc lỗi đã khai báo ({where})")
        return
    try:
        errors = sorted(_validator(ctx.doc, schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    except Exception as exc:  # an unresolvable schema is the spec's problem, reported statically
        errors, _ = [], exc
    for err in errors[:MAX_ERRORS]:
        at = "/" + "/".join(str(p) for p in err.absolute_path)
        yield problem(ex, f"HTTP {ex.status} body does not match the declared error schema at {at}: "
                      f"{err.message[:200]}",
                      f"nội dung HTTP {ex.status} không khớp cấu trúc lỗi đã khai báo tại {at}: {err.message[:200]}",
                      field=at)


_FIELD_KEYS = ("field", "pointer", "param", "parameter", "name", "path", "loc", "location", "source",
               "invalid-params", "invalidparams", "errors", "details")


@live_check("error_names_field", target="exchange:malformed")
def error_names_field(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """A 400 for an invalid parameter names it in a machine-readable member (field, pointer, param,
    invalid-params[].name, errors[].field, ...); a mention in the free-text message is not enough."""
    if ex.status != 400 or not ex.sent_param:
        return
    named = False
    for ptr, _name, value in walk_json(ex.json()):
        keys = {part.lower() for part in ptr.split("/")[1:]}
        if isinstance(value, str) and ex.sent_param in value and keys & set(_FIELD_KEYS):
            named = True
            break
    if not named:
        yield problem(ex, f"400 response does not name the invalid parameter {ex.sent_param!r} in a "
                      "machine-readable member (e.g. field)",
                      f"phản hồi 400 không chỉ ra tham số sai {ex.sent_param!r} trong một trường máy đọc được "
                      "(ví dụ field)", parameter=ex.sent_param)


@live_check("rate_limit_429", target="run")
def rate_limit_429(run: LiveRun, ctx: CheckContext) -> Iterator[Problem]:
    """The opt-in burst gets 429 with Retry-After, never a 5xx."""
    burst = [ex for ex in run.exchanges if ex.purpose == "burst"]
    if not burst:
        return
    first = burst[0]
    server_errors = [ex for ex in burst if ex.status is not None and ex.status >= 500]
    limited = [ex for ex in burst if ex.status == 429]
    if server_errors:
        yield problem(server_errors[0], f"burst of {len(burst)} requests caused HTTP {server_errors[0].status}",
                      f"loạt {len(burst)} yêu cầu gây lỗi HTTP {server_errors[0].status}")
    if not limited:
        yield problem(first, f"burst of {len(burst)} requests got no 429: no rate limit observed",
                      f"loạt {len(burst)} yêu cầu không nhận 429: không có giới hạn tần suất")
    elif not all(ex.headers.get("retry-after", "").strip() for ex in limited):
        bad = next(ex for ex in limited if not ex.headers.get("retry-after", "").strip())
        yield problem(bad, "429 response has no Retry-After header", "phản hồi 429 thiếu tiêu đề Retry-After")
