"""Transport: HTTP/1.1 (and whether h2 is offered), HTTPS with http→https redirect, TLS 1.2+ only,
and a valid, unexpired, hostname-matched certificate. Probed by ``engine/transport.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Location, Problem, Severity
from ...registry import CheckContext, live_check

if TYPE_CHECKING:  # annotations only
    from ...engine.exchange import TransportReport


def _p(report: TransportReport, en: str, vi: str, severity: Severity | None = None, **details: object) -> Problem:
    return Problem(message=en, message_vi=vi, location=Location(url=report.base_url), details=details,
                   severity=severity)


@live_check("http11_supported", target="transport")
def http11_supported(report: TransportReport, ctx: CheckContext) -> Iterator[Problem]:
    """A plain HTTP/1.1 request gets an HTTP/1.1 response."""
    if report.http11_ok is False:
        yield _p(report, f"HTTP/1.1 request failed: {report.http11_detail}",
                 f"yêu cầu HTTP/1.1 không thành công: {report.http11_detail}")


@live_check("http2_offered", target="transport")
def http2_offered(report: TransportReport, ctx: CheckContext) -> Iterator[Problem]:
    """h2 is offered in ALPN (recommended; informational)."""
    tls = report.tls
    if tls is not None and tls.handshake_ok and tls.alpn != "h2":
        yield _p(report, f"server did not select h2 in ALPN (got {tls.alpn or 'none'}); HTTP/2 is recommended",
                 f"máy chủ không chọn h2 trong ALPN ({tls.alpn or 'không có'}); nên hỗ trợ HTTP/2",
                 severity=Severity.INFO)


@live_check("https_only_live", target="transport")
def https_only_live(report: TransportReport, ctx: CheckContext) -> Iterator[Problem]:
    """The API is served over HTTPS, and plain http is refused or redirected to https."""
    if report.scheme != "https":
        yield _p(report, f"the API is served over plain http ({report.base_url})",
                 f"API được phục vụ qua http không mã hóa ({report.base_url})")
        return
    if report.tls is not None and not report.tls.handshake_ok:
        yield _p(report, f"TLS handshake failed: {report.tls.error}", f"bắt tay TLS thất bại: {report.tls.error}")
    if report.http_redirect == "serves-plain":
        yield _p(report, f"the http:// equivalent serves content instead of redirecting to https "
                 f"({report.http_redirect_detail})",
                 f"địa chỉ http:// tương ứng trả nội dung thay vì chuyển hướng sang https ({report.http_redirect_detail})")


@live_check("tls12_minimum", target="transport")
def tls12_minimum(report: TransportReport, ctx: CheckContext) -> Iterator[Problem]:
    """TLS 1.0 and 1.1 handshakes are refused."""
    tls = report.tls
    if tls is None or not tls.legacy_accepted:
        return
    yield _p(report, f"server accepts {', '.join(tls.legacy_accepted)}; only TLS 1.2 or later may be enabled",
             f"máy chủ chấp nhận {', '.join(tls.legacy_accepted)}; chỉ được bật TLS 1.2 trở lên",
             accepted=list(tls.legacy_accepted))


@live_check("certificate_valid", target="transport", defaults={"warn_days": 30})
def certificate_valid(report: TransportReport, ctx: CheckContext) -> Iterator[Problem]:
    """The certificate chain verifies, matches the host and is not expired or about to expire."""
    tls = report.tls
    if tls is None or not tls.handshake_ok and not tls.cert_error:
        return
    if not tls.cert_verified:
        yield _p(report, f"certificate does not verify: {tls.cert_error}", f"chứng thư số không hợp lệ: {tls.cert_error}")
        return
    warn = float(ctx.options.get("warn_days", 30))
    if tls.days_left is not None and tls.days_left < warn:
        yield _p(report, f"certificate expires in {tls.days_left:.0f} days (warning threshold {warn:g})",
                 f"chứng thư số hết hạn sau {tls.days_left:.0f} ngày (ngưỡng cảnh báo {warn:g})",
                 severity=Severity.WARNING, days_left=round(tls.days_left))
