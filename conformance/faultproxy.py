"""A fault-injecting HTTP proxy on loopback, for hardening tests of the live engine.

``FaultProxy`` listens on 127.0.0.1, forwards each request to an upstream (the reference agency
service) and, for the requests its ``match`` selects, misbehaves in one of ``MODES``:

* ``pass``: forward faithfully (the baseline, and the TLS modes' transport);
* ``delay``: wait ``delay`` seconds before answering (past the client's timeout);
* ``reset``: read the request, then reset the connection (``SO_LINGER`` 0: a TCP RST);
* ``truncate``: a Content-Length larger than the body actually sent, then close;
* ``garbage``: bytes that are not HTTP at all;
* ``huge``: a 200 JSON body of ``huge_bytes`` (several MB);
* ``redirect_loop``: ``302`` to the very same URL;
* ``dribble``: the real response, one byte every ``dribble_interval`` seconds;
* ``burst_5xx``: alternating bursts of ``burst`` 503 answers and ``burst`` real ones;
* ``reflect``: a 500 whose body and headers echo the request, credentials included (a careless
  server's debug page: what the harness keeps as evidence must still hold no secret).

TLS (expired or self-signed certificates) is a server-side ``ssl_context`` given by the caller;
it combines with any mode. Stdlib only. Bounded: at most ``max_connections`` connections are served
at once (others are closed at once), every socket read has ``io_timeout``, request heads and
forwarded responses have size caps, and the proxy stops itself after ``lifetime`` seconds even if
nobody calls ``stop()``. It only ever connects to its upstream.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import quote, urlsplit

MODES = (
    "pass",
    "delay",
    "reset",
    "truncate",
    "garbage",
    "huge",
    "redirect_loop",
    "dribble",
    "burst_5xx",
    "reflect",
)
MAX_HEAD = 64 << 10  # bytes of request head read
MAX_REQUEST_BODY = 1 << 20
MAX_UPSTREAM = 16 << 20  # bytes of upstream response relayed
_HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the proxy read: what it asked for and whether a fault was injected."""

    method: str
    path: str
    faulted: bool


