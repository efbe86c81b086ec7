"""Security declarations: HTTPS, authentication on every operation, OAuth2 client credentials,
no credentials in URLs, no legacy session-in-body logins."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check

_URL_FIELDS = ("tokenUrl", "authorizationUrl", "refreshUrl", "openIdConnectUrl")


@static_check("https_only", target="server")
def https_only(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Server URLs use https://."""
    url = node.value.get("url") if isinstance(node.value, dict) else None
    if isinstance(url, str) and url.lower().startswith("http://"):
        yield Problem(message=f"server {url} uses plain http; exchange endpoints must be https",
                      message_vi=f"máy chủ {url} dùng http không mã hóa; điểm kết nối phải dùng https",
                      pointer=node.pointer + ("/url" if node.pointer.startswith("/servers") else ""))


@static_check("https_security_urls", target="security_scheme")
def https_security_urls(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Token, authorization and OpenID Connect URLs use https://."""
    scheme = node.value
    candidates: list[tuple[str, Any]] = [(f"/{k}", scheme.get(k)) for k in _URL_FIELDS]
    flows = scheme.get("flows")
    if isinstance(flows, dict):
        for fname, flow in flows.items():
            if isinstance(flow, dict):
                candidates += [(f"/flows/{fname}/{k}", flow.get(k)) for k in _URL_FIELDS]
    for suffix, url in candidates:
        if isinstance(url, str) and url.lower().startswith("http://"):
            yield Problem(message=f"security scheme {node.name!r} uses plain http URL {url}",
                          message_vi=f"cơ chế xác thực {node.name!r} dùng URL http không mã hóa {url}",
                          pointer=node.pointer + suffix)


@static_check("operation_security", target="operation",
              defaults={"public_tags": ["public", "open-data", "health", "discovery"]},
              schema={"public_tags": {"type": "array", "items": {"type": "string"}}})
def operation_security(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Every operation has a non-empty effective security requirement unless marked public."""
    op = node.value
    if op.get("x-vn-public") is True:
        return
    tags = {str(t).lower() for t in op.get("tags", []) if isinstance(t, str)}
    if tags & {t.lower() for t in ctx.options["public_tags"]}:
        return
    security = node.context.get("security")
    if not security or not any(isinstance(req, dict) and req for req in security):
        label = f"{(node.method or '').upper()} {node.path}"
        yield Problem(message=f"{label} declares no security requirement and is not marked "
                              "x-vn-public: true",
                      message_vi=f"{label} không khai báo yêu cầu xác thực và không được đánh dấu "
                                 "x-vn-public: true",
                      pointer=node.pointer + ("/security" if "security" in op else ""))


@static_check("oauth2_client_credentials", target="document")
def oauth2_client_credentials(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """An OAuth 2.0 client-credentials scheme (2.0: flow `application`) with an https token URL."""
    data = node.value if isinstance(node.value, dict) else {}
    if ctx.doc.family == "swagger2":
        schemes, base = data.get("securityDefinitions"), "/securityDefinitions"
    else:
        comps = data.get("components") if isinstance(data.get("components"), dict) else {}
        schemes, base = comps.get("securitySchemes"), "/components/securitySchemes"
    for _name, scheme in (schemes or {}).items() if isinstance(schemes, dict) else ():
        scheme, _ = ctx.doc.resolve(scheme, "")
        if not isinstance(scheme, dict) or scheme.get("type") != "oauth2":
            continue
        if scheme.get("flow") == "application" or "clientCredentials" in (scheme.get("flows") or {}):
            return
    yield Problem(message="no OAuth 2.0 client-credentials security scheme; machine-to-machine calls "
                          "through NDXP/LGSP use client-credentials tokens",
                  message_vi="không có cơ chế OAuth 2.0 client-credentials; lời gọi giữa các hệ thống qua "
                             "NDXP/LGSP dùng token client-credentials",
                  pointer=base if isinstance(schemes, dict) else "")


_SECRET_PARAM_NAMES = {"token", "access_token", "accesstoken", "api_key", "apikey", "key", "password",
                       "matkhau", "session", "sessionid", "session_id", "secret", "client_secret",
                       "id_token", "auth", "authorization", "sig", "signature"}


@static_check("no_credentials_in_url", target="parameter",
              defaults={"names": sorted(_SECRET_PARAM_NAMES)},
              schema={"names": {"type": "array", "items": {"type": "string"}}})
def no_credentials_in_url(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """No query or path parameter carries a token, key, password or session."""
    where = node.value.get("in")
    name = str(node.value.get("name", ""))
    if where in ("query", "path") and name.lower().replace("-", "_") in {n.lower() for n in ctx.options["names"]}:
        yield Problem(message=f"{where} parameter {name!r} puts a credential in the URL, where logs and "
                              "proxies keep it",
                      message_vi=f"tham số {where} {name!r} đưa thông tin xác thực vào URL, nơi nhật ký và "
                                 "proxy lưu lại",
                      pointer=node.pointer)


@static_check("api_key_not_in_query", target="security_scheme")
def api_key_not_in_query(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """An apiKey security scheme is sent in a header, not the query string."""
    if node.value.get("type") == "apiKey" and node.value.get("in") == "query":
        yield Problem(message=f"security scheme {node.name!r} sends its key in the query string",
                      message_vi=f"cơ chế xác thực {node.name!r} gửi khóa trên chuỗi truy vấn",
                      pointer=node.pointer + "/in")
