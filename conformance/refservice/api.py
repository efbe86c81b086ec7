"""Operations of specs/provincial-one-stop/openapi.yaml, as plain functions returning a Reply.

HTTP plumbing (auth, rate limit, headers, encoding, most faults) lives in server.py; this module
only knows the API's resources, plus the data-level faults that change field values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import data, validation
from .validation import InvalidInput


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    problem: bool = False  # body is the shared error schema (Loi)
    bad_input: bool = False  # a 400 caused by the caller's input
    personal: bool = False  # body carries personal data (Cache-Control: no-store)


@dataclass(frozen=True)
class Request:
    method: str
    route: str  # path below the base path, e.g. /hoso/H41.26-20251105-0000123
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes


TITLES = {
    "DU_LIEU_KHONG_HOP_LE": "Dữ liệu không hợp lệ",
    "KHONG_TIM_THAY": "Không tìm thấy",
    "CHUA_XAC_THUC": "Chưa xác thực",
    "KHONG_DU_QUYEN": "Không đủ quyền",
    "LOI_HE_THONG": "Lỗi hệ thống",
    "VUOT_GIOI_HAN_TAN_SUAT": "Vượt giới hạn tần suất",
}


def problem(status: int, code: str, message: str, fld: str | None = None, **flags: bool) -> Reply:
    body: dict[str, Any] = {
        "title": TITLES.get(code, code),
        "status": status,
        "code": code,
        "message": message,
    }
    if fld is not None:
        body["field"] = fld
    return Reply(status, body, problem=True, **flags)


def invalid(exc: InvalidInput) -> Reply:
    return problem(400, "DU_LIEU_KHONG_HOP_LE", exc.message, exc.field, bad_input=True)


@dataclass(frozen=True)
class Operation:
    method: str
    pattern: re.Pattern[str]
    scope: str | None  # None = public (x-vn-public, security: [])
    handler: Callable[[Request, re.Match[str], frozenset[str], data.Store], Reply]


# --- data-level faults ----------------------------------------------------------------------------


def _present_address(addr: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    addr = dict(addr)
    if "retired_district_code" in faults:
        addr = {
            "MaTinh": addr["MaTinh"],
            "MaHuyen": data.RETIRED_DISTRICT,
            "MaXa": data.RETIRED_COMMUNE,
            "DiaChiChiTiet": addr["DiaChiChiTiet"],
        }
    if "invalid_commune_code" in faults:
        addr["MaXa"], addr["TenXa"] = "99999", ""
    return addr


def _time(value: str | None, faults: frozenset[str]) -> str | None:
    if value is None or "bad_date_format" not in faults:
        return value
    return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M:%S")


def _present_dossier(d: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    out = {k: v for k, v in d.items() if not k.startswith("_")}
    for key in ("NgayTiepNhan", "NgayHenTra", "NgayTra"):
        out[key] = _time(out.get(key), faults)
    owner = dict(out["ChuHoSo"])
    owner["DiaChi"] = _present_address(owner["DiaChi"], faults)
    if "invalid_personal_id" in faults:
        owner["SoDinhDanh"] = "186123456"  # 9-digit CMND-style number
    out["ChuHoSo"] = owner
    return out


def _summary(d: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    addr = _present_address(d["ChuHoSo"]["DiaChi"], faults)
    return {
        "MaHoSo": d["MaHoSo"],
        "MaTTHC": d["MaTTHC"],
        "TenTTHC": d["TenTTHC"],
        "TrangThaiHoSo": d["TrangThaiHoSo"],
        "NgayTiepNhan": _time(d["NgayTiepNhan"], faults),
        "NgayHenTra": _time(d["NgayHenTra"], faults),
        "MaXa": addr["MaXa"],
    }


# --- handlers --------------------------------------------------------------------------------------


def _json_body(req: Request) -> Any:
    try:
        return json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("", f"Nội dung không phải JSON UTF-8 hợp lệ: {exc}") from None


def health(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    if "no_health" in faults:
        return problem(404, "KHONG_TIM_THAY", "Không tìm thấy tài nguyên.")
    return Reply(
        200, {"TrangThai": "UP", "PhienBan": "1.0.3", "ThoiDiem": _time(data.iso(data.now_vn()), faults)}
    )


def list_dossiers(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    q = req.query
    try:
        page = validation.check_query_int(q.get("Trang"), "Trang", 1, 1, None)
        size = validation.check_query_int(q.get("SoLuong"), "SoLuong", 20, 1, 100)
        for name, rx in (
            ("TrangThaiHoSo", data.RE_TRANG_THAI),
            ("MaTTHC", data.RE_MA_TTHC),
            ("MaXa", data.RE_COMMUNE),
        ):
            if name in q and not rx.match(q[name]):
                raise InvalidInput(name, f"{name} sai định dạng.")
    except InvalidInput as exc:
        return invalid(exc)
    rows = store.search(q.get("TrangThaiHoSo"), q.get("MaTTHC"), q.get("MaXa"))
    chunk = rows[(page - 1) * size : page * size]
    body = {
        "TongSo": len(rows),
        "Trang": page,
        "SoLuong": size,
        "DanhSach": [_summary(d, faults) for d in chunk],
    }
    return Reply(200, body)


def _lookup(m: re.Match[str], store: data.Store) -> tuple[dict[str, Any] | None, Reply | None]:
    ma = m.group("ma")
    if not data.RE_MA_HO_SO.match(ma):
        return None, invalid(InvalidInput("MaHoSo", "MaHoSo sai định dạng."))
    found = store.get(ma)
    if found is None:
        return None, problem(404, "KHONG_TIM_THAY", f"Không tìm thấy hồ sơ {ma}.")
    return found, None


def get_dossier(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    found, error = _lookup(m, store)
    if error is not None or found is None:
        return error or problem(500, "LOI_HE_THONG", "Lỗi hệ thống.")
    return Reply(200, _present_dossier(found, faults), personal=True)


def get_progress(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    found, error = _lookup(m, store)
    if error is not None or found is None:
        return error or problem(500, "LOI_HE_THONG", "Lỗi hệ thống.")
    steps = [
        {k: (_time(v, faults) if k.startswith(("Ngay", "ThoiDiem")) else v) for k, v in s.items()}
        for s in found["_steps"]
    ]
    body = {"MaHoSo": found["MaHoSo"], "TrangThaiHoSo": found["TrangThaiHoSo"], "DanhSachTienDo": steps}
    return Reply(200, body, personal=True)


def submit_dossier(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    try:
        body = _json_body(req)
        validation.check_new_dossier(body)
    except InvalidInput as exc:
        return invalid(exc)
    created = store.create(body, store.titles())
    reply = Reply(201, _present_dossier(created, faults), personal=True)
    reply.headers["Location"] = f"hoso/{created['MaHoSo']}"
    return reply


def sync_dossiers(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    try:
        body = _json_body(req)
        items = validation.check_sync_packet(body)
    except InvalidInput as exc:
        return invalid(exc)
    results = store.sync(items, body["isUpdating"])
    accepted = sum(1 for r in results if r["KetQua"] == "DaTiepNhan")
    return Reply(202, {"SoLuongTiepNhan": accepted, "DanhSach": results}, personal=True)


def update_progress(req: Request, m: re.Match[str], faults: frozenset[str], store: data.Store) -> Reply:
    try:
        body = _json_body(req)
        step = validation.check_progress_packet(body)
    except InvalidInput as exc:
        return invalid(exc)
    if not store.add_step(body["MaHoSo"], step):
        return problem(404, "KHONG_TIM_THAY", f"Không tìm thấy hồ sơ {body['MaHoSo']}.")
    return Reply(
        202,
        {"SoLuongTiepNhan": 1, "DanhSach": [{"MaHoSo": body["MaHoSo"], "KetQua": "DaTiepNhan"}]},
        personal=True,
    )


_MA = r"(?P<ma>[^/]+)"
OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", re.compile(r"^/health$"), None, health),
    Operation("GET", re.compile(r"^/hoso$"), "motcua.hoso.read", list_dossiers),
    Operation("POST", re.compile(r"^/hoso$"), "motcua.hoso.write", submit_dossier),
    Operation("GET", re.compile(rf"^/hoso/{_MA}$"), "motcua.hoso.read", get_dossier),
    Operation("GET", re.compile(rf"^/hoso/{_MA}/tiendo$"), "motcua.hoso.read", get_progress),
    Operation("POST", re.compile(r"^/dvcqg/dongbohoso$"), "motcua.dvcqg.sync", sync_dossiers),
    Operation("POST", re.compile(r"^/dvcqg/capnhattiendo$"), "motcua.dvcqg.sync", update_progress),
)


def match(method: str, route: str) -> tuple[Operation | None, re.Match[str] | None, list[str]]:
    """The operation for (method, route), and the methods the route allows (for 405 / OPTIONS)."""
    allowed: list[str] = []
    found: tuple[Operation | None, re.Match[str] | None] = (None, None)
    for op in OPERATIONS:
        hit = op.pattern.match(route)
        if hit:
            allowed.append(op.method)
            if op.method == method or (method == "HEAD" and op.method == "GET"):
                found = (op, hit)
    return found[0], found[1], allowed
