"""Which concept a property name stands for: ``MaTinh``, ``ma_tinh`` and ``provinceCode`` alike.

The spellings are data (``builtin/data/fieldnames.yaml``); this module only matches.

Matching, most specific first:

1. **Exact.** The name is split into words, diacritics are removed (``đ`` -> ``d``), and the lower-cased
   words are joined into a key: ``MaTinh``, ``maTinh``, ``ma_tinh``, ``matinh``, ``MA_TINH``, ``ma-tinh``
   and ``Mã Tỉnh`` are all ``matinh``. A key listed under a concept's ``names`` matches that concept.
2. **Suffix.** The name's words end with a concept's ``suffixes`` pattern and it has more words than
   the pattern: ``NoiSinhMaTinh`` and ``birthProvinceCode`` are province codes.
3. **Prefix.** Likewise with ``prefixes``, for Vietnamese names whose head noun comes first:
   ``HoTenNguoiNop`` is a full name, ``SoDienThoaiLienHe`` a phone number. A name with no visible word
   boundaries (``NGAYTIEPNHAN``, common in QCVN 120 responses) is also tried against the joined
   prefixes as plain string prefixes; suffixes are not, because ``at``/``date`` end English words.

Within 2 and 3 the longest pattern wins; a concept's ``exclude`` keys are never matched by its patterns
(``DiaChiIP`` is not a postal address). There is no substring matching: ``format`` is not ``...at``
and ``maximum`` is not ``MaXa``. Word boundaries come from case changes and separators, so an
all-lower-case compound is matched only exactly or by a bare prefix (``noisinhmatinh`` is a place of
birth, not a province code); that is the price of no false positives on ordinary words. Known
imprecision of the English suffixes: ``sendEmail`` is an e-mail field, ``isUpToDate`` a date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal


__all__ = [
    "Concept",
    "Match",
    "concept_info",
    "concept_of",
    "concepts",
    "match",
    "names_for",
    "normalise",
    "personal_data_concepts",
    "words",
]

FIELDNAMES_PATH = Path(__file__).parent / "builtin" / "data" / "fieldnames.yaml"

PersonalData = Literal["basic", "sensitive"]
MatchKind = Literal["exact", "suffix", "prefix"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Concept:
    """One concept of ``fieldnames.yaml``, as written there."""

    name: str
    description: str
    group: str
    personal_data: PersonalData | None
    legacy: bool
    names: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """How a property name matched: the concept, the kind of match and the pattern that matched."""

    concept: str
    kind: MatchKind
    pattern: str


# --- normalisation -------------------------------------------------------------------------

# A run of capitals not followed by a lower-case letter (TTHC in MaTTHC, CMND in SoCMNDCu), a
# capitalised or lower-case word, or a number.
_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def _strip_diacritics(text: str) -> str:
    if text.isascii():
        return text  # most names; NFD would change nothing
    # đ/Đ are letters of their own, not d + a combining mark, so NFD leaves them alone.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Memoised (bounded) because rules ask about the same few thousand names hundreds of thousands of
# times on a large spec.
@lru_cache(maxsize=65536)
def words(name: str) -> tuple[str, ...]:
    """Lower-case ASCII words of a property name: ``"SoCMNDCu"`` -> ``("so", "cmnd", "cu")``."""
    return tuple(word.lower() for word in _WORD_RE.findall(_strip_diacritics(name)))


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The matching key of a name: ``"MA_TINH"``, ``"maTinh"`` -> ``"matinh"``."""
    return "".join(words(name))


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    concepts: Mapping[str, Concept]
    aliases: Mapping[str, str]
    exact: Mapping[str, str]  # key -> concept
    suffixes: Mapping[tuple[str, ...], str]
    prefixes: Mapping[tuple[str, ...], str]
    excluded: Mapping[str, frozenset[str]]  # concept -> keys its patterns must not match
    prefix_keys: tuple[tuple[str, str], ...]  # (joined prefix, concept), longest first


def _concept(name: str, entry: Mapping[str, Any]) -> Concept:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(item) for item in entry.get(key) or ())

    return Concept(
        name=name,
        description=str(entry.get("description", "")),
        group=str(entry["group"]),
        personal_data=entry.get("personal_data"),
        legacy=bool(entry.get("legacy", False)),
        names=strings("names"),
        prefixes=strings("prefixes"),
        suffixes=strings("suffixes"),
        exclude=strings("exclude"),
    )


def _add(table: dict[Any, str], key: Any, concept: str, spelling: str) -> None:
    """Insert, refusing a key claimed by two concepts: that would make matching depend on file order."""
    owner = table.setdefault(key, concept)
    if owner != concept:
        raise ValueError(f"fieldnames.yaml: {spelling!r} is listed under both {owner!r} and {concept!r}")


def _patterns(concepts: Iterable[Concept], attr: str) -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for concept in concepts:
        for pattern in getattr(concept, attr):
            _add(table, words(pattern), concept.name, pattern)
    return table


