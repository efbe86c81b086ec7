"""Data of the reference service: code lists, seed dossiers and the in-memory store.

Province and commune codes come from the `vietnam_provinces` package (post-1-July-2025 list,
QĐ 19/2025/QĐ-TTg), so the service never invents an administrative code. People and dossiers are
synthetic.
"""

from __future__ import annotations

import copy
import re
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from vietnam_provinces import Province, Ward

VN_TZ = timezone(timedelta(hours=7), "ICT")
AGENCY_CODE = "000.00.00.H41"  # UBND tỉnh Nghệ An (QĐ 20/2020/QĐ-TTg, framework README §1.13)
PROVINCE = "40"  # Nghệ An

RE_MA_HO_SO = re.compile(r"^[A-Z][0-9]{2}(\.[0-9]{2})?-[0-9]{8}-[0-9]{7}$")
RE_MA_TTHC = re.compile(r"^[0-9]\.[0-9]{6}$")
RE_TRANG_THAI = re.compile(r"^[0-9]{1,2}$")
RE_AGENCY = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")
RE_PERSONAL_ID = re.compile(r"^[0-9]{12}$")
RE_SUBJECT_ID = re.compile(r"^([0-9]{12}|[0-9]{10}(-[0-9]{3})?)$")
RE_PROVINCE = re.compile(r"^[0-9]{2}$")
RE_COMMUNE = re.compile(r"^[0-9]{5}$")
RE_PHONE = re.compile(r"^0[0-9]{9}$")
RE_PHONE_OPT = re.compile(r"^(0[0-9]{9})?$")
RE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RE_HASH = re.compile(r"^[a-f0-9]{64}$")
RE_QCVN_TIME = re.compile(r"^([0-9]{14})?$")
KENH_NOP = ("TrucTiep", "TrucTuyen", "BuuChinh")
DINH_DANG = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/jpeg",
    "image/png",
    "application/xml",
)
SCOPES = ("motcua.hoso.read", "motcua.hoso.write", "motcua.dvcqg.sync")
# Fault fixtures: a code from the pre-merger Nghệ An range that is absent from the 2025 list, and a
# pre-2025 district code (Vinh city), both for `retired_district_code`.
RETIRED_COMMUNE, RETIRED_DISTRICT = "16684", "412"


def province_name(code: str) -> str | None:
    try:
        return Province.from_code(int(code)).name  # type: ignore[arg-type]
    except ValueError:
        return None


def commune(code: str) -> tuple[str, str] | None:
    """(name, 2-digit province code) of a current commune code, or None if not in the list."""
    try:
        ward = Ward.from_code(int(code))  # type: ignore[arg-type]
    except ValueError:
        return None
    return ward.name, f"{int(ward.province_code):02d}"


def now_vn() -> datetime:
    return datetime.now(VN_TZ).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def address(ma_tinh: str, ma_xa: str, chi_tiet: str) -> dict[str, Any]:
    ward = commune(ma_xa)
    return {
        "MaTinh": ma_tinh,
        "TenTinh": province_name(ma_tinh) or "",
        "MaXa": ma_xa,
        "TenXa": ward[0] if ward else "",
        "DiaChiChiTiet": chi_tiet,
    }


