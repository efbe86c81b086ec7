"""HTTP layer of the reference agency service (stdlib http.server, HTTP/1.1 keep-alive).

Response pipeline, in order: slow → route/405/406 → burst limiter → bearer auth → operation →
error faults (server_error_on_bad_input, error_without_field, wrong_error_body, error_200) →
data faults already applied by api.py → schema_violation → headers → text faults (non_nfc_text,
then non_utf8_body) → wrong_content_type.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import socket
import sys
import ssl
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import api, data
from .faults import violate_schema
from .monitor import BurstLimiter, RequestLog, RequestRecord

log = logging.getLogger("conformance.refservice")
BASE_PATH = "/motcua/1.0"
MAX_BODY = 1 << 20
RE_REQUEST_ID_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")


@dataclass
class Config:
    faults: frozenset[str]
    token: str
    client_id: str
    client_secret: str
    rate_limit: int | None
    slow_seconds: float
    stale_seconds: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive clients must not block shutdown

    def __init__(self, addr: tuple[str, int], cfg: Config, ssl_context: ssl.SSLContext | None) -> None:
        self.cfg = cfg
        self.store = data.Store()
        self.requests = RequestLog()
        self.limiter = BurstLimiter(cfg.rate_limit) if cfg.rate_limit else None
        self.tokens: dict[str, tuple[float, frozenset[str]]] = {
            cfg.token: (float("inf"), frozenset(data.SCOPES))
        }
        self.tokens_lock = threading.Lock()
        self.dropped = 0  # requests seen by the drop_connections fault
        self.ssl_context = ssl_context
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up (the harness's TLS and transport probes do, on purpose) are normal
        # for a server under test; anything else is still printed, as socketserver would.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        # Without TCP_NODELAY, Nagle + delayed ACK stalls each keep-alive response by ~40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:  # handshake deferred to the handler thread
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, addr

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        with self.sockets_lock:
            socks, self.open_sockets = list(self.open_sockets), set()
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "refservice/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are dropped after this
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s " + format, self.address_string(), *args)

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def date_time_string(self, timestamp: float | None = None) -> str:
        moment = time.time() if timestamp is None else timestamp
        if "stale_date_header" in self.server.cfg.faults:
            moment -= self.server.cfg.stale_seconds
        return formatdate(moment, usegmt=True)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming; one entry point for every method
        self._handle()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_GET

    # --- request plumbing --------------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _transport_fault(self) -> bool:
        """Faults below HTTP semantics; True when the request has been dealt with."""
        faults = self.server.cfg.faults
        if "drop_connections" in faults:
            with self.server.tokens_lock:
                self.server.dropped += 1
                drop = self.server.dropped % 2 == 0
            if drop:
                self.close_connection = True  # no status line at all
                return True
        if "http10" in faults:
            self.protocol_version = "HTTP/1.0"  # the status line says 1.0; the connection then closes
        if "redirect_elsewhere" in faults:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        return False

    def _handle(self) -> None:
        if self._transport_fault():
            return
        cfg, received = self.server.cfg, time.time()
        self._rate_headers: dict[str, str] = {}
        split = urlsplit(self.path)
        try:
            body = self._read_body()
        except ValueError:
            body, self.close_connection = b"", True
        headers = {k.lower(): v for k, v in self.headers.items()}
        incoming_id = headers.get("x-request-id", "")
        ok_id = 0 < len(incoming_id) <= 128 and set(incoming_id) <= RE_REQUEST_ID_OK
        request_id = incoming_id if ok_id else str(uuid.uuid4())
        if "slow" in cfg.faults:
            time.sleep(cfg.slow_seconds)
        if body is None:
            self.close_connection = True  # unread body left on the socket
            reply = api.problem(413, "NOI_DUNG_QUA_LON", "Nội dung yêu cầu vượt quá 1 MiB.")
        else:
            reply = self._dispatch(split.path, split.query, headers, body)
        self._finish(reply, request_id, headers)
        self.server.requests.append(
            RequestRecord(
                self.command, split.path, split.query, dict(self.headers.items()), reply.status, received
            )
        )
        self._send(reply)

    def _dispatch(self, path: str, query: str, headers: dict[str, str], body: bytes) -> api.Reply:
        if path == "/token":
            return self._token(headers, body)
        if path == "/openapi.yaml" and self.command in ("GET", "HEAD"):
            raw = resources.files(__package__).joinpath("openapi.yaml").read_bytes()
            return api.Reply(200, raw, {"Content-Type": "application/yaml; charset=utf-8"})
        if not path.startswith(BASE_PATH + "/"):
            return api.problem(404, "KHONG_TIM_THAY", "Không tìm thấy tài nguyên.")
        route = unquote(path[len(BASE_PATH) :])
        op, hit, allowed = api.match(self.command, route)
        if not allowed:
            return api.problem(404, "KHONG_TIM_THAY", "Không tìm thấy tài nguyên.")
        allow = ", ".join([*allowed, *(["HEAD"] if "GET" in allowed else []), "OPTIONS"])
        if self.command == "OPTIONS":
            return api.Reply(204, None, {"Allow": allow})
        if op is None or hit is None:
            reply = api.problem(405, "PHUONG_THUC_KHONG_HO_TRO", f"Chỉ hỗ trợ {allow}.")
            reply.headers["Allow"] = allow
            return reply
        if not _accepts_json(headers.get("accept")):
            return api.problem(406, "KHONG_HO_TRO_DINH_DANG", "Chỉ hỗ trợ application/json.")
        limited = self._rate_limit(op)
        if limited is not None:
            return limited
        if op.scope is not None and "no_auth_check" not in self.server.cfg.faults:
            denied = self._authorize(op.scope, headers, query)
            if denied is not None:
                return denied
        if self.command == "POST":
            ctype = headers.get("content-type", "").lower()
            media, _, params = ctype.partition(";")
            if media.strip() != "application/json" or ("charset" in params and "utf-8" not in params):
                return api.problem(
                    415, "KIEU_NOI_DUNG_KHONG_HO_TRO", "Nội dung yêu cầu phải là application/json."
                )
        query_map = dict(parse_qsl(query, keep_blank_values=True))
        req = api.Request(self.command, route, query_map, headers, body)
        try:
            return op.handler(req, hit, self.server.cfg.faults, self.server.store)
        except Exception:  # a bug here must still produce the documented 500 shape
            log.exception("refservice handler failed")
            return api.problem(500, "LOI_HE_THONG", "Lỗi hệ thống, vui lòng thử lại sau.")

    def _rate_limit(self, op: api.Operation) -> api.Reply | None:
        limiter, faults = self.server.limiter, self.server.cfg.faults
        if limiter is None or op.scope is None or "no_rate_limit_headers" in faults:
            return None  # /health is exempt so monitoring never trips the limiter
        allowed, remaining, reset = limiter.take()
        rl = {
            "RateLimit-Limit": str(limiter.limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
        }
        self._rate_headers = rl
        if allowed:
            return None
        reply = api.problem(429, "VUOT_GIOI_HAN_TAN_SUAT", f"Vượt quá {limiter.limit} yêu cầu mỗi giây.")
        if "429_without_retry_after" not in faults:
            reply.headers["Retry-After"] = str(reset)
        return reply

    def _authorize(self, scope: str, headers: dict[str, str], query: str) -> api.Reply | None:
        faults = self.server.cfg.faults
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not token and "token_in_query_accepted" in faults:
            token = dict(parse_qsl(query)).get("access_token", "")
        if not token:
            return self._unauthenticated('Bearer realm="motcua"', "Yêu cầu thiếu mã truy cập hợp lệ.")
        with self.server.tokens_lock:
            expires, scopes = self.server.tokens.get(token, (0.0, frozenset()))
        if expires < time.time():
            return self._unauthenticated(
                'Bearer realm="motcua", error="invalid_token"', "Mã truy cập không hợp lệ hoặc đã hết hạn."
            )
        if scope not in scopes:
            reply = api.problem(403, "KHONG_DU_QUYEN", f"Mã truy cập không có phạm vi {scope}.")
            reply.headers["WWW-Authenticate"] = (
                f'Bearer realm="motcua", error="insufficient_scope", scope="{scope}"'
            )
            return reply
        return None

    def _unauthenticated(self, challenge: str, message: str) -> api.Reply:
        faults = self.server.cfg.faults
        if "auth_500" in faults:
            return api.problem(500, "LOI_HE_THONG", "Lỗi hệ thống, vui lòng thử lại sau.")
        reply = api.problem(401, "CHUA_XAC_THUC", message)
        if "no_www_authenticate" not in faults:
            reply.headers["WWW-Authenticate"] = challenge
        return reply

    def _token(self, headers: dict[str, str], body: bytes) -> api.Reply:
        """OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4); errors use RFC 6749 §5.2."""
        cfg = self.server.cfg
        if self.command != "POST":
            return api.Reply(405, {"error": "invalid_request"}, {"Allow": "POST"})
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = headers.get("authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                client_id = secret = ""
        if form.get("grant_type") != "client_credentials":
            return api.Reply(400, {"error": "unsupported_grant_type"}, {"Cache-Control": "no-store"})
        if not (
            secrets.compare_digest(client_id, cfg.client_id)
            and secrets.compare_digest(secret, cfg.client_secret)
        ):
            return api.Reply(
                401,
                {"error": "invalid_client"},
                {"WWW-Authenticate": 'Basic realm="token"', "Cache-Control": "no-store"},
            )
        wanted = frozenset(form.get("scope", " ".join(data.SCOPES)).split())
        if not wanted <= frozenset(data.SCOPES):
            return api.Reply(400, {"error": "invalid_scope"}, {"Cache-Control": "no-store"})
        token = secrets.token_urlsafe(24)
        with self.server.tokens_lock:
            self.server.tokens[token] = (time.time() + 3600, wanted)
        return api.Reply(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": " ".join(sorted(wanted)),
            },
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    # --- response plumbing -------------------------------------------------------------------------

    def _finish(self, reply: api.Reply, request_id: str, headers: dict[str, str]) -> None:
        """Apply error faults and the common headers (everything except body encoding)."""
        faults = self.server.cfg.faults
        if reply.problem:
            if reply.bad_input and "server_error_on_bad_input" in faults:
                reply.status, reply.body = (
                    500,
                    api.problem(500, "LOI_HE_THONG", "java.lang.NullPointerException").body,
                )
            reply.body["traceId"] = request_id
            if "error_without_field" in faults:
                reply.body.pop("field", None)
            if "wrong_error_body" in faults:
                reply.body = {"success": False, "error": reply.body["message"]}
            if "error_200" in faults:
                reply.body = {"error_code": str(reply.status), "message": reply.body.get("message", "")}
                reply.status, reply.problem = 200, False
                reply.headers.pop("WWW-Authenticate", None)
                reply.headers.pop("Retry-After", None)
        elif 200 <= reply.status < 300 and "schema_violation" in faults and isinstance(reply.body, dict):
            reply.body = violate_schema(reply.body)
        h = reply.headers
        if "no_correlation_echo" not in faults:
            h["X-Request-ID"] = request_id
        h.update(self._rate_headers)
        if reply.personal and "cacheable_personal_data" in faults:
            h["Cache-Control"] = "public, max-age=3600"
        h.setdefault("Cache-Control", "no-store")

    def _send(self, reply: api.Reply) -> None:
        faults = self.server.cfg.faults
        payload = b""
        if isinstance(reply.body, bytes):
            payload = reply.body
        elif reply.body is not None:
            text = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":"))
            text = unicodedata.normalize("NFD" if "non_nfc_text" in faults else "NFC", text)
            if "non_utf8_body" in faults:
                payload = _cp1258(text)
            else:
                payload = text.encode("utf-8")
            ctype = "application/problem+json" if reply.problem else "application/json"
            reply.headers.setdefault("Content-Type", f"{ctype}; charset=utf-8")
            if "wrong_content_type" in faults:
                reply.headers["Content-Type"] = "text/html"
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and reply.status != 204:
            self.wfile.write(payload)


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks Windows-1258 keeps as combining bytes


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way legacy Vietnamese software does: base letters with
    circumflex/breve/horn precomposed, tone marks as separate combining bytes."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + "".join(c for c in parts if c in _TONES)).encode("cp1258", "replace")
    return bytes(out)


def _accepts_json(accept: str | None) -> bool:
    if not accept:
        return True
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in ("*/*", "application/*", "application/json", "application/problem+json"):
            return True
    return False
