"""Input validation of the reference service, mirroring the request schemas of the spec.

Hand-written rather than schema-driven so that each failure names one field with a JSON Pointer
(the behaviour VN-API-028 expects) and the messages stay Vietnamese.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from .data import (
    DINH_DANG,
    KENH_NOP,
    RE_AGENCY,
    RE_COMMUNE,
    RE_EMAIL,
    RE_HASH,
    RE_MA_HO_SO,
    RE_MA_TTHC,
    RE_PERSONAL_ID,
    RE_PHONE,
    RE_PHONE_OPT,
    RE_PROVINCE,
    RE_QCVN_TIME,
    RE_SUBJECT_ID,
    RE_TRANG_THAI,
    VN_TZ,
    commune,
    iso,
    province_name,
)


class InvalidInput(Exception):
    """A request value breaks the spec; `field` is a JSON Pointer or a parameter name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _need(cond: bool, field: str, message: str) -> None:
    if not cond:
        raise InvalidInput(field, message)


def _string(
    obj: dict[str, Any],
    key: str,
    ptr: str,
    *,
    required: bool = False,
    pattern: re.Pattern[str] | None = None,
    max_len: int | None = None,
    min_len: int = 0,
) -> str | None:
    field = f"{ptr}/{key}"
    if key not in obj:
        _need(not required, field, f"Thiếu trường bắt buộc {key}.")
        return None
    value = obj[key]
    _need(isinstance(value, str), field, f"{key} phải là chuỗi ký tự.")
    _need(len(value) >= min_len, field, f"{key} không được để trống.")
    _need(max_len is None or len(value) <= max_len, field, f"{key} dài quá {max_len} ký tự.")
    _need(pattern is None or bool(pattern.match(value)), field, f"{key} sai định dạng.")
    return str(value)


