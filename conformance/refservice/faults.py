"""Injectable faults of the reference agency service.

Each fault makes exactly one deviation from specs/provincial-one-stop/openapi.yaml (or from the
catalogue rule it targets) observable on the wire, so a live rule can be shown to catch it. Faults
are independent flags and compose freely; where two touch the same output, the order is fixed in
server.py and documented there.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

FAULTS: dict[str, str] = {
    "no_auth_check": "secured operations answer 200 without any token (VN-API-014)",
    "auth_500": "unauthenticated or badly authenticated requests get 500 instead of 401 (VN-API-014)",
    "no_www_authenticate": "401 responses omit the WWW-Authenticate: Bearer challenge (VN-API-014)",
    "wrong_error_body": "error bodies are {'success': false, 'error': ...}, not the Loi schema (VN-API-027)",
    "error_without_field": "validation errors do not name the offending field (VN-API-028)",
    "server_error_on_bad_input": "malformed or invalid input gets 500 instead of 400 (VN-API-026)",
    "no_correlation_echo": "X-Request-ID is neither echoed nor generated in responses (VN-API-033)",
    "non_utf8_body": "bodies are encoded in Windows-1258 while claiming charset=utf-8 (VN-API-017)",
    "non_nfc_text": "Vietnamese text is sent decomposed (NFD) instead of precomposed NFC (VN-API-018)",
    "wrong_content_type": "JSON bodies are labelled text/html without charset (VN-API-016)",
    "retired_district_code": "addresses carry MaHuyen and a pre-July-2025 commune code (VN-API-043/049)",
    "invalid_commune_code": "addresses carry MaXa 99999, which is not in the QĐ 19/2025 list (VN-API-042)",
    "invalid_personal_id": "SoDinhDanh values are 9-digit CMND numbers (VN-API-036/038)",
    "bad_date_format": "date-time fields are sent as dd/MM/yyyy HH:mm:ss without offset (VN-API-020)",
    "cacheable_personal_data": "personal-data responses say Cache-Control: public, max-age=3600 (VN-API-035)",
    "stale_date_header": "the Date header lags the real clock (default one hour) (VN-API-068)",
    "slow": "every response is delayed (default 2.5 s, see slow_seconds) (VN-API-075)",
    "no_health": "the public /health operation answers 404 (VN-API-073)",
    "error_200": "errors are HTTP 200 with an error_code/message body, legacy DVCQG style (VN-API-026)",
    "token_in_query_accepted": "a bearer token passed as ?access_token= is accepted (VN-API-012)",
    "no_rate_limit_headers": "no burst limiter at all: never 429, no RateLimit-* headers (VN-API-029)",
    "429_without_retry_after": "the burst limiter answers 429 without Retry-After (VN-API-029)",
    "schema_violation": "2xx bodies break their response schema: wrong types, missing required (VN-API-019)",
    "http10": "every response is HTTP/1.0 and the connection closes after it (VN-API-001)",
    "redirect_elsewhere": "every request is redirected (302) to another loopback port (VN-API-002)",
    "drop_connections": "every second request gets no answer: the connection is closed (VN-API-073)",
}


def check_faults(names: Iterable[str]) -> frozenset[str]:
    """Return the names as a frozenset; reject unknown names with the closest known one."""
    chosen = frozenset(names)
    for name in sorted(chosen):
        if name not in FAULTS:
            close = difflib.get_close_matches(name, FAULTS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown refservice fault {name!r}{hint}")
    return chosen


def violate_schema(body: object) -> object:
    """Break a 2xx body against its declared schema in ways a validator must notice."""
    if not isinstance(body, dict):
        return body
    broken = dict(body)
    for key, value in body.items():
        if isinstance(value, int) and not isinstance(value, bool):
            broken[key] = str(value)  # integer fields (TongSo, SoLuongTiepNhan) become strings
    if "TrangThaiHoSo" in broken:
        broken["TrangThaiHoSo"] = 2  # declared as a string code
    if "TrangThai" in broken:
        broken["TrangThai"] = "OK"  # outside the enum UP/DEGRADED/DOWN
    broken.pop("MaTTHC", None)  # required in HoSo
    return broken