def _seed() -> dict[str, dict[str, Any]]:
    base = datetime(2025, 11, 5, 8, 30, tzinfo=VN_TZ)
    people = [  # synthetic, pattern-valid personal ids only (README §3.6)
        (
            "040199012345",
            "Nguyễn Thị Hồng Nhung",
            "1999-04-12",
            "0912345678",
            address(PROVINCE, "16681", "Số 12, đường Lê Hồng Phong"),
        ),
        (
            "040301004567",
            "Hồ Đức Thắng",
            "2001-09-30",
            "0987654321",
            address(PROVINCE, "16732", "Khối 3, đường Bình Minh"),
        ),
        (
            "001085012345",
            "Lê Minh Quân",
            "1985-01-20",
            "0903123456",
            address("01", "00070", "Số 1 phố Tràng Tiền"),
        ),
        (
            "040176008899",
            "Phan Thị Lựa",
            "1976-06-02",
            "0945001122",
            address(PROVINCE, "17329", "Xóm Đức Thịnh"),
        ),
    ]
    procedures = [
        ("1.001234", "Đăng ký khai sinh"),
        ("1.004227", "Cấp bản sao trích lục hộ tịch"),
        ("1.000656", "Đăng ký kết hôn"),
        ("2.000908", "Chứng thực bản sao từ bản chính"),
    ]
    store: dict[str, dict[str, Any]] = {}
    for i, ((pid, name, birth, phone, addr), (code, title)) in enumerate(
        zip(people, procedures, strict=True)
    ):
        received = base + timedelta(days=-i, hours=i)
        ma = f"H41.26-{received:%Y%m%d}-{123 + i:07d}"
        store[ma] = {
            "MaHoSo": ma,
            "MaTTHC": code,
            "TenTTHC": title,
            "MaDonViTiepNhan": AGENCY_CODE,
            "KenhNop": KENH_NOP[i % 3],
            "TrichYeuHoSo": f"{title} – hồ sơ của {name}",
            "TrangThaiHoSo": "2",
            "NgayTiepNhan": iso(received),
            "NgayHenTra": iso(received + timedelta(days=2)),
            "NgayTra": None,
            "ChuHoSo": {
                "SoDinhDanh": pid,
                "HoVaTen": name,
                "NgaySinh": birth,
                "SoDienThoai": phone,
                "Email": f"congdan{i + 1}@example.vn",
                "DiaChi": addr,
            },
            "_steps": [
                {
                    "NguoiXuLy": "Trần Văn Bình",
                    "ChucDanh": "Công chức tư pháp – hộ tịch",
                    "PhongBanXuLy": "Bộ phận một cửa phường Thành Vinh",
                    "NoiDungXuLy": "Tiếp nhận và kiểm tra hồ sơ",
                    "TrangThai": "2",
                    "ThoiDiemXuLy": iso(received + timedelta(minutes=5)),
                    "NgayBatDau": iso(received),
                    "NgayKetThucTheoQuyDinh": iso(received + timedelta(days=2)),
                }
            ],
        }
    return store


class Store:
    """In-memory dossiers; one lock because the server is threaded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dossiers = _seed()
        self._synced: dict[str, dict[str, Any]] = {}
        self._seq = 1000

    def get(self, ma: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._dossiers.get(ma)
            return copy.deepcopy(found) if found else None

    def search(self, trang_thai: str | None, ma_tthc: str | None, ma_xa: str | None) -> list[dict[str, Any]]:
        with self._lock:
            rows = [
                copy.deepcopy(d)
                for d in self._dossiers.values()
                if (trang_thai is None or d["TrangThaiHoSo"] == trang_thai)
                and (ma_tthc is None or d["MaTTHC"] == ma_tthc)
                and (ma_xa is None or d["ChuHoSo"]["DiaChi"]["MaXa"] == ma_xa)
            ]
        return sorted(rows, key=lambda d: str(d["NgayTiepNhan"]), reverse=True)

    def create(self, body: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
        received = now_vn()
        owner = copy.deepcopy(body["ChuHoSo"])
        addr = owner["DiaChi"]
        owner["DiaChi"] = address(addr["MaTinh"], addr["MaXa"], addr["DiaChiChiTiet"])
        with self._lock:
            self._seq += 1
            ma = f"H41.26-{received:%Y%m%d}-{self._seq:07d}"
            record = {
                "MaHoSo": ma,
                "MaTTHC": body["MaTTHC"],
                "TenTTHC": titles.get(body["MaTTHC"], "Thủ tục hành chính"),
                "MaDonViTiepNhan": body["MaDonViTiepNhan"],
                "KenhNop": body["KenhNop"],
                "TrichYeuHoSo": body.get("TrichYeuHoSo", ""),
                "TrangThaiHoSo": "1",
                "NgayTiepNhan": iso(received),
                "NgayHenTra": iso(received + timedelta(days=2)),
                "NgayTra": None,
                "ChuHoSo": owner,
                "_steps": [],
            }
            self._dossiers[ma] = record
            return copy.deepcopy(record)

    def sync(self, items: list[dict[str, Any]], updating: bool) -> list[dict[str, Any]]:
        results = []
        with self._lock:
            for item in items:
                ma = item["MaHoSo"]
                known = ma in self._synced or ma in self._dossiers
                if updating and not known:
                    results.append(
                        {"MaHoSo": ma, "KetQua": "TuChoi", "LyDo": "Hồ sơ chưa được đồng bộ trước đó."}
                    )
                    continue
                self._synced[ma] = copy.deepcopy(item)
                results.append({"MaHoSo": ma, "KetQua": "DaTiepNhan"})
        return results

    def add_step(self, ma: str, step: dict[str, Any]) -> bool:
        with self._lock:
            dossier = self._dossiers.get(ma)
            if dossier is None:
                if ma not in self._synced:
                    return False
                self._synced[ma]["TrangThaiHoSo"] = step["TrangThai"]
                return True
            dossier["_steps"].append(step)
            dossier["TrangThaiHoSo"] = step["TrangThai"]
            return True

    def titles(self) -> dict[str, str]:
        with self._lock:
            return {d["MaTTHC"]: d["TenTTHC"] for d in self._dossiers.values()}
