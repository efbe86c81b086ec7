"""Authentication and authorisation declarations beyond HTTPS: national e-ID for citizens, OAuth
scopes, legacy session-in-body logins, MFA on admin operations, rate limits."""

from __future__ import annotations

import fnmatch
import urllib.parse
from collections.abc import Iterator
from typing import Any

from ... import fieldnames
from ...model import Problem
from ...nodes import Node, operations
from ...registry import CheckContext, static_check
from ._fields import DEFAULT_PUBLIC_TAGS, body_schemas, is_public, label, security_schemes
from ._util import schema_properties

_PASSWORD_KEYS = {"password", "matkhau", "passwd", "pwd", "pass", "passcode", "userpassword"}


@static_check("no_local_password_login", target="operation")
def no_local_password_login(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """No operation takes a password in its request: sign-in goes through the national e-ID / identity
    provider, not a local password store."""
    for _mt, schema, ptr in body_schemas(ctx.doc, node.value, node.pointer, request=True):
        for name in schema_properties(ctx.doc, schema):
            if fieldnames.normalise(name) in _PASSWORD_KEYS:
                where = label(node.method, node.path)
                yield Problem(
                    message=f"{where} accepts a password ({name!r}): a local password login; citizens and "
                    "businesses sign in with the national e-ID (VNeID), systems with OAuth 2.0",
                    message_vi=f"{where} nhận mật khẩu ({name!r}): đăng nhập bằng mật khẩu cục bộ; công dân, "
                    "doanh nghiệp đăng nhập bằng định danh điện tử quốc gia (VNeID), hệ thống "
                    "dùng OAuth 2.0",
                    pointer=ptr,
                    details={"property": name},
                )
                return


def _host(url: Any) -> str | None:
    if not isinstance(url, str) or "://" not in url:
        return None
    return (urllib.parse.urlsplit(url).hostname or "").lower() or None


@static_check(
    "national_identity_provider",
    target="security_scheme",
    defaults={"identity_hosts": ["*.gov.vn"]},
    schema={"identity_hosts": {"type": "array", "items": {"type": "string"}}},
)
def national_identity_provider(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """End-user sign-in schemes (OpenID Connect, OAuth 2.0 authorization code or implicit) point at an
    allowed (national) identity provider host."""
    scheme = node.value
    urls: list[tuple[str, Any]] = []
    if scheme.get("type") == "openIdConnect":
        urls.append(("/openIdConnectUrl", scheme.get("openIdConnectUrl")))
    elif scheme.get("type") == "oauth2":
        flows = scheme.get("flows") if isinstance(scheme.get("flows"), dict) else {}
        for fname in ("authorizationCode", "implicit"):
            if isinstance(flows.get(fname), dict):
                urls.append((f"/flows/{fname}/authorizationUrl", flows[fname].get("authorizationUrl")))
        if scheme.get("flow") in ("accessCode", "implicit"):  # Swagger 2.0
            urls.append(("/authorizationUrl", scheme.get("authorizationUrl")))
    allowed = [str(h).lower() for h in ctx.options["identity_hosts"]]
    for suffix, url in urls:
        host = _host(url)
        if host is None:
            continue  # relative URLs are resolved against the server; nothing to judge here
        if not any(fnmatch.fnmatch(host, pat) for pat in allowed):
            yield Problem(
                message=f"security scheme {node.name!r} signs users in at {host}, which is not an allowed "
                f"national identity provider ({', '.join(allowed)})",
                message_vi=f"cơ chế xác thực {node.name!r} đăng nhập người dùng tại {host}, không thuộc danh "
                f"sách nhà cung cấp định danh quốc gia được phép ({', '.join(allowed)})",
                pointer=node.pointer + suffix,
            )


_BROAD_SCOPES = {"*", "all", "admin", "full", "full_access", "fullaccess", "root", "write:all", "all:write"}


@static_check("oauth_scopes_declared", target="document")
def oauth_scopes_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """OAuth 2.0 flows define described scopes; every OAuth requirement names scopes; write operations do
    not use a catch-all scope."""
    schemes = security_schemes(ctx.doc)
    base = "/securityDefinitions" if ctx.doc.family == "swagger2" else "/components/securitySchemes"
    oauth = {n for n, s in schemes.items() if s.get("type") == "oauth2"}
    for name in sorted(oauth):
        s = schemes[name]
        flows: dict[str, Any] = s["flows"] if isinstance(s.get("flows"), dict) else {"": s}
        for fname, flow in flows.items():
            scopes = flow.get("scopes") if isinstance(flow, dict) else None
            ptr = f"{base}/{name}" + (f"/flows/{fname}" if fname else "")
            if not isinstance(scopes, dict) or not scopes:
                yield Problem(
                    message=f"OAuth scheme {name!r} {('flow ' + fname) if fname else ''} defines no scopes",
                    message_vi=f"cơ chế OAuth {name!r} {('luồng ' + fname) if fname else ''} "
                    "không định nghĩa "
                    "phạm vi (scope) nào",
                    pointer=ptr,
                )
                continue
            bare = [k for k, v in scopes.items() if not str(v or "").strip()]
            if bare:
                yield Problem(
                    message=f"OAuth scheme {name!r} scopes without description: {', '.join(bare)}",
                    message_vi=f"phạm vi của cơ chế OAuth {name!r} chưa có mô tả: {', '.join(bare)}",
                    pointer=ptr + "/scopes",
                )
    if not oauth:
        return
    for op in operations(ctx.doc):
        security = op.context.get("security")
        where = label(op.method, op.path)
        for req in security if isinstance(security, list) else ():
            for sname, scopes in req.items() if isinstance(req, dict) else ():
                if sname not in oauth:
                    continue
                sptr = op.pointer + ("/security" if "security" in op.value else "")
                if not scopes:
                    yield Problem(
                        message=f"{where} uses OAuth scheme {sname!r} without naming any scope",
                        message_vi=f"{where} dùng cơ chế OAuth {sname!r} mà không nêu phạm vi nào",
                        pointer=sptr,
                    )
                elif op.method not in ("get", "head", "options") and any(
                    str(x).lower() in _BROAD_SCOPES for x in scopes
                ):
                    yield Problem(
                        message=f"{where} writes with catch-all scope {scopes!r}; use a scope for this "
                        "purpose",
                        message_vi=f"{where} ghi dữ liệu với phạm vi bao trùm {scopes!r}; hãy dùng phạm vi "
                        "riêng cho mục đích này",
                        pointer=sptr,
                    )


_SESSION_KEYS = {"session", "sessionid", "sessiontoken", "phien", "phienlamviec", "matphien"}


@static_check("no_session_in_body", target="media_type")
def no_session_in_body(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Request bodies do not carry a login session (the legacy DVCQG adapter pattern)."""
    if node.context.get("where") != "request" or not isinstance(node.value, dict):
        return
    for name in schema_properties(ctx.doc, node.value.get("schema")):
        if fieldnames.normalise(name) in _SESSION_KEYS:
            where = label(node.method, node.path)
            yield Problem(
                message=f"{where} sends a login session in the body ({name!r}): the legacy DVCQG adapter "
                "pattern; migrate to an OAuth 2.0 bearer token in the Authorization header",
                message_vi=f"{where} gửi phiên đăng nhập trong thân yêu cầu ({name!r}): "
                "kiểu bộ điều hợp DVCQG "
                "cũ; chuyển sang token OAuth 2.0 trong tiêu đề Authorization",
                pointer=node.pointer,
                details={"property": name},
            )
            return


@static_check(
    "admin_operations_mfa",
    target="operation",
    defaults={
        "admin_tags": ["admin", "quantri", "quan-tri", "administration"],
        "admin_path_segments": ["admin", "quantri", "quan-tri"],
    },
    schema={
        "admin_tags": {"type": "array", "items": {"type": "string"}},
        "admin_path_segments": {"type": "array", "items": {"type": "string"}},
    },
)
def admin_operations_mfa(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Administrative operations require a security scheme marked ``x-vn-mfa: true``."""
    tags = {str(t).lower() for t in node.value.get("tags") or () if isinstance(t, str)}
    segments = {s.lower() for s in (node.path or "").split("/")}
    if not (
        tags & {t.lower() for t in ctx.options["admin_tags"]}
        or segments & {s.lower() for s in ctx.options["admin_path_segments"]}
    ):
        return
    schemes = security_schemes(ctx.doc)
    security = node.context.get("security")
    reqs = [r for r in security if isinstance(r, dict) and r] if isinstance(security, list) else []
    # Every alternative must involve an MFA scheme, or a caller could pick the weaker one.
    if reqs and all(any(schemes.get(n, {}).get("x-vn-mfa") is True for n in r) for r in reqs):
        return
    where = label(node.method, node.path)
    yield Problem(
        message=f"{where} is an administrative operation but not every security alternative uses a scheme "
        "marked x-vn-mfa: true",
        message_vi=f"{where} là thao tác quản trị nhưng không phải mọi phương án xác thực đều dùng cơ chế "
        "đánh dấu x-vn-mfa: true (xác thực đa yếu tố)",
        pointer=node.pointer,
    )


@static_check(
    "rate_limit_declared",
    target="operation",
    defaults={"public_tags": list(DEFAULT_PUBLIC_TAGS)},
    schema={"public_tags": {"type": "array", "items": {"type": "string"}}},
)
def rate_limit_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Operations of a shared API declare a 429 response (rate limiting); public probes are exempt."""
    if is_public(ctx.doc, node.value, ctx.options["public_tags"]):
        return
    responses = node.value.get("responses")
    if isinstance(responses, dict) and ("429" in responses or "4XX" in responses or 429 in responses):
        return
    where = label(node.method, node.path)
    yield Problem(
        message=f"{where} declares no 429 (Too Many Requests) response",
        message_vi=f"{where} không khai báo phản hồi 429 (vượt giới hạn tần suất)",
        pointer=node.pointer + "/responses" if isinstance(responses, dict) else node.pointer,
    )
