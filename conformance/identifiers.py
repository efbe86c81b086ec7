"""Pure validators for Vietnamese identifiers (framework README §1.13, §1.15, §3.2; VN-API-036..047).

Every validator takes any value, never raises, and returns a :class:`Check`:

* ``verdict`` — ``VALID`` (matches the format), ``INVALID`` (does not), or ``LEGACY`` (matches a
  superseded format: a 9-digit CMND number, a retired code). ``ok`` is ``verdict is VALID``.
* ``reason`` — why the value is not valid (``None`` when valid).
* ``advisories`` — soft observations that never change the verdict (implausible birth year, tax-code
  check digit, a form seen only in third-party code). README §1.15 asks for checksum and personal-ID
  structure checks to be advisory only.
* ``form`` — which accepted form matched (e.g. ``"enterprise"`` or ``"dependent-unit"``).
* ``details`` — parsed parts as strings, for messages (e.g. ``{"birth_year": "1999"}``).

Validators judge the *format* only. How much a verdict matters (error vs advisory) is the rule's
business and follows the catalogue's confidence column: the procedure- and dossier-code formats, for
instance, are only *observed*. A JSON number is never a valid identifier: leading zeros are lost
(VN-API-036), so an ``int`` is ``INVALID`` with a reason saying so.

Party-organisation codes (VN-API-048) are left out: README §1.20 found no format.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from . import codelists

__all__ = [
    "Check",
    "Verdict",
    "check_agency_code",
    "check_dossier_code",
    "check_personal_id",
    "check_procedure_code",
    "check_tax_code",
    "tax_check_digit",
]

_EMPTY: Mapping[str, str] = MappingProxyType({})


class Verdict(enum.Enum):
    """Outcome of a format check: matches, does not, or matches a superseded format."""

    VALID = "valid"
    INVALID = "invalid"
    LEGACY = "legacy"


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """Result of one validator call; see the module docstring."""

    verdict: Verdict
    reason: str | None = None
    advisories: tuple[str, ...] = ()
    form: str | None = None
    details: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    @property
    def ok(self) -> bool:
        """True only for ``VALID``: a ``LEGACY`` value is not acceptable in new records."""
        return self.verdict is Verdict.VALID

    @property
    def advisory(self) -> str | None:
        """All advisories in one sentence, or None."""
        return "; ".join(self.advisories) or None


def _invalid(reason: str) -> Check:
    return Check(verdict=Verdict.INVALID, reason=reason)


def _not_a_string(value: object) -> Check:
    """The INVALID result for a non-string; an int gets a pointed reason."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _invalid("is a number, not a string: leading zeros are lost; use a string")
    return _invalid(f"is a {type(value).__name__}, not a string")


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() would also accept '²' and Arabic-Indic digits."""
    return text.isascii() and text.isdigit()


# --- personal identification number (VN-API-036..038) ----------------------------------------

# 4th digit: century and gender (even = male, odd = female), per the structure README §1.15 cites.
_CENTURY_BASE = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}


def check_personal_id(value: object, *, reference_year: int | None = None) -> Check:
    """12-digit personal identification number (số định danh cá nhân / CCCD), VN-API-036/037.

    ``^[0-9]{12}$`` decides the verdict. The structure (3-digit birth-registration place, century/gender
    digit, 2-digit birth year, 6 random digits) comes from an older circular that NĐ 70/2024 no longer
    repeats, so deviations are advisories: a place code outside the 63 pre-2025 province codes
    (``001``-``096``; foreign-country codes exist but their list was not found) and a birth year after
    ``reference_year`` (when given; the validator does not read the clock) or in 2100 or later.

    A 9-digit number is ``LEGACY``: the old CMND, not accepted after 31 Dec 2024 (VN-API-038).
    """
    if not isinstance(value, str):
        return _not_a_string(value)
    if not _digits(value):
        return _invalid("must contain only the digits 0-9")
    if len(value) == 9:
        return Check(
            verdict=Verdict.LEGACY,
            reason="9 digits: an old CMND number, not a 12-digit personal identification number",
            form="cmnd",
        )
    if len(value) != 12:
        return _invalid(f"has {len(value)} digits; a personal identification number has 12")
    return _personal_id_structure(value, reference_year)


def _personal_id_structure(value: str, reference_year: int | None) -> Check:
    place, century_digit, year_digits = value[:3], int(value[3]), value[4:6]
    birth_year = _CENTURY_BASE[century_digit] + int(year_digits)
    advisories: list[str] = []
    if not (place[0] == "0" and codelists.is_legacy_province_code(place[1:])):
        advisories.append(f"place code {place} is not one of the pre-2025 province codes 001-096")
    if birth_year >= 2100 or (reference_year is not None and birth_year > reference_year):
        advisories.append(
            f"century digit {century_digit} and year {year_digits} give birth year {birth_year}"
        )
    details = {
        "place": place,
        "gender": "female" if century_digit % 2 else "male",
        "birth_year": str(birth_year),
    }
    return Check(verdict=Verdict.VALID, advisories=tuple(advisories), form="personal-id", details=details)


# --- tax codes (VN-API-039/040) --------------------------------------------------------------

_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_RE = re.compile(r"(?P<base>[0-9]{10})(?:-(?P<unit>[0-9]{3}))?")


def tax_check_digit(first_nine: str) -> int | None:
    """Expected 10th digit of an enterprise tax code: ``10 - (Σ dᵢ·wᵢ mod 11)``, README §1.15.

    Returns None when the formula yields 10 (remainder 0), a case implementations disagree on.
    Remainder 10 gives 0. Raises nothing: anything but nine ASCII digits also gives None.
    """
    if len(first_nine) != 9 or not _digits(first_nine):
        return None
    remainder = sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True)) % 11
    digit = 10 - remainder
    return None if digit == 10 else digit % 10


def check_tax_code(value: object, *, allow_personal: bool = True) -> Check:
    """Tax code: 10 digits (enterprise), ``10digits-3digits`` (dependent unit), or 12 digits (person).

    From 1 Jul 2025 the personal identification number is the tax code of individuals and household
    businesses (VN-API-040); ``allow_personal=False`` rejects that form for enterprise-only fields.
    The mod-11 check digit is an advisory only (README §1.15: edge cases vary between implementations).
    """
    if not isinstance(value, str):
        return _not_a_string(value)
    if allow_personal and len(value) == 12 and _digits(value):
        person = check_personal_id(value)
        return Check(
            verdict=Verdict.VALID, form="personal", advisories=person.advisories, details=person.details
        )
    match = _TAX_RE.fullmatch(value) if value.isascii() else None
    if match is None:
        if len(value) == 13 and _digits(value):
            return _invalid("13 digits without a hyphen: write a dependent-unit code as NNNNNNNNNN-NNN")
        expected = "10 digits, 10 digits-3 digits" + (" or 12 digits" if allow_personal else "")
        return _invalid(f"must be {expected}")
    base, unit = match["base"], match["unit"]
    form = "dependent-unit" if unit else "enterprise"
    advisory, checksum = _checksum_advisory(base)
    details = {"base": base, "checksum": checksum} | ({"unit": unit} if unit else {})
    return Check(verdict=Verdict.VALID, advisories=advisory, form=form, details=details)


def _checksum_advisory(base: str) -> tuple[tuple[str, ...], str]:
    expected = tax_check_digit(base[:9])
    if expected is None:
        return ("check digit undefined for this code (weighted sum ≡ 0 mod 11)",), "undefined"
    if int(base[9]) != expected:
        return (f"check digit is {base[9]}, the mod-11 rule expects {expected}",), "mismatch"
    return (), "ok"


# --- agency codes, QĐ 20/2020/QĐ-TTg (VN-API-045) --------------------------------------------

# NNN.NN.NN.Xnn, read right to left (our reading of the examples, not text of the decision):
# Xnn is the level-1 body (letter + 2 digits; G = ministries and central bodies, H = provinces, as
# observed in README §1.13), then a 2-digit level-2 unit, a 2-digit level-3 unit and a 3-digit level-4
# unit; "00"/"000" = none at that level (000.00.18.G12 = unit 18 of the Ministry of Finance, G12).
# The other letters' meaning is not in the sources read, so any capital letter is accepted.
_AGENCY_RE = re.compile(r"(?P<l4>[0-9]{3})\.(?P<l3>[0-9]{2})\.(?P<l2>[0-9]{2})\.(?P<l1>[A-Z][0-9]{2})")
# Short form seen in 2026 flows (MaDonViTiepNhan "G09.20"): level-1 first, then dotted numeric groups.
# Unexplained in the sources (README §4 item 14), so accepted with an advisory.
_AGENCY_SHORT_RE = re.compile(r"(?P<l1>[A-Z][0-9]{2})(?:\.[0-9]{2,3}){1,3}")


def check_agency_code(value: object, *, allow_short: bool = True) -> Check:
    """Agency electronic identifier per QĐ 20/2020/QĐ-TTg, e.g. ``000.00.00.G22`` (VPCP).

    The full form decides validity; ``details`` holds the four groups as ``level1``..``level4`` (the
    hierarchy reading is inferred from examples, so no consistency between levels is demanded). With
    ``allow_short`` the 2026 short form (``G09.20``) is VALID with an advisory; without it, INVALID.
    """
    if not isinstance(value, str):
        return _not_a_string(value)
    if (full := _AGENCY_RE.fullmatch(value)) is not None:
        return _agency_full(full)
    if allow_short and _AGENCY_SHORT_RE.fullmatch(value):
        return Check(
            verdict=Verdict.VALID,
            form="short",
            advisories=("short agency code form (seen in 2026 flows) is not defined in QĐ 20/2020 as read",),
            details={"level1": value[:3]},
        )
    return _invalid("must look like 000.00.00.G22 (NNN.NN.NN.Xnn, QĐ 20/2020/QĐ-TTg)")


def _agency_full(match: re.Match[str]) -> Check:
    levels = {"level1": match["l1"], "level2": match["l2"], "level3": match["l3"], "level4": match["l4"]}
    return Check(verdict=Verdict.VALID, form="full", details=levels)


# --- procedure and dossier codes (VN-API-046/047; observed formats only) ----------------------

_PROCEDURE_RE = re.compile(r"[0-9]\.[0-9]{6}")


def check_procedure_code(value: object) -> Check:
    r"""Administrative-procedure code (``MaTTHC``) as observed in DVCQG/iGate flows: ``1.005129``.

    The pattern ``^[0-9]\.[0-9]{6}$`` is *observed* (VN-API-046); rules should treat a mismatch as an
    advisory. Codes with a suffix after the six digits (e.g. a localised ``1.001234.000.00.00.H12``)
    are INVALID here with a reason that names the base pattern, because no source describes them.
    """
    if not isinstance(value, str):
        return _not_a_string(value)
    if _PROCEDURE_RE.fullmatch(value):
        return Check(verdict=Verdict.VALID, form="national")
    return _invalid("does not match the observed procedure-code form 1.005129 (digit, dot, 6 digits)")


_DOSSIER_RE = re.compile(r"(?P<agency>[A-Z0-9.]+)-(?P<date>[0-9]{8})-(?P<seq>[0-9]+)")


def check_dossier_code(value: object) -> Check:
    """Dossier code (``MaHoSo``) in the observed ``<agency>-<yyyyMMdd>-<seq>`` form (VN-API-047).

    Example ``G09.20-20260609-0092637``. The official rule was not found, so this recognises the
    observed form only; VN-API-047 itself asks just for a documented pattern. The agency part must pass
    :func:`check_agency_code` (either form) and the date must exist.
    """
    if not isinstance(value, str):
        return _not_a_string(value)
    match = _DOSSIER_RE.fullmatch(value) if value.isascii() else None
    if match is None:
        return _invalid("does not match the observed dossier-code form <agency>-<yyyyMMdd>-<sequence>")
    agency = check_agency_code(match["agency"])
    if not agency.ok:
        return _invalid(f"agency part {match['agency']!r} {agency.reason}")
    if not _is_date(match["date"]):
        return _invalid(f"date part {match['date']} is not a calendar date (yyyyMMdd)")
    details = {"agency": match["agency"], "date": match["date"], "sequence": match["seq"]}
    return Check(verdict=Verdict.VALID, form="observed", advisories=agency.advisories, details=details)


def _is_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return True
