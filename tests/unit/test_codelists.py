"""Code lists: current QĐ 19/2025 lists from vietnam-provinces, retired lists from the generated data."""

from __future__ import annotations

import json

import pytest

from conformance import codelists

README_PROVINCES = (
    "01 04 08 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 44 46 48 51 52 56 66 68 75 79 80 82 86 91 92 96"
)


def test_current_counts_match_qd_19_2025() -> None:
    assert len(codelists.province_codes()) == 34
    assert len(codelists.commune_codes()) == 3321


def test_province_codes_are_the_readme_list() -> None:
    assert codelists.province_codes() == frozenset(README_PROVINCES.split())


def test_codes_are_zero_padded_strings() -> None:
    assert all(len(c) == 2 and c.isdigit() for c in codelists.province_codes())
    assert all(len(c) == 5 and c.isdigit() for c in codelists.commune_codes())


def test_known_codes_and_names() -> None:
    assert codelists.is_province_code("01")
    assert codelists.province_name("01") == "Thành phố Hà Nội"
    assert codelists.province_name("79") == "Thành phố Hồ Chí Minh"
    assert codelists.commune_name("25459") == "Phường Tân Ninh"
    assert codelists.commune_province("25459") == "80"  # Tây Ninh (README §1.14)
    assert "25459" in codelists.communes_of("80")


def test_every_commune_belongs_to_a_current_province() -> None:
    provinces = codelists.province_codes()
    assert all(codelists.commune_province(c) in provinces for c in codelists.commune_codes())
    assert sum(len(codelists.communes_of(p)) for p in provinces) == 3321


@pytest.mark.parametrize("value", [1, 1.0, None, b"01", "1", " 01", "01 ", "001", "", "０１"])
def test_non_canonical_values_are_not_codes(value: object) -> None:
    assert not codelists.is_province_code(value)
    assert codelists.province_name(value) is None


def test_int_commune_is_not_a_code() -> None:
    assert not codelists.is_commune_code(25459)
    assert codelists.commune_name(25459) is None
    assert codelists.commune_province(25459) is None


def test_retired_province_is_flagged_and_not_valid() -> None:
    assert codelists.is_retired_province_code("02")  # Hà Giang, merged into Tuyên Quang
    assert not codelists.is_province_code("02")
    assert codelists.legacy_province_name("02") == "Tỉnh Hà Giang"
    assert {"02", "06", "10"} <= codelists.retired_province_codes()  # examples of VN-API-043


def test_legacy_and_retired_province_counts() -> None:
    assert len(codelists.legacy_province_codes()) == 63
    assert codelists.province_codes() <= codelists.legacy_province_codes()
    assert len(codelists.retired_province_codes()) == 63 - 34
    assert not codelists.is_retired_province_code("01")


def test_districts_are_all_retired() -> None:
    district = codelists.legacy_district("775")  # MaHuyen in the 2026 fixture of README §3.2
    assert district is not None
    assert (district.name, district.province) == ("Quận 6", "79")
    assert codelists.is_retired_district_code("775")
    assert 690 <= len(codelists.legacy_district_codes()) <= 720
    assert codelists.retired_district_codes() == codelists.legacy_district_codes()


def test_retired_commune_is_flagged_and_not_valid() -> None:
    # 27358 (Phường 12, Quận 6) is the MaXa of the 2026 fixture; the ward was merged on 1 Jul 2025.
    assert codelists.is_retired_commune_code("27358")
    assert not codelists.is_commune_code("27358")


def test_retired_and_current_communes_are_disjoint() -> None:
    retired = codelists.retired_commune_codes()
    assert retired.isdisjoint(codelists.commune_codes())
    assert retired <= codelists.legacy_commune_codes()
    assert len(codelists.legacy_commune_codes()) > 10_000
    assert not codelists.is_retired_commune_code("25459")


@pytest.mark.parametrize(
    ("name", "size"),
    [("province-2025", 34), ("commune-2025", 3321), ("province-legacy", 63)],
)
def test_named_code_lists(name: str, size: int) -> None:
    assert len(codelists.code_list(name)) == size


def test_every_named_list_loads() -> None:
    assert codelists.CODE_LIST_NAMES == tuple(sorted(codelists.CODE_LIST_NAMES))
    for name in codelists.CODE_LIST_NAMES:
        assert codelists.code_list(name)
    assert codelists.code_list("district-legacy") == codelists.legacy_district_codes()
    assert codelists.code_list("commune-legacy") == codelists.legacy_commune_codes()


def test_unknown_code_list_names_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="province-2025"):
        codelists.code_list("provinces")


def test_provenance_records_versions_and_digests() -> None:
    info = codelists.provenance()
    assert info["current"]["package"] == "vietnam-provinces"
    legacy = info["legacy"]
    assert legacy["package"] == "vietnam-provinces"
    assert set(legacy["sha256"]) == set(legacy["versions"])
    assert all(len(digest) == 64 for digest in legacy["sha256"].values())


def test_retired_units_file_is_compact_and_sorted() -> None:
    data = json.loads(codelists.RETIRED_UNITS_PATH.read_text(encoding="utf-8"))
    assert codelists.RETIRED_UNITS_PATH.stat().st_size < 256 * 1024
    assert data["wards_retired"] == sorted(data["wards_retired"])
    assert set(data["wards_retired"]).isdisjoint(data["wards_kept"])
