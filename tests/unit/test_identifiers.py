"""Identifier validators: verdicts, advisories, and never raising."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.identifiers import (
    Check,
    Verdict,
    check_agency_code,
    check_dossier_code,
    check_personal_id,
    check_procedure_code,
    check_tax_code,
    tax_check_digit,
)

VALIDATORS = (check_personal_id, check_tax_code, check_agency_code, check_procedure_code, check_dossier_code)

# --- personal identification number ----------------------------------------------------------


def test_synthetic_personal_id_is_valid_and_parsed() -> None:
    result = check_personal_id("001099012345")  # README §3.6 synthetic example
    assert result.ok and result.advisory is None
    assert dict(result.details) == {"place": "001", "gender": "male", "birth_year": "1999"}


def test_century_gender_digit() -> None:
    assert check_personal_id("079305000001").details["birth_year"] == "2005"
    assert check_personal_id("079305000001").details["gender"] == "female"


@pytest.mark.parametrize(
    "value", ["00109901234", "0010990123456", "", "00109901234a", "００１０９９０１２３４５"]
)
def test_personal_id_wrong_shape_is_invalid(value: str) -> None:
    result = check_personal_id(value)
    assert result.verdict is Verdict.INVALID and result.reason


def test_nine_digit_cmnd_is_legacy() -> None:
    result = check_personal_id("123456789")
    assert result.verdict is Verdict.LEGACY and not result.ok
    assert "CMND" in (result.reason or "")


def test_personal_id_as_number_is_invalid_with_reason() -> None:
    result = check_personal_id(1099012345)
    assert result.verdict is Verdict.INVALID
    assert "leading zeros" in (result.reason or "")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("999099012345", "place code 999"),  # not an old province code
        ("003099012345", "place code 003"),  # 03 was never a province code
        ("001499012345", "2199"),  # century digit 4 -> 22nd century
    ],
)
def test_structure_problems_are_advisories_only(value: str, fragment: str) -> None:
    result = check_personal_id(value)
    assert result.ok
    assert fragment in (result.advisory or "")


def test_birth_year_after_reference_year_is_advisory() -> None:
    assert check_personal_id("001230012345").advisory is None  # no clock is read without a reference
    assert "2030" in (check_personal_id("001230012345", reference_year=2026).advisory or "")
    assert check_personal_id("001226012345", reference_year=2026).advisory is None


# --- tax codes --------------------------------------------------------------------------------


def test_known_valid_enterprise_tax_code() -> None:
    result = check_tax_code("0100109106")  # README §1.15 / §3.6
    assert result.ok and result.form == "enterprise"
    assert result.advisory is None and result.details["checksum"] == "ok"


def test_check_digit_formula() -> None:
    assert tax_check_digit("010010910") == 6
    assert tax_check_digit("000000000") is None  # remainder 0: undefined
    assert tax_check_digit("01001091") is None
    assert tax_check_digit("0100109１0") is None


def test_wrong_check_digit_is_an_advisory_not_invalid() -> None:
    result = check_tax_code("0100109107")
    assert result.ok
    assert result.details["checksum"] == "mismatch"
    assert "expects 6" in (result.advisory or "")


def test_undefined_check_digit_is_reported() -> None:
    result = check_tax_code("0000000000")
    assert result.ok and result.details["checksum"] == "undefined"


def test_dependent_unit() -> None:
    result = check_tax_code("0100109106-001")
    assert result.ok and result.form == "dependent-unit" and result.details["unit"] == "001"


@pytest.mark.parametrize(
    "value", ["010010910", "0100109106-01", "0100109106_001", "01001091O6", "0100109106001"]
)
def test_malformed_tax_codes(value: str) -> None:
    assert check_tax_code(value).verdict is Verdict.INVALID


def test_personal_tax_code_is_the_personal_id() -> None:
    assert check_tax_code("001099012345").form == "personal"  # VN-API-040
    assert not check_tax_code("001099012345", allow_personal=False).ok


def test_tax_code_number_is_invalid() -> None:
    assert "leading zeros" in (check_tax_code(100109106).reason or "")


# --- agency codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["000.00.00.G22", "000.00.00.G12", "000.00.18.G12", "000.00.00.H41"])
def test_agency_codes_from_readme(value: str) -> None:
    result = check_agency_code(value)
    assert result.ok and result.form == "full" and result.advisory is None


def test_agency_code_parts() -> None:
    assert dict(check_agency_code("000.00.18.G12").details) == {
        "level1": "G12",
        "level2": "18",
        "level3": "00",
        "level4": "000",
    }


@pytest.mark.parametrize(
    "value",
    [
        "000.00.00.g22",
        "00.00.00.G22",
        "000-00-00-G22",
        "000.00.00.G2",
        "000.00.00.22",
        "G22",
        "000.00.00.G22 ",
        "",
    ],
)
def test_bad_agency_codes(value: str) -> None:
    assert check_agency_code(value).verdict is Verdict.INVALID


def test_short_agency_form_is_accepted_with_advisory() -> None:
    result = check_agency_code("G09.20")
    assert result.ok and result.form == "short" and result.advisory
    assert not check_agency_code("G09.20", allow_short=False).ok


# --- procedure and dossier codes ---------------------------------------------------------------


def test_procedure_code() -> None:
    assert check_procedure_code("1.005129").ok
    assert not check_procedure_code("1005129").ok
    assert not check_procedure_code("1.00512").ok


def test_dossier_code_observed_form() -> None:
    result = check_dossier_code("G09.20-20260609-0092637")
    assert result.ok
    assert dict(result.details) == {"agency": "G09.20", "date": "20260609", "sequence": "0092637"}
    assert check_dossier_code("000.00.00.G22-20260609-1").ok


@pytest.mark.parametrize("value", ["G09.20-20260631-1", "g09.20-20260609-1", "HS-2026-1", "G09.20-20260609-"])
def test_bad_dossier_codes(value: str) -> None:
    assert not check_dossier_code(value).ok


# --- never raise ---------------------------------------------------------------------------------

_ANY_VALUE = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.-GHgh ", max_size=20),
    st.integers(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.binary(max_size=12),
    st.lists(st.text(max_size=3), max_size=3),
)


@given(value=_ANY_VALUE)
def test_validators_never_raise(value: object) -> None:
    for validator in VALIDATORS:
        result = validator(value)
        assert isinstance(result, Check)
        assert result.ok == (result.verdict is Verdict.VALID)
        assert (result.reason is None) == result.ok


@given(st.text(max_size=12))
def test_check_digit_never_raises(value: str) -> None:
    digit = tax_check_digit(value)
    assert digit is None or 0 <= digit <= 9


@given(st.from_regex(r"\A[0-9]{9}\Z"))
def test_check_digit_makes_valid_codes(first_nine: str) -> None:
    digit = tax_check_digit(first_nine)
    if digit is not None:
        assert check_tax_code(f"{first_nine}{digit}").details["checksum"] == "ok"