class FaultProxy:
    """``with FaultProxy(("127.0.0.1", svc.port), "reset", match=r"^/motcua/1.0/hoso/") as p: p.origin``"""

    def __init__(
        self,
        upstream: tuple[str, int] | str,
        mode: str = "pass",
        *,
        match: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        delay: float = 5.0,
        huge_bytes: int = 6 << 20,
        burst: int = 5,
        dribble_interval: float = 0.05,
        max_connections: int = 64,
        lifetime: float = 120.0,
        io_timeout: float = 10.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}; choose from {', '.join(MODES)}")
        if isinstance(upstream, str):
            parts = urlsplit(upstream)
            upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.upstream = upstream
        self.mode = mode
        self.match = re.compile(match) if match is not None else None
        self.ssl_context = ssl_context
        self.delay, self.huge_bytes, self.burst = delay, huge_bytes, max(1, burst)
        self.dribble_interval, self.lifetime, self.io_timeout = dribble_interval, lifetime, io_timeout
        self.seen: list[Seen] = []
        self.connections = 0
        self._slots = threading.BoundedSemaphore(max_connections)
        self._matched = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._open: set[socket.socket] = set()

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.settimeout(0.1)
        self._sock = sock
        self._thread = threading.Thread(target=self._accept_loop, name=f"faultproxy:{self.mode}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self._sock is not None:
            self._sock.close()
        with self._lock:
            socks, self._open = list(self._open), set()
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("FaultProxy is not running")
        return int(self._sock.getsockname()[1])

    @property
    def origin(self) -> str:
        return f"{'https' if self.ssl_context is not None else 'http'}://127.0.0.1:{self.port}"

    def faulted(self) -> int:
        with self._lock:
            return sum(1 for s in self.seen if s.faulted)

    # --- serving -----------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        assert self._sock is not None
        ends = time.monotonic() + self.lifetime
        while not self._stop.is_set() and time.monotonic() < ends:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            if not self._slots.acquire(blocking=False):  # bounded: refuse rather than queue
                conn.close()
                continue
            with self._lock:
                self.connections += 1
                self._open.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()
        self._stop.set()  # stopped itself (lifetime) or was stopped

    def _serve(self, conn: socket.socket) -> None:
        sock: socket.socket = conn
        try:
            conn.settimeout(self.io_timeout)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                sock = self.ssl_context.wrap_socket(conn, server_side=True)
            head, body = self._read_request(sock)
            if head is None:
                return
            self._handle(sock, head, body)
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client gave up, or refused our certificate: nothing to do
        finally:
            with self._lock:
                self._open.discard(conn)
            try:
                sock.close()
            except OSError:
                pass
            self._slots.release()

    def _read_request(self, sock: socket.socket) -> tuple[bytes | None, bytes]:
        data = b""
        while _HEAD_END not in data:
            if len(data) > MAX_HEAD:
                return None, b""
            chunk = sock.recv(8192)
            if not chunk:
                return None, b""
            data += chunk
        head, _, rest = data.partition(_HEAD_END)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = min(int(value.strip() or b"0"), MAX_REQUEST_BODY)
        while len(rest) < length:
            chunk = sock.recv(min(65536, length - len(rest)))
            if not chunk:
                break
            rest += chunk
        return head, rest[:length]

    def _handle(self, sock: socket.socket, head: bytes, body: bytes) -> None:
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, _, rest = request_line.partition(" ")
        path = rest.rpartition(" ")[0] or rest
        hit = self.mode != "pass" and (self.match is None or bool(self.match.search(path)))
        index = next(self._matched) if hit else -1
        if hit and self.mode == "burst_5xx" and (index // self.burst) % 2 == 1:
            hit = False  # the quiet half of the cycle: forwarded untouched
        with self._lock:
            self.seen.append(Seen(method=method, path=path, faulted=hit))
        if not hit:
            sock.sendall(self._forward(head, body))
            return
        getattr(self, "_fault_" + self.mode)(sock, head, body, path)

    def _forward(self, head: bytes, body: bytes) -> bytes:
        """The upstream's full response to this request (asked with Connection: close)."""
        lines = [
            line
            for line in head.split(b"\r\n")
            if not line.lower().startswith((b"connection:", b"keep-alive:"))
        ]
        request = b"\r\n".join(lines) + b"\r\nConnection: close" + _HEAD_END + body
        with socket.create_connection(self.upstream, timeout=self.io_timeout) as up:
            up.sendall(request)
            chunks, size = [], 0
            while size <= MAX_UPSTREAM:
                chunk = up.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        return b"".join(chunks)

    # --- the faults --------------------------------------------------------------------------------
    def _fault_delay(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        if self._stop.wait(self.delay):
            return
        sock.sendall(self._forward(head, body))

    def _fault_reset(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        raw = sock.unwrap() if isinstance(sock, ssl.SSLSocket) else sock
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.close()  # with linger 0: RST instead of FIN

    def _fault_truncate(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        response = self._forward(head, body)
        resp_head, _, resp_body = response.partition(_HEAD_END)
        if not resp_body:
            resp_body = b'{"TrangThai": "UP"}'
        kept = [
            line
            for line in resp_head.split(b"\r\n")
            if not line.lower().startswith((b"content-length:", b"transfer-encoding:", b"connection:"))
        ]
        declared = len(resp_body) + 4096
        sock.sendall(
            b"\r\n".join(kept)
            + f"\r\nContent-Length: {declared}\r\nConnection: close".encode()
            + _HEAD_END
            + resp_body[: max(1, len(resp_body) // 2)]
        )

    def _fault_garbage(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        sock.sendall(b"\x00\xff\xfeSSH-2.0-not-http \x1b[2J" + os.urandom(2048) + b"\r\n\r\n")

    def _fault_huge(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        item = b'"' + b"x" * 1022 + b'",'  # 1 KiB per array element
        count = max(1, self.huge_bytes // len(item))
        total = 2 + count * len(item) - 1  # '[' + elements, the last without its comma + ']'
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            + f"Content-Length: {total}\r\nConnection: close".encode()
            + _HEAD_END
            + b"["
        )
        left = count - 1
        while left > 0:
            if self._stop.is_set():
                return
            n = min(64, left)
            sock.sendall(item * n)
            left -= n
        sock.sendall(item[:-1] + b"]")

    def _fault_redirect_loop(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        sock.sendall(
            b"HTTP/1.1 302 Found\r\n"
            + f"Location: {path}\r\n".encode("latin-1")
            + b"Content-Length: 0\r\nConnection: close"
            + _HEAD_END
        )

    def _fault_dribble(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        response = self._forward(head, body)
        ends = time.monotonic() + max(self.io_timeout, 30.0)
        for i in range(len(response)):
            if self._stop.wait(self.dribble_interval) or time.monotonic() > ends:
                return
            sock.sendall(response[i : i + 1])

    def _fault_burst_5xx(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        payload = b'{"MaLoi": "SERVICE_UNAVAILABLE", "ThongDiep": "injected by faultproxy"}'
        sock.sendall(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            + f"Content-Length: {len(payload)}\r\nConnection: close".encode()
            + _HEAD_END
            + payload
        )

    def _fault_reflect(self, sock: socket.socket, head: bytes, body: bytes, path: str) -> None:
        text = head.decode("latin-1")
        auth = next(
            (
                line.partition(":")[2].strip()
                for line in text.split("\r\n")
                if line.lower().startswith("authorization:")
            ),
            "",
        )
        token = auth.split()[-1] if auth else ""
        payload = json.dumps(
            {
                "code": "DEBUG",
                "message": text,
                "request": text,
                "token_b64": base64.b64encode(token.encode()).decode(),
                "token_url": quote(token, safe=""),
            }
        ).encode()
        sock.sendall(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
            + f"X-Echo-Authorization: {auth}\r\nContent-Length: {len(payload)}\r\nConnection: close".encode(
                "latin-1"
            )
            + _HEAD_END
            + payload
        )
