"""What live checks are handed: recorded HTTP exchanges and transport probe results.

Live checks never touch the network. The live engine (``engine/live.py``) sends the requests, a
check receives what came back as plain data. Each exchange carries a ``purpose`` saying why the
engine sent it, and a check's registry *target* names the purpose it wants:

* ``exchange``                every request sent with credentials (probe/full cases, examples)
* ``exchange:unauthenticated`` one request per secured GET operation, with no credentials
* ``exchange:token_in_query``  the token only in ``?access_token=``, no Authorization header
* ``exchange:malformed``       a GET whose parameter violates one schema constraint
* ``exchange:health``          the documented public health endpoint, without credentials
* ``exchange:burst``           the opt-in burst (never in probe mode)
* ``run``                      the whole ``LiveRun`` once (latency percentiles, blocked requests)
* ``transport``                the ``TransportReport`` from ``engine/transport.py``

The engine only sends the extra requests a target needs when an enabled rule asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    purpose: str
    method: str
    path: str  # the spec's path template
    operation_id: str | None
    operation: Mapping[str, Any]  # the operation object from the spec (may contain $refs)
    url: str  # as sent, with secrets already redacted
    request_headers: Mapping[str, str]  # lower-cased names, secrets redacted
    status: int | None = None  # None: no response (see ``error``)
    reason: str = ""
    http_version: int | None = None  # 10, 11, 20 as urllib3 reports it
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    elapsed: float = 0.0  # seconds
    received_at: float = 0.0  # epoch seconds by the harness clock, when the response arrived
    error: str | None = None  # timeout, refused, protocol error, blocked host
    sent_param: str | None = None  # for malformed requests: the parameter made invalid
    correlation: tuple[str, str] | None = None  # (header name, value sent)
    schemathesis: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # check -> failures
    index: int = 0  # order of sending, for stable evidence

    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset":
                return value.strip().strip('"').lower()
        return None

    def is_json(self) -> bool:
        media = self.media_type()
        return media == "application/json" or media.endswith("+json")

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON (or not valid UTF-8 JSON)."""
        import json

        if not self.body or not self.is_json():
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsProbe:
    host: str
    port: int
    handshake_ok: bool
    error: str = ""
    protocol: str = ""  # negotiated on a default handshake, e.g. "TLSv1.3"
    alpn: str | None = None  # protocol the server picked when offered h2 and http/1.1
    legacy_accepted: tuple[str, ...] = ()  # "TLSv1", "TLSv1.1" accepted when offered alone
    legacy_probe_error: str = ""  # the local TLS library could not offer legacy versions
    cert_verified: bool = False
    cert_error: str = ""
    not_after: float | None = None  # epoch seconds
    days_left: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportReport:
    base_url: str
    scheme: str
    http11_ok: bool | None = None  # None: not probed
    http11_detail: str = ""
    tls: TlsProbe | None = None
    http_redirect: str | None = None  # "refused" | "redirects-to-https" | "serves-plain" | "not-probed"
    http_redirect_detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveRun:
    """Everything a run observed: run-level checks read it whole."""

    exchanges: tuple[Exchange, ...]
    blocked: tuple[str, ...] = ()  # "host:port" the transport refused to contact
    sla_p95_ms: float | None = None  # x-vn-sla.p95LatencyMs from the spec, when declared
    mode: str = "probe"