def check_query_int(raw: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if raw is None:
        return default
    _need(raw.isdigit(), name, f"{name} phải là số nguyên.")
    value = int(raw)
    _need(value >= low and (high is None or value <= high), name, f"{name} nằm ngoài khoảng cho phép.")
    return value


def check_address(obj: Any, ptr: str) -> None:
    _need(isinstance(obj, dict), ptr, "DiaChi phải là đối tượng.")
    ma_tinh = _string(obj, "MaTinh", ptr, required=True, pattern=RE_PROVINCE)
    ma_xa = _string(obj, "MaXa", ptr, required=True, pattern=RE_COMMUNE)
    _string(obj, "DiaChiChiTiet", ptr, required=True, min_len=1, max_len=250)
    _need(
        province_name(ma_tinh or "") is not None, f"{ptr}/MaTinh", "Mã tỉnh không có trong QĐ 19/2025/QĐ-TTg."
    )
    ward = commune(ma_xa or "")
    _need(ward is not None, f"{ptr}/MaXa", "Mã xã không có trong QĐ 19/2025/QĐ-TTg.")
    _need(ward is None or ward[1] == ma_tinh, f"{ptr}/MaXa", "Mã xã không thuộc tỉnh đã chọn.")


def check_new_dossier(body: Any) -> None:
    """Validate a HoSoMoi request body (mirrors the schema in the spec)."""
    _need(isinstance(body, dict), "", "Nội dung phải là đối tượng JSON.")
    allowed = {"MaTTHC", "MaDonViTiepNhan", "KenhNop", "TrichYeuHoSo", "ChuHoSo", "ThanhPhanHoSo", "ThoiDiemNop"}
    for key in body:
        _need(key in allowed, f"/{key}", f"Trường {key} không được hỗ trợ.")
    _string(body, "MaTTHC", "", required=True, pattern=RE_MA_TTHC)
    _string(body, "MaDonViTiepNhan", "", required=True, pattern=RE_AGENCY)
    _need(body.get("KenhNop") in KENH_NOP, "/KenhNop", "KenhNop phải là TrucTiep, TrucTuyen hoặc BuuChinh.")
    _string(body, "TrichYeuHoSo", "", max_len=500)
    owner = body.get("ChuHoSo")
    _need(isinstance(owner, dict), "/ChuHoSo", "Thiếu hoặc sai trường bắt buộc ChuHoSo.")
    _string(owner, "SoDinhDanh", "/ChuHoSo", required=True, pattern=RE_PERSONAL_ID)
    _string(owner, "HoVaTen", "/ChuHoSo", required=True, min_len=1, max_len=100)
    birth = _string(owner, "NgaySinh", "/ChuHoSo")
    if birth is not None:
        try:
            date.fromisoformat(birth)
            ok = len(birth) == 10
        except ValueError:
            ok = False
        _need(ok, "/ChuHoSo/NgaySinh", "NgaySinh phải theo định dạng yyyy-MM-dd.")
    _string(owner, "SoDienThoai", "/ChuHoSo", pattern=RE_PHONE)
    _string(owner, "Email", "/ChuHoSo", pattern=RE_EMAIL)
    _need("DiaChi" in owner, "/ChuHoSo/DiaChi", "Thiếu trường bắt buộc DiaChi.")
    check_address(owner["DiaChi"], "/ChuHoSo/DiaChi")
    parts = body.get("ThanhPhanHoSo", [])
    _need(isinstance(parts, list), "/ThanhPhanHoSo", "ThanhPhanHoSo phải là mảng.")
    for i, part in enumerate(parts):
        ptr = f"/ThanhPhanHoSo/{i}"
        _need(isinstance(part, dict), ptr, "Thành phần hồ sơ phải là đối tượng.")
        _string(part, "MaThanhPhanHoSo", ptr, required=True, max_len=50)
        _string(part, "TenThanhPhanHoSo", ptr, required=True, max_len=500)
        count = part.get("SoLuong")
        _need(
            isinstance(count, int) and not isinstance(count, bool) and count >= 1,
            f"{ptr}/SoLuong",
            "SoLuong phải là số nguyên dương.",
        )
        files = part.get("TepDinhKem", [])
        _need(isinstance(files, list), f"{ptr}/TepDinhKem", "TepDinhKem phải là mảng.")
        for j, tep in enumerate(files):
            fptr = f"{ptr}/TepDinhKem/{j}"
            _need(isinstance(tep, dict), fptr, "Tệp đính kèm phải là đối tượng.")
            file_id = _string(tep, "IdTepTin", fptr, required=True)
            try:
                uuid.UUID(file_id or "")
            except ValueError:
                raise InvalidInput(f"{fptr}/IdTepTin", "IdTepTin phải là UUID.") from None
            _string(tep, "TenTepTin", fptr, required=True, max_len=255)
            _need(tep.get("DinhDang") in DINH_DANG, f"{fptr}/DinhDang", "Định dạng tệp không được phép.")
            _string(tep, "HashTepTin", fptr, required=True, pattern=RE_HASH)


def parse_qcvn_time(value: str, field: str) -> datetime | None:
    _need(bool(RE_QCVN_TIME.match(value)), field, "Thời điểm phải theo định dạng yyyyMMddHHmmss.")
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        raise InvalidInput(field, "Thời điểm không tồn tại.") from None


def check_sync_packet(body: Any) -> list[dict[str, Any]]:
    """Validate a DongBoHoSoMC packet; returns its dossiers."""
    _need(isinstance(body, dict), "", "Nội dung phải là đối tượng JSON.")
    _need(isinstance(body.get("isUpdating"), bool), "/isUpdating", "isUpdating phải là true hoặc false.")
    items = body.get("data")
    _need(isinstance(items, list) and 1 <= len(items) <= 100, "/data", "data phải có từ 1 đến 100 hồ sơ.")
    for i, item in enumerate(items):
        ptr = f"/data/{i}"
        _need(isinstance(item, dict), ptr, "Hồ sơ phải là đối tượng.")
        _string(item, "MaHoSo", ptr, required=True, pattern=RE_MA_HO_SO)
        _string(item, "MaTTHC", ptr, required=True, pattern=RE_MA_TTHC)
        _string(item, "TenTTHC", ptr, required=True)
        _string(item, "ChuHoSo", ptr, required=True)
        _need(
            item.get("LoaiDoiTuong") in ("1", "2"),
            f"{ptr}/LoaiDoiTuong",
            "LoaiDoiTuong phải là '1' hoặc '2'.",
        )
        _string(item, "MaDoiTuong", ptr, pattern=RE_SUBJECT_ID)
        _string(item, "SoDienThoai", ptr, pattern=RE_PHONE_OPT)
        _string(item, "TrangThaiHoSo", ptr, required=True, pattern=RE_TRANG_THAI)
        _string(item, "DonViXuLy", ptr, required=True, pattern=RE_AGENCY)
        for key in ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy"):
            value = _string(item, key, ptr, required=key == "NgayTiepNhan")
            if value is not None:
                parse_qcvn_time(value, f"{ptr}/{key}")
    return list(items)


def check_progress_packet(body: Any) -> dict[str, Any]:
    """Validate a CapNhatTienDoHoSoMC packet; returns a BuocXuLy with RFC 3339 times."""
    _need(isinstance(body, dict), "", "Nội dung phải là đối tượng JSON.")
    _string(body, "MaHoSo", "", required=True, pattern=RE_MA_HO_SO)
    step: dict[str, Any] = {}
    for key in ("NguoiXuLy", "ChucDanh", "PhongBanXuLy"):
        value = _string(body, key, "")
        if value is not None:
            step[key] = value
    step["NoiDungXuLy"] = _string(body, "NoiDungXuLy", "", required=True)
    step["TrangThai"] = _string(body, "TrangThai", "", required=True, pattern=RE_TRANG_THAI)
    for key in ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"):
        value = _string(body, key, "", required=key == "ThoiDiemXuLy")
        moment = parse_qcvn_time(value, f"/{key}") if value is not None else None
        _need(moment is not None or key != "ThoiDiemXuLy", f"/{key}", f"{key} không được để trống.")
        if moment is not None:
            step[key] = iso(moment)
    return step
