"""Field-name matching: spellings across conventions, no false positives, data-file integrity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance import fieldnames
from conformance.fieldnames import concept_of, match, names_for, normalise, words


@pytest.mark.parametrize(
    "name", ["MaTinh", "maTinh", "ma_tinh", "matinh", "MA_TINH", "ma-tinh", "Mã Tỉnh", "MãTỉnh"]
)
def test_province_code_spellings(name: str) -> None:
    assert concept_of(name) == "province_code"
    assert normalise(name) == "matinh"


@pytest.mark.parametrize(
    ("name", "concept"),
    [
        ("provinceCode", "province_code"),
        ("province_code", "province_code"),
        ("MaTinhThanh", "province_code"),
        ("tinhThanhPho", "province"),
        ("MaHuyen", "district_code"),
        ("maQuanHuyen", "district_code"),
        ("districtCode", "district_code"),
        ("MaXa", "commune_code"),
        ("wardCode", "commune_code"),
        ("communeCode", "commune_code"),
        ("SoCMND", "legacy_id_card"),
        ("soCmnd", "legacy_id_card"),
        ("SoDinhDanh", "personal_id"),
        ("SoCCCD", "personal_id"),
        ("soDinhDanhCaNhan", "personal_id"),
        ("personalId", "personal_id"),
        ("citizenId", "personal_id"),
        ("idCardNumber", "personal_id"),
        ("MaSoThue", "tax_code"),
        ("mst", "tax_code"),
        ("taxCode", "tax_code"),
        ("madonvi", "agency_code"),
        ("MADONVI", "agency_code"),
        ("MaDonViTiepNhan", "agency_code"),
        ("MaTTHC", "procedure_code"),
        ("maTTHC", "procedure_code"),
        ("MaHoSo", "dossier_code"),
        ("mahoso", "dossier_code"),
        ("ma_ho_so", "dossier_code"),
        ("HoTen", "full_name"),
        ("NgaySinh", "date_of_birth"),
        ("GioiTinh", "gender"),
        ("DanToc", "ethnicity"),
        ("QuocTich", "nationality"),
        ("SoDienThoai", "phone"),
        ("Email", "email"),
        ("DiaChiChiTiet", "address"),
        ("NgayTiepNhan", "datetime"),
        ("createdAt", "datetime"),
    ],
)
def test_known_spellings(name: str, concept: str) -> None:
    assert concept_of(name) == concept


@pytest.mark.parametrize(
    ("name", "concept", "kind"),
    [
        ("NoiSinhMaTinh", "province_code", "suffix"),
        ("birthProvinceCode", "province_code", "suffix"),
        ("DiaChiMaXa", "commune_code", "suffix"),
        ("applicantTaxCode", "tax_code", "suffix"),
        ("HoTenNguoiNop", "full_name", "prefix"),
        ("SoDienThoaiLienHe", "phone", "prefix"),
        ("SoDinhDanhNguoiNop", "personal_id", "prefix"),
        ("NgayKetThucXuLy", "datetime", "prefix"),
        ("NGAYTIEPNHAN", "datetime", "prefix"),  # no visible word boundaries: bare prefix
        ("NGAYSINHCHUHO", "date_of_birth", "prefix"),  # longest bare prefix wins
        ("startDate", "datetime", "suffix"),
    ],
)
def test_pattern_matches(name: str, concept: str, kind: str) -> None:
    found = match(name)
    assert found is not None and (found.concept, found.kind) == (concept, kind)


@pytest.mark.parametrize(
    "name",
    [
        "name",
        "code",
        "id",
        "type",
        "status",
        "data",
        "items",
        "total",
        "message",
        "description",
        "format",
        "flat",
        "chat",
        "update",
        "validate",
        "candidate",
        "maximum",
        "maxAge",
        "hotel",
        "tin",
        "at",
        "ma",
        "so",
        "ten",
        "value",
        "url",
        "version",
        "page",
        "limit",
        "session",
        "error_code",
        "service",
        "MaTinhTrang",
        "TinhTrang",
        "DiaChiIP",
        "DiaChiWebsite",
        "MaDonViTinh",
        "MaDonViHanhChinh",
        "TENDONVI",
        "MALINHVUC",
        "fileName",
        "ipAddress",
    ],
)
def test_no_false_positives(name: str) -> None:
    assert concept_of(name) is None


def test_words_split_acronyms_and_diacritics() -> None:
    assert words("SoCMNDCu") == ("so", "cmnd", "cu")
    assert words("maTTHC") == ("ma", "tthc")
    assert words("Địa_chỉ-chi tiết") == ("dia", "chi", "chi", "tiet")


def test_names_for_and_aliases() -> None:
    assert "MaTinh" in names_for("province_code")
    assert names_for("ward_code") == names_for("commune_code")
    with pytest.raises(KeyError, match="province_code"):
        names_for("no_such_concept")


def test_every_listed_name_maps_to_its_concept() -> None:
    for concept in fieldnames.concepts():
        for name in names_for(concept):
            assert concept_of(name) == concept, name


def test_personal_data_concepts() -> None:
    personal = fieldnames.personal_data_concepts()
    assert {"personal_id", "phone", "email", "address", "date_of_birth", "full_name"} <= personal
    assert "province_code" not in personal
    assert {"ethnicity", "religion"} <= fieldnames.personal_data_concepts("sensitive")
    assert fieldnames.concept_info("district_code").legacy
    assert fieldnames.concept_info("legacy_id_card").legacy


def test_conflicting_data_is_refused() -> None:
    data = {
        "concepts": {
            "a": {"group": "x", "names": ["MaTinh"]},
            "b": {"group": "x", "names": ["ma_tinh"]},
        }
    }
    with pytest.raises(ValueError, match="both"):
        fieldnames._build(data)


@given(st.text(max_size=40))
def test_matching_never_raises(name: str) -> None:
    found = match(name)
    assert found is None or found.concept in fieldnames.concepts()


def test_non_strings_do_not_match() -> None:
    assert concept_of(None) is None
    assert concept_of(42) is None
