"""Administrative-unit code lists: current (QĐ 19/2025/QĐ-TTg) and retired (QĐ 124/2004/QĐ-TTg).

This is the only module of the project that imports ``vietnam_provinces``; every other module asks
here, so a change of data source touches one file.

Current lists (from 1 Jul 2025, two tiers, VN-API-041/042)
    34 provinces (2-digit codes) and 3,321 communes, wards and special zones (5-digit codes), read from
    the installed ``vietnam_provinces`` package (``>= 2025.10.1``; its data is retrieved from the
    General Statistics Office). Those counts agree with framework README §1.14.

Retired lists (before 1 Jul 2025, three tiers, VN-API-043/049)
    The installed package carries no pre-2025 data (no legacy or compat data module). Earlier releases
    of the *same* PyPI project (``0.x``) did: 63 provinces, ~700 districts, ~10,000-10,800 wards. They
    cannot be installed next to the current one (same import name ``vietnam_provinces``), so
    ``scripts/gen_retired_units.py`` extracted the codes once into ``builtin/data/retired_units.json``,
    which records the wheel versions and sha256 digests it read. It holds:

    * the 63 pre-2025 provinces (code and name),
    * every pre-2025 district (3-digit ``MaHuyen`` code, name, province code),
    * pre-2025 ward codes, split into those that are no longer valid and those a post-2025 commune kept.

    Ward names are left out to keep the file small. The union of several releases is used because
    codes retired by the 2019-2024 mergers are retired too, and QĐ 19/2025 says codes are not reused.

Codes are strings
    Every public function takes the code as ``str``. A JSON number (``1`` for Hà Nội) is never a valid
    code, because a number loses the leading zero (VN-API-041 requires ``type: string``); callers that
    meet an ``int`` should report the type, not look the number up. Any non-``str`` argument is simply
    "not a code" here (``False`` / ``None``), never an exception. No whitespace trimming or zero-padding
    is done either: ``"1"`` and ``" 01"`` are not codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import yamlio

__all__ = [
    "CODE_LIST_NAMES",
    "LegacyDistrict",
    "code_list",
    "commune_codes",
    "commune_name",
    "commune_province",
    "communes_of",
    "is_commune_code",
    "is_legacy_province_code",
    "is_province_code",
    "is_retired_commune_code",
    "is_retired_district_code",
    "is_retired_province_code",
    "legacy_commune_codes",
    "legacy_district",
    "legacy_district_codes",
    "legacy_province_codes",
    "legacy_province_name",
    "province_codes",
    "province_name",
    "provenance",
    "retired_commune_codes",
    "retired_district_codes",
    "retired_province_codes",
]

RETIRED_UNITS_PATH = Path(__file__).parent / "builtin" / "data" / "retired_units.json"

PROVINCE_WIDTH = 2
DISTRICT_WIDTH = 3
COMMUNE_WIDTH = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyDistrict:
    """A pre-2025 district (huyện/quận/thị xã/thành phố thuộc tỉnh); the whole tier was abolished."""

    code: str
    name: str
    province: str  # pre-2025 province code


# --- current lists (QĐ 19/2025) -------------------------------------------------------------


def _vp() -> Any:
    # Imported on first use (~40 ms): most documents never ask for a code list.
    import vietnam_provinces

    return vietnam_provinces


def _pad(number: int, width: int) -> str:
    return f"{int(number):0{width}d}"


@lru_cache(maxsize=1)
def _provinces() -> Mapping[str, str]:
    return {_pad(p.code, PROVINCE_WIDTH): p.name for p in _vp().Province.iter_all()}


@lru_cache(maxsize=1)
def _communes() -> Mapping[str, tuple[str, str]]:
    """Commune code -> (name, province code)."""
    return {
        _pad(w.code, COMMUNE_WIDTH): (w.name, _pad(w.province_code, PROVINCE_WIDTH))
        for w in _vp().Ward.iter_all()
    }


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """The 34 two-digit province codes in force from 1 Jul 2025 (e.g. ``"01"`` Hà Nội)."""
    return frozenset(_provinces())


@lru_cache(maxsize=1)
def commune_codes() -> frozenset[str]:
    """The 3,321 five-digit commune/ward/special-zone codes in force from 1 Jul 2025."""
    return frozenset(_communes())


def is_province_code(value: object) -> bool:
    """True if ``value`` is a ``str`` equal to a current province code."""
    return isinstance(value, str) and value in _provinces()


def is_commune_code(value: object) -> bool:
    """True if ``value`` is a ``str`` equal to a current commune code."""
    return isinstance(value, str) and value in _communes()


def province_name(code: object) -> str | None:
    """Official name of a current province (``"Thành phố Hà Nội"``), or None if not a current code."""
    return _provinces().get(code) if isinstance(code, str) else None


def commune_name(code: object) -> str | None:
    """Name of a current commune (``"Phường Hoàn Kiếm"``), or None if not a current code."""
    entry = _communes().get(code) if isinstance(code, str) else None
    return entry[0] if entry else None


def commune_province(code: object) -> str | None:
    """Province code of the current commune ``code`` (for "belongs to the given province", VN-API-042)."""
    entry = _communes().get(code) if isinstance(code, str) else None
    return entry[1] if entry else None


@lru_cache(maxsize=64)
def communes_of(province: str) -> frozenset[str]:
    """Current commune codes of one current province; empty for an unknown code."""
    return frozenset(code for code, (_, prov) in _communes().items() if prov == province)


# --- retired lists (QĐ 124/2004, generated data) ----------------------------------------------


@lru_cache(maxsize=1)
def _retired_data() -> Mapping[str, Any]:
    # Package data written by scripts/gen_retired_units.py.
    data: Mapping[str, Any] = yamlio.load_file(str(RETIRED_UNITS_PATH)).data
    return data


@lru_cache(maxsize=1)
def legacy_province_codes() -> frozenset[str]:
    """The 63 two-digit province codes in force before 1 Jul 2025 (some are still current)."""
    return frozenset(_retired_data()["provinces"])


@lru_cache(maxsize=1)
def retired_province_codes() -> frozenset[str]:
    """Pre-2025 province codes that are no longer valid (29 = 63 - 34), e.g. ``"02"`` Hà Giang."""
    return legacy_province_codes() - province_codes()


@lru_cache(maxsize=1)
def _legacy_districts() -> Mapping[str, LegacyDistrict]:
    return {
        code: LegacyDistrict(code=code, name=entry["name"], province=entry["province"])
        for code, entry in _retired_data()["districts"].items()
    }


@lru_cache(maxsize=1)
def legacy_district_codes() -> frozenset[str]:
    """Every pre-2025 three-digit district code (``MaHuyen``)."""
    return frozenset(_legacy_districts())


def retired_district_codes() -> frozenset[str]:
    """Same as :func:`legacy_district_codes`: the district tier is gone, so every district code is retired."""
    return legacy_district_codes()


@lru_cache(maxsize=1)
def retired_commune_codes() -> frozenset[str]:
    """Pre-2025 five-digit ward codes that are not current commune codes."""
    return frozenset(_retired_data()["wards_retired"]) - commune_codes()


@lru_cache(maxsize=1)
def legacy_commune_codes() -> frozenset[str]:
    """Every pre-2025 five-digit ward code, retired or kept by a post-2025 commune."""
    return frozenset(_retired_data()["wards_retired"]) | frozenset(_retired_data()["wards_kept"])


def is_legacy_province_code(value: object) -> bool:
    """True if ``value`` was a province code before 1 Jul 2025 (the CCCD birth-place scheme uses these)."""
    return isinstance(value, str) and value in legacy_province_codes()


def is_retired_province_code(value: object) -> bool:
    """True if ``value`` is a pre-2025 province code that is no longer valid."""
    return isinstance(value, str) and value in retired_province_codes()


def is_retired_district_code(value: object) -> bool:
    """True if ``value`` is a pre-2025 three-digit district code."""
    return isinstance(value, str) and value in _legacy_districts()


def is_retired_commune_code(value: object) -> bool:
    """True if ``value`` is a pre-2025 ward code that is not a current commune code."""
    return isinstance(value, str) and value in retired_commune_codes()


def legacy_province_name(code: object) -> str | None:
    """Name of a pre-2025 province, current or retired (``"02"`` -> ``"Tỉnh Hà Giang"``)."""
    provinces: Mapping[str, str] = _retired_data()["provinces"]
    return provinces.get(code) if isinstance(code, str) else None


def legacy_district(code: object) -> LegacyDistrict | None:
    """The pre-2025 district with this three-digit code, or None."""
    return _legacy_districts().get(code) if isinstance(code, str) else None


# --- named lists (x-vn-codelist) ------------------------------------------------------------

_CODE_LISTS = {
    "province-2025": province_codes,
    "commune-2025": commune_codes,
    "province-legacy": legacy_province_codes,
    "district-legacy": legacy_district_codes,
    "commune-legacy": legacy_commune_codes,
}

CODE_LIST_NAMES: tuple[str, ...] = tuple(sorted(_CODE_LISTS))
"""Names accepted by :func:`code_list` (values of the ``x-vn-codelist`` extension)."""


def code_list(name: str) -> frozenset[str]:
    """The code list called ``name`` (one of :data:`CODE_LIST_NAMES`).

    Raises ``KeyError`` naming the valid names: an unknown list name is a profile/spec error for the
    caller to report, not a finding.
    """
    try:
        loader = _CODE_LISTS[name]
    except KeyError:
        raise KeyError(f"unknown code list {name!r}; expected one of {', '.join(CODE_LIST_NAMES)}") from None
    return loader()


def provenance() -> Mapping[str, Any]:
    """Where the lists come from, for reports: package version, data date, and the legacy extraction."""
    return {
        "current": {
            "package": "vietnam-provinces",
            "version": _vp().__version__,
            "data_version": getattr(_vp(), "__data_version__", None),
            "instrument": "QĐ 19/2025/QĐ-TTg",
        },
        "legacy": dict(_retired_data()["provenance"]),
    }
