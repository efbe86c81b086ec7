"""Authentication on the wire: unauthenticated calls refused (401/403, never 200/5xx, with a
Bearer challenge on 401), and tokens passed in the query string refused (VN-API-012/014)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Problem
from ...registry import CheckContext, live_check
from ._util import problem

if TYPE_CHECKING:  # annotations only
    from ...engine.exchange import Exchange


@live_check("unauthenticated_rejected", target="exchange:unauthenticated",
            defaults={"require_challenge": True})
def unauthenticated_rejected(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """A secured operation called without credentials answers 401 (with WWW-Authenticate) or 403."""
    if ex.status is None:
        return
    if ex.status not in (401, 403):
        what = "succeeded" if 200 <= ex.status < 300 else "failed with a server error" if ex.status >= 500 \
            else "was not refused as unauthenticated"
        yield problem(ex, f"call without credentials {what}: HTTP {ex.status} (expected 401 or 403)",
                      f"lời gọi không có thông tin xác thực nhận HTTP {ex.status} (cần 401 hoặc 403)",
                      status=ex.status)
    elif ex.status == 401 and ctx.options.get("require_challenge", True) \
            and not ex.headers.get("www-authenticate", "").strip():
        yield problem(ex, "401 response has no WWW-Authenticate challenge (RFC 6750 §3 requires one "
                      "for bearer tokens)",
                      "phản hồi 401 thiếu tiêu đề WWW-Authenticate (RFC 6750 §3)", status=401)


@live_check("token_in_query_refused", target="exchange:token_in_query")
def token_in_query_refused(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """A valid token sent only as ?access_token= is not accepted."""
    if ex.status is not None and ex.status not in (400, 401, 403):
        yield problem(ex, f"a token sent only in the query string was accepted: HTTP {ex.status} "
                      "(expected 400, 401 or 403)",
                      f"mã truy cập gửi trong chuỗi truy vấn vẫn được chấp nhận: HTTP {ex.status}",
                      status=ex.status)
