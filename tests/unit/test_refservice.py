"""The reference agency service on a real loopback socket: conforming by default, and each fault
observable with a plain http.client request."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from http.client import HTTPConnection, HTTPMessage, HTTPSConnection
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from vietnam_provinces import Ward

from conformance.refservice import BASE_PATH, FAULTS, RefService, check_faults

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "conformance" / "refservice" / "openapi.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
TOKEN = "secret"
DOSSIER = "H41.26-20251105-0000123"
COMMUNES = {f"{int(w.code):05d}" for w in Ward.iter_all()}


class Resp:
    def __init__(self, status: int, headers: HTTPMessage, raw: bytes) -> None:
        self.status, self.headers, self.raw = status, headers, raw

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.raw.decode("utf-8"))


def call(
    svc: RefService,
    method: str,
    path: str,
    *,
    token: str | None = TOKEN,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    base: bool = True,
) -> Resp:
    conn = HTTPConnection("127.0.0.1", svc.port, timeout=10)
    hdrs = dict(headers or {})
    if token:
        hdrs.setdefault("Authorization", f"Bearer {token}")
    payload = raw
    if body is not None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs.setdefault("Content-Type", "application/json; charset=utf-8")
    try:
        conn.request(method, (BASE_PATH if base else "") + path, body=payload, headers=hdrs)
        r = conn.getresponse()
        return Resp(r.status, r.headers, r.read())
    finally:
        conn.close()


def schema_for(path: str, method: str, status: int) -> tuple[Any, str]:
    """A validator for the response body declared for (path, method, status)."""
    responses = SPEC["paths"][path][method]["responses"]
    resp = responses[str(status)]
    if "$ref" in resp:
        resp = SPEC["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
    ((media, content),) = resp["content"].items()
    uri = "urn:refservice:spec"
    registry: Registry[Any] = Registry().with_resource(uri, Resource.from_contents(SPEC, DRAFT202012))
    schema = dict(content["schema"])
    if "$ref" in schema:
        schema = {"$ref": uri + schema["$ref"]}
    return OAS31Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker()), media


def assert_matches_spec(r: Resp, path: str, method: str) -> None:
    validator, media = schema_for(path, method, r.status)
    assert r.headers["Content-Type"] == f"{media}; charset=utf-8"
    errors = list(validator.iter_errors(r.json()))
    assert not errors, errors[0].message


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def example(operation_path: str, method: str = "post") -> Any:
    media = SPEC["paths"][operation_path][method]["requestBody"]["content"]["application/json"]
    return copy.deepcopy(next(iter(media["examples"].values()))["value"])


@pytest.fixture(scope="module")
def svc() -> Iterator[RefService]:
    with RefService(token=TOKEN, rate_limit=None) as s:
        yield s


# --- conforming behaviour ---------------------------------------------------------------------------


def test_base_url_and_packaged_spec(svc: RefService) -> None:
    assert svc.base_url == f"http://127.0.0.1:{svc.port}/motcua/1.0"
    r = call(svc, "GET", "/openapi.yaml", token=None, base=False)
    assert r.status == 200 and r.raw == SPEC_PATH.read_bytes()


def test_health_is_public_and_conforms(svc: RefService) -> None:
    r = call(svc, "GET", "/health", token=None)
    assert r.status == 200 and r.json()["TrangThai"] == "UP"
    assert_matches_spec(r, "/health", "get")


def test_dossier_lookup_conforms(svc: RefService) -> None:
    r = call(svc, "GET", f"/hoso/{DOSSIER}", headers={"X-Request-ID": "req-123"})
    assert r.status == 200
    assert_matches_spec(r, "/hoso/{MaHoSo}", "get")
    assert r.headers["X-Request-ID"] == "req-123"
    assert r.headers["Cache-Control"] == "no-store"
    assert abs(parsedate_to_datetime(r.headers["Date"]).timestamp() - time.time()) < 5
    body = r.json()
    assert all(unicodedata.is_normalized("NFC", s) for s in strings(body))
    assert "Phường Thành Vinh" in r.text
    addr = body["ChuHoSo"]["DiaChi"]
    assert addr["MaXa"] in COMMUNES and "MaHuyen" not in addr and addr["MaTinh"] == "40"
    assert len(body["ChuHoSo"]["SoDinhDanh"]) == 12


def test_list_and_progress_conform(svc: RefService) -> None:
    r = call(svc, "GET", "/hoso?Trang=1&SoLuong=2")
    assert r.status == 200 and len(r.json()["DanhSach"]) == 2 and r.json()["TongSo"] >= 4
    assert_matches_spec(r, "/hoso", "get")
    assert all(row["MaXa"] in COMMUNES for row in r.json()["DanhSach"])
    r = call(svc, "GET", f"/hoso/{DOSSIER}/tiendo")
    assert r.status == 200 and r.json()["DanhSachTienDo"]
    assert_matches_spec(r, "/hoso/{MaHoSo}/tiendo", "get")


def test_auth_is_enforced(svc: RefService) -> None:
    r = call(svc, "GET", "/hoso", token=None)
    assert r.status == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_matches_spec(r, "/hoso", "get")
    r = call(svc, "GET", "/hoso", token="wrong")
    assert r.status == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert call(svc, "GET", f"/hoso?access_token={TOKEN}", token=None).status == 401


def test_token_endpoint_and_scopes(svc: RefService) -> None:
    basic = base64.b64encode(f"{svc.client_id}:{svc.client_secret}".encode()).decode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"}
    r = call(
        svc,
        "POST",
        "/token",
        token=None,
        raw=b"grant_type=client_credentials&scope=motcua.hoso.read",
        headers=form,
        base=False,
    )
    assert r.status == 200 and r.headers["Cache-Control"] == "no-store"
    issued = r.json()
    assert issued["token_type"] == "Bearer" and issued["scope"] == "motcua.hoso.read"
    assert call(svc, "GET", "/hoso", token=issued["access_token"]).status == 200
    r = call(svc, "POST", "/hoso", token=issued["access_token"], body=example("/hoso"))
    assert r.status == 403 and "insufficient_scope" in r.headers["WWW-Authenticate"]
    assert_matches_spec(r, "/hoso", "post")
    bad = {**form, "Authorization": "Basic " + base64.b64encode(b"x:y").decode()}
    r = call(svc, "POST", "/token", token=None, raw=b"grant_type=client_credentials", headers=bad, base=False)
    assert r.status == 401 and r.json() == {"error": "invalid_client"}
    r = call(svc, "POST", "/token", token=None, raw=b"grant_type=password", headers=form, base=False)
    assert r.status == 400 and r.json()["error"] == "unsupported_grant_type"
    r = call(
        svc,
        "POST",
        "/token",
        token=None,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        raw=f"grant_type=client_credentials&client_id={svc.client_id}&client_secret={svc.client_secret}".encode(),
        base=False,
    )
    assert r.status == 200


def test_submission_roundtrip(svc: RefService) -> None:
    r = call(svc, "POST", "/hoso", body=example("/hoso"), headers={"X-Request-ID": "sub-1"})
    assert r.status == 201, r.text
    assert_matches_spec(r, "/hoso", "post")
    created = r.json()
    assert r.headers["Location"].endswith(created["MaHoSo"]) and created["ChuHoSo"]["DiaChi"]["TenXa"]
    again = call(svc, "GET", f"/hoso/{created['MaHoSo']}")
    assert again.status == 200 and again.json()["MaHoSo"] == created["MaHoSo"]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b["ChuHoSo"].update(SoDinhDanh="12345"), "/ChuHoSo/SoDinhDanh"),
        (
            lambda b: b["ChuHoSo"]["DiaChi"].update(MaXa="00070"),
            "/ChuHoSo/DiaChi/MaXa",
        ),  # Hà Nội commune, province 40
        (lambda b: b.update(MaTTHC="1234"), "/MaTTHC"),
        (lambda b: b["ChuHoSo"].update(NgaySinh="12/04/1999"), "/ChuHoSo/NgaySinh"),
        (lambda b: b.pop("ChuHoSo"), "/ChuHoSo"),
        (lambda b: b.update(Khac=1), "/Khac"),
    ],
)
def test_validation_names_the_field(svc: RefService, mutate: Any, field: str) -> None:
    body = example("/hoso")
    mutate(body)
    r = call(svc, "POST", "/hoso", body=body)
    assert r.status == 400, r.text
    assert_matches_spec(r, "/hoso", "post")
    assert r.json()["field"] == field


def test_malformed_json_is_400(svc: RefService) -> None:
    r = call(svc, "POST", "/hoso", raw=b'{"MaTTHC": ', headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.json()["code"] == "DU_LIEU_KHONG_HOP_LE"
    assert call(svc, "GET", "/hoso?SoLuong=1000").json()["field"] == "SoLuong"
    assert call(svc, "GET", "/hoso/khong-hop-le").status == 400
    assert call(svc, "GET", "/hoso/H41.26-20251105-0009999").status == 404


def test_qcvn120_packets(svc: RefService) -> None:
    r = call(svc, "POST", "/dvcqg/dongbohoso", body=example("/dvcqg/dongbohoso"))
    assert r.status == 202, r.text
    assert_matches_spec(r, "/dvcqg/dongbohoso", "post")
    packet = example("/dvcqg/capnhattiendo")
    r = call(svc, "POST", "/dvcqg/capnhattiendo", body=packet)
    assert r.status == 202, r.text
    assert_matches_spec(r, "/dvcqg/capnhattiendo", "post")
    steps = call(svc, "GET", f"/hoso/{DOSSIER}/tiendo").json()["DanhSachTienDo"]
    assert steps[-1]["ThoiDiemXuLy"] == "2025-11-05T09:30:00+07:00"
    packet["ThoiDiemXuLy"] = "2025-11-05 09:30"
    r = call(svc, "POST", "/dvcqg/capnhattiendo", body=packet)
    assert r.status == 400 and r.json()["field"] == "/ThoiDiemXuLy"


def test_http_semantics(svc: RefService) -> None:
    get = call(svc, "GET", f"/hoso/{DOSSIER}")
    head = call(svc, "HEAD", f"/hoso/{DOSSIER}")
    assert (
        head.status == 200
        and head.raw == b""
        and head.headers["Content-Length"] == get.headers["Content-Length"]
    )
    opt = call(svc, "OPTIONS", "/hoso", token=None)
    assert opt.status == 204 and set(opt.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    r = call(svc, "DELETE", f"/hoso/{DOSSIER}")
    assert r.status == 405 and "GET" in r.headers["Allow"]
    assert call(svc, "GET", "/hoso", headers={"Accept": "application/xml"}).status == 406
    assert call(svc, "GET", "/khong-co").status == 404
    assert call(svc, "POST", "/hoso", raw=b"a=1", headers={"Content-Type": "text/plain"}).status == 415


def test_keep_alive_is_fast(svc: RefService) -> None:
    conn = HTTPConnection("127.0.0.1", svc.port, timeout=10)
    start = time.perf_counter()
    for _ in range(30):
        conn.request("GET", BASE_PATH + "/health")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200 and resp.getheader("Connection") != "close"
    conn.close()
    assert time.perf_counter() - start < 1.0  # ~40 ms/request without TCP_NODELAY would be ≥1.2 s


def test_request_log_and_counts() -> None:
    with RefService(token=TOKEN) as s:
        call(s, "GET", "/health", token=None)
        call(s, "GET", "/hoso")
        call(s, "POST", "/hoso", body={})
        assert s.counts() == {"GET": 2, "POST": 1}
        records = list(s.requests)
        assert [(r.method, r.path, r.status) for r in records] == [
            ("GET", "/motcua/1.0/health", 200),
            ("GET", "/motcua/1.0/hoso", 200),
            ("POST", "/motcua/1.0/hoso", 400),
        ]
        assert records[1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_burst_limiter_answers_429_with_retry_after() -> None:
    with RefService(token=TOKEN, rate_limit=3) as s:
        replies = [call(s, "GET", "/hoso") for _ in range(10)]
        limited = [r for r in replies if r.status == 429]
        assert limited and all(r.headers["Retry-After"].isdigit() for r in limited)
        assert_matches_spec(limited[0], "/hoso", "get")
        ok = next(r for r in replies if r.status == 200)
        assert ok.headers["RateLimit-Limit"] == "3"
        assert call(s, "GET", "/health", token=None).status == 200  # monitoring is exempt


def test_unknown_fault_is_rejected_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match="did you mean 'no_auth_check'"):
        check_faults({"no_auth_chek"})
    with pytest.raises(ValueError):
        RefService(faults={"nope"})


# --- faults: each observable with a plain request -------------------------------------------------


def _with(*faults: str, **kw: Any) -> RefService:
    return RefService(faults=set(faults), token=TOKEN, **kw)


def _loi_valid(body: Any) -> bool:
    validator, _ = schema_for("/hoso", "get", 400)
    return validator.is_valid(body)


def _bad_submission() -> Any:
    body = example("/hoso")
    body["ChuHoSo"]["SoDinhDanh"] = "12345"
    return body


def check_no_auth_check(s: RefService) -> None:
    assert call(s, "GET", f"/hoso/{DOSSIER}", token=None).status == 200


def check_auth_500(s: RefService) -> None:
    assert call(s, "GET", "/hoso", token=None).status == 500
    assert call(s, "GET", "/hoso", token="wrong").status == 500
    assert call(s, "GET", "/hoso").status == 200


def check_no_www_authenticate(s: RefService) -> None:
    r = call(s, "GET", "/hoso", token=None)
    assert r.status == 401 and "WWW-Authenticate" not in r.headers


def check_wrong_error_body(s: RefService) -> None:
    r = call(s, "GET", "/hoso", token=None)
    assert r.status == 401 and not _loi_valid(r.json())


def check_error_without_field(s: RefService) -> None:
    r = call(s, "POST", "/hoso", body=_bad_submission())
    assert r.status == 400 and _loi_valid(r.json()) and "field" not in r.json()


def check_server_error_on_bad_input(s: RefService) -> None:
    assert call(s, "POST", "/hoso", body=_bad_submission()).status == 500
    assert call(s, "POST", "/hoso", raw=b"{", headers={"Content-Type": "application/json"}).status == 500


def check_no_correlation_echo(s: RefService) -> None:
    r = call(s, "GET", "/hoso", headers={"X-Request-ID": "abc"})
    assert r.status == 200 and "X-Request-ID" not in r.headers


def check_non_utf8_body(s: RefService) -> None:
    r = call(s, "GET", f"/hoso/{DOSSIER}")
    assert "charset=utf-8" in r.headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        r.raw.decode("utf-8")
    assert "Thành Vinh" in unicodedata.normalize("NFC", r.raw.decode("cp1258"))


def check_non_nfc_text(s: RefService) -> None:
    body = call(s, "GET", f"/hoso/{DOSSIER}").json()
    assert any(not unicodedata.is_normalized("NFC", v) for v in strings(body))


def check_wrong_content_type(s: RefService) -> None:
    r = call(s, "GET", "/hoso")
    assert r.status == 200 and r.headers["Content-Type"] == "text/html"


def check_retired_district_code(s: RefService) -> None:
    addr = call(s, "GET", f"/hoso/{DOSSIER}").json()["ChuHoSo"]["DiaChi"]
    assert "MaHuyen" in addr and addr["MaXa"] not in COMMUNES


def check_invalid_commune_code(s: RefService) -> None:
    rows = call(s, "GET", "/hoso").json()["DanhSach"]
    assert all(row["MaXa"] not in COMMUNES for row in rows)


def check_invalid_personal_id(s: RefService) -> None:
    pid = call(s, "GET", f"/hoso/{DOSSIER}").json()["ChuHoSo"]["SoDinhDanh"]
    assert len(pid) != 12


def check_bad_date_format(s: RefService) -> None:
    body = call(s, "GET", f"/hoso/{DOSSIER}").json()
    assert "/" in body["NgayTiepNhan"]
    validator, _ = schema_for("/hoso/{MaHoSo}", "get", 200)
    assert not validator.is_valid(body)


def check_cacheable_personal_data(s: RefService) -> None:
    r = call(s, "GET", f"/hoso/{DOSSIER}")
    assert "no-store" not in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]


def check_stale_date_header(s: RefService) -> None:
    r = call(s, "GET", "/health", token=None)
    assert time.time() - parsedate_to_datetime(r.headers["Date"]).timestamp() > 60


def check_slow(s: RefService) -> None:
    start = time.perf_counter()
    assert call(s, "GET", "/health", token=None).status == 200
    assert time.perf_counter() - start >= 0.3


def check_no_health(s: RefService) -> None:
    assert call(s, "GET", "/health", token=None).status == 404


def check_error_200(s: RefService) -> None:
    r = call(s, "GET", "/hoso", token=None)
    assert r.status == 200 and r.json()["error_code"] == "401"
    r = call(s, "POST", "/hoso", body=_bad_submission())
    assert r.status == 200 and r.json()["error_code"] == "400"


def check_token_in_query_accepted(s: RefService) -> None:
    assert call(s, "GET", f"/hoso?access_token={TOKEN}", token=None).status == 200


def check_no_rate_limit_headers(s: RefService) -> None:
    replies = [call(s, "GET", "/hoso") for _ in range(8)]
    assert all(r.status == 200 and "RateLimit-Limit" not in r.headers for r in replies)


def check_429_without_retry_after(s: RefService) -> None:
    replies = [call(s, "GET", "/hoso") for _ in range(8)]
    limited = [r for r in replies if r.status == 429]
    assert limited and all("Retry-After" not in r.headers for r in limited)


def check_schema_violation(s: RefService) -> None:
    for path, template in (
        (f"/hoso/{DOSSIER}", "/hoso/{MaHoSo}"),
        ("/hoso", "/hoso"),
        ("/health", "/health"),
    ):
        r = call(s, "GET", path)
        validator, _ = schema_for(template, "get", r.status)
        assert r.status == 200 and not validator.is_valid(r.json()), path


def check_http10(s: RefService) -> None:
    conn = HTTPConnection("127.0.0.1", s.port, timeout=10)
    conn.request("GET", BASE_PATH + "/health")
    resp = conn.getresponse()
    resp.read()
    assert resp.version == 10
    conn.close()


def check_redirect_elsewhere(s: RefService) -> None:
    r = call(s, "GET", "/health")
    assert r.status == 302 and r.headers["location"].startswith("http://127.0.0.1:9/")


def check_drop_connections(s: RefService) -> None:
    from http.client import RemoteDisconnected

    outcomes = []
    for _ in range(4):  # a new connection each time: every second request gets no status line
        try:
            outcomes.append(call(s, "GET", "/health").status)
        except (RemoteDisconnected, ConnectionError):
            outcomes.append(None)
    assert outcomes.count(None) == 2 and outcomes.count(200) == 2, outcomes


FAULT_CHECKS = {name: globals()[f"check_{name}"] for name in FAULTS}
FAULT_OPTIONS: dict[str, dict[str, Any]] = {
    "slow": {"slow_seconds": 0.3},
    "no_rate_limit_headers": {"rate_limit": 2},
    "429_without_retry_after": {"rate_limit": 2},
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_observable(name: str) -> None:
    with _with(name, **FAULT_OPTIONS.get(name, {})) as s:
        FAULT_CHECKS[name](s)


@pytest.mark.parametrize("name", sorted(set(FAULTS) - {"no_rate_limit_headers", "429_without_retry_after"}))
def test_without_the_fault_the_check_fails(name: str, svc: RefService) -> None:
    """Guard against fault checks that would also pass on a conforming service."""
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        FAULT_CHECKS[name](svc)


def test_without_rate_limit_faults_the_checks_fail() -> None:
    with RefService(token=TOKEN, rate_limit=2) as s:
        for name in ("no_rate_limit_headers", "429_without_retry_after"):
            with pytest.raises(AssertionError):
                FAULT_CHECKS[name](s)
            time.sleep(1.0)  # let the one-second window reset


def test_faults_compose() -> None:
    with _with(
        "no_auth_check",
        "non_nfc_text",
        "no_correlation_echo",
        "cacheable_personal_data",
        "invalid_personal_id",
    ) as s:
        check_no_auth_check(s)
        check_non_nfc_text(s)
        check_no_correlation_echo(s)
        check_cacheable_personal_data(s)
        check_invalid_personal_id(s)
    with _with("wrong_error_body", "error_without_field", "no_www_authenticate") as s:
        check_wrong_error_body(s)
        check_no_www_authenticate(s)


def test_cli_prints_base_url_and_serves() -> None:
    env = {**os.environ, "REFSERVICE_TOKEN": "cli-token", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance.refservice", "--port", "0", "--fault", "no_health"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:") and base.endswith(BASE_PATH)
        host_port = base.split("/")[2]
        conn = HTTPConnection(host_port, timeout=10)
        conn.request("GET", BASE_PATH + "/hoso", headers={"Authorization": "Bearer cli-token"})
        assert conn.getresponse().status == 200
        conn.close()
        conn = HTTPConnection(host_port, timeout=10)
        conn.request("GET", BASE_PATH + "/health")
        assert conn.getresponse().status == 404
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_https_with_a_server_context(tmp_path: Path) -> None:
    import datetime as dt
    import ssl

    crypto = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = crypto.Name([crypto.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        crypto.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    client_ctx = ssl.create_default_context(cafile=str(tmp_path / "c.pem"))
    client_ctx.check_hostname = False
    with RefService(token=TOKEN, ssl_context=server_ctx) as s:
        assert s.base_url.startswith("https://127.0.0.1:")
        conn = HTTPSConnection("127.0.0.1", s.port, timeout=10, context=client_ctx)
        conn.request("GET", BASE_PATH + "/hoso", headers={"Authorization": f"Bearer {TOKEN}"})
        assert conn.getresponse().status == 200
        conn.close()
