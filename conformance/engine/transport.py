"""Transport probes done by hand with ``socket``/``ssl``/``http.client``: HTTP/1.1, ALPN h2, TLS
versions, the certificate, and whether the http:// equivalent redirects to https.

Every connection goes to the base URL's own host (the http redirect probe: the same host on port
80, only when the base URL uses the default https port, or on an explicitly given port), with a
timeout on connect and on every read. The probe spends at most ``MAX_CONNECTIONS`` connections.
"""

from __future__ import annotations

import datetime as _dt
import http.client
import socket
import ssl
import time
import warnings
from urllib.parse import urlsplit

from .exchange import TlsProbe, TransportReport

MAX_CONNECTIONS = 7
_LEGACY = (("TLSv1", ssl.TLSVersion.TLSv1), ("TLSv1.1", ssl.TLSVersion.TLSv1_1))


def _connect(host: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((host, port), timeout=timeout)


def _handshake(host: str, port: int, ctx: ssl.SSLContext, timeout: float) -> ssl.SSLSocket:
    raw = _connect(host, port, timeout)
    try:
        tls = ctx.wrap_socket(raw, server_hostname=host if ctx.check_hostname else None)
    except BaseException:
        raw.close()
        raise
    return tls


def _unverified(alpn: bool = False) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(["h2", "http/1.1"])
    return ctx


def _not_after(der: bytes | None) -> float | None:
    if not der:
        return None
    try:
        from cryptography import x509
    except ImportError:  # optional: without it expiry is known only for verified certificates
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    return cert.not_valid_after_utc.timestamp()


def probe_tls(host: str, port: int, *, timeout: float, ca_file: str | None = None,
              now: float | None = None) -> TlsProbe:
    now = time.time() if now is None else now
    # 1. unverified handshake offering h2: does TLS work at all, what is negotiated
    try:
        with _handshake(host, port, _unverified(alpn=True), timeout) as s:
            protocol, alpn, der = s.version() or "", s.selected_alpn_protocol(), s.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError, ValueError) as exc:
        return TlsProbe(host=host, port=port, handshake_ok=False, error=_describe(exc))
    not_after = _not_after(der)
    # 2. verified handshake: chain against the trust store (or ca_file), hostname, validity dates
    verified, cert_error = False, ""
    try:
        ctx = ssl.create_default_context(cafile=ca_file)
        with _handshake(host, port, ctx, timeout) as s:
            verified = True
            info = s.getpeercert() or {}
            if not_after is None and info.get("notAfter"):
                not_after = ssl.cert_time_to_seconds(str(info["notAfter"]))
    except ssl.SSLCertVerificationError as exc:
        cert_error = exc.verify_message or _describe(exc)
    except (OSError, ssl.SSLError, ValueError) as exc:
        cert_error = _describe(exc)
    # 3. legacy versions offered alone must be refused
    accepted: list[str] = []
    legacy_error = ""
    for label, version in _LEGACY:
        try:
            ctx = _unverified()
            warnings.filterwarnings("ignore", "ssl.TLSVersion", DeprecationWarning)  # offering them is the test
            ctx.minimum_version = version
            ctx.maximum_version = version
            ctx.set_ciphers("ALL:@SECLEVEL=0")  # else OpenSSL 3 will not even offer TLS 1.0/1.1
        except (ValueError, ssl.SSLError) as exc:
            legacy_error = f"local TLS library cannot offer {label}: {_describe(exc)}"
            continue
        try:
            with _handshake(host, port, ctx, timeout) as s:
                if s.version() == label:
                    accepted.append(label)
        except (OSError, ssl.SSLError, ValueError):
            pass  # refused: what we want
    days = None if not_after is None else (not_after - now) / 86400
    return TlsProbe(host=host, port=port, handshake_ok=True, protocol=protocol, alpn=alpn,
                    legacy_accepted=tuple(accepted), legacy_probe_error=legacy_error,
                    cert_verified=verified, cert_error=cert_error, not_after=not_after, days_left=days)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def probe_http11(url: str, *, timeout: float, headers: dict[str, str] | None = None) -> tuple[bool, str]:
    """One GET over a fresh HTTP/1.1 connection; True when an HTTP/1.1 status line comes back."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "", port, timeout=timeout, context=_unverified())
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", port, timeout=timeout)
    try:
        conn.request("GET", parts.path or "/", headers=headers or {})
        resp = conn.getresponse()
        # the body is not read: a server dribbling it must not hold the probe
        if resp.version != 11:
            return False, f"server answered with HTTP/{resp.version / 10:.1f}"
        return True, f"HTTP/1.1 {resp.status}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return False, _describe(exc)
    finally:
        conn.close()


def probe_http_redirect(host: str, port: int, path: str, *, timeout: float) -> tuple[str, str]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path or "/")
        resp = conn.getresponse()
        # the body is not read: a server dribbling it must not hold the probe
        location = resp.getheader("Location", "")
        if resp.status in (301, 302, 307, 308) and location.lower().startswith("https://"):
            return "redirects-to-https", f"{resp.status} to {location[:200]}"
        if 200 <= resp.status < 300:
            return "serves-plain", f"http://{host}:{port}{path} answered {resp.status}"
        return "refused", f"answered {resp.status}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return "refused", _describe(exc)
    finally:
        conn.close()


def probe_transport(base_url: str, *, timeout: float, ca_file: str | None = None,
                    probe_path: str | None = None, http_port: int | None = None,
                    now: float | None = None) -> TransportReport:
    parts = urlsplit(base_url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    target = base_url.rstrip("/") + (probe_path or "/")
    ok, detail = probe_http11(target, timeout=timeout)
    if scheme != "https":
        return TransportReport(base_url=base_url, scheme=scheme, http11_ok=ok, http11_detail=detail)
    tls = probe_tls(host, port, timeout=timeout, ca_file=ca_file, now=now)
    redirect, redirect_detail = "not-probed", "base URL uses a non-default port; give http_port to probe"
    if http_port is None and port == 443:
        http_port = 80
    if http_port is not None:
        redirect, redirect_detail = probe_http_redirect(host, http_port, parts.path or "/", timeout=timeout)
    return TransportReport(base_url=base_url, scheme=scheme, http11_ok=ok, http11_detail=detail, tls=tls,
                           http_redirect=redirect, http_redirect_detail=redirect_detail)


def utc_now() -> float:
    return _dt.datetime.now(tz=_dt.timezone.utc).timestamp()