def _build(data: Mapping[str, Any]) -> _Index:
    concepts = {name: _concept(name, entry) for name, entry in data["concepts"].items()}
    aliases = {str(k): str(v) for k, v in (data.get("aliases") or {}).items()}
    for alias, target in aliases.items():
        if target not in concepts or alias in concepts:
            raise ValueError(f"fieldnames.yaml: alias {alias!r} -> {target!r} is not a concept alias")
    exact: dict[str, str] = {}
    for concept in concepts.values():
        for spelling in concept.names:
            _add(exact, normalise(spelling), concept.name, spelling)
    prefixes = _patterns(concepts.values(), "prefixes")
    return _Index(
        concepts=concepts,
        aliases=aliases,
        exact=exact,
        suffixes=_patterns(concepts.values(), "suffixes"),
        prefixes=prefixes,
        excluded={c.name: frozenset(normalise(x) for x in c.exclude) for c in concepts.values()},
        prefix_keys=tuple(sorted((("".join(p), c) for p, c in prefixes.items()), key=lambda x: -len(x[0]))),
    )


@lru_cache(maxsize=1)
def _index() -> _Index:
    from .builtin_data import parse_builtin

    return _build(parse_builtin("data/fieldnames.yaml", FIELDNAMES_PATH.read_text("utf-8"),
                                path=str(FIELDNAMES_PATH)))


# --- matching ------------------------------------------------------------------------------


def _longest(
    table: Mapping[tuple[str, ...], str], name_words: tuple[str, ...], key: str, *, at_end: bool
) -> tuple[tuple[str, ...], str] | None:
    # A pattern must be a proper prefix/suffix; equality is the exact list's job.
    for size in range(len(name_words) - 1, 0, -1):
        part = name_words[-size:] if at_end else name_words[:size]
        concept = table.get(part)
        if concept is not None and key not in _index().excluded[concept]:
            return part, concept
    return None


def match(property_name: object) -> Match | None:
    """How ``property_name`` maps to a concept, or None. Non-strings never match."""
    if not isinstance(property_name, str):
        return None
    return _match(property_name)


# Large specs repeat the same few thousand property names hundreds of thousands of times.
@lru_cache(maxsize=65536)
def _match(property_name: str) -> Match | None:
    name_words = words(property_name)
    key = "".join(name_words)
    index = _index()
    if key in index.exact:
        return Match(concept=index.exact[key], kind="exact", pattern=key)
    passes: tuple[tuple[Mapping[tuple[str, ...], str], bool, MatchKind], ...] = (
        (index.suffixes, True, "suffix"),
        (index.prefixes, False, "prefix"),
    )
    for table, at_end, kind in passes:
        found = _longest(table, name_words, key, at_end=at_end)
        if found is not None:
            part, concept = found
            return Match(concept=concept, kind=kind, pattern="".join(part))
    if len(name_words) == 1:
        return _bare_prefix(key)
    return None


def _bare_prefix(key: str) -> Match | None:
    """Prefix match on a name with no visible word boundaries (``NGAYTIEPNHAN``, QCVN 120 responses).

    Safe for prefixes only: they are Vietnamese head nouns (``ngay``, ``diachi``, ``sodienthoai``) that
    begin no English word, whereas suffixes such as ``at`` or ``date`` end many (``format``, ``update``).
    """
    index = _index()
    for prefix, concept in index.prefix_keys:
        if key.startswith(prefix) and len(key) > len(prefix) and key not in index.excluded[concept]:
            return Match(concept=concept, kind="prefix", pattern=prefix)
    return None


def concept_of(property_name: object) -> str | None:
    """The concept a property name stands for (``"MaTinh"`` -> ``"province_code"``), or None."""
    return _concept_of(property_name) if isinstance(property_name, str) else None


@lru_cache(maxsize=65536)  # the hottest question of the national rules: one call, one lookup
def _concept_of(property_name: str) -> str | None:
    found = _match(property_name)
    return found.concept if found else None


def _resolve(concept: str) -> Concept:
    index = _index()
    name = index.aliases.get(concept, concept)
    try:
        return index.concepts[name]
    except KeyError:
        known = ", ".join(sorted(index.concepts))
        raise KeyError(f"unknown field concept {concept!r}; known: {known}") from None


def names_for(concept: str) -> tuple[str, ...]:
    """The exact spellings listed for a concept (or an alias such as ``ward_code``); KeyError if unknown."""
    return _resolve(concept).names


def concept_info(concept: str) -> Concept:
    """Everything ``fieldnames.yaml`` says about a concept (aliases resolved); KeyError if unknown."""
    return _resolve(concept)


def concepts() -> tuple[str, ...]:
    """All concept names, sorted (aliases excluded)."""
    return tuple(sorted(_index().concepts))


@lru_cache(maxsize=4)  # asked once per schema by the privacy rules; fieldnames.yaml is read once
def personal_data_concepts(level: PersonalData | None = None) -> frozenset[str]:
    """Concepts marked personal data (``basic`` or ``sensitive``); only one level when ``level`` is given."""
    return frozenset(
        c.name
        for c in _index().concepts.values()
        if c.personal_data is not None and (level is None or c.personal_data == level)
    )
