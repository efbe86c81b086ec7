"""Administrative units after 1 July 2025: province and commune code fields, the code lists their
values must come from (QĐ 19/2025/QĐ-TTg), code-list versions, addresses and two-tier levels.

Code lists are read from ``conformance.codelists`` (the ``vietnam-provinces`` data and the retired
pre-2025 extraction), never typed here. ``x-vn-codelist`` ids are the ones registered in
``builtin/extensions.schema.json`` (``x-vn-codelists``).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from ... import codelists, fieldnames
from ...model import Problem
from ...nodes import Node
from ...registry import CheckContext, static_check
from ._fields import Field, field_values, fields, is_number_type, once_per_pointer, pattern_accepts
from ._util import schema_properties

# The extension schema's list ids -> the lists conformance.codelists serves.
_LIST_SOURCE = {
    "province-2025": "province-2025",
    "commune-2025": "commune-2025",
    "province-2004": "province-legacy",
    "district-2004": "district-legacy",
    "commune-2004": "commune-legacy",
}
_CONCEPT_LIST = {
    "province_code": "province-2025",
    "commune_code": "commune-2025",
    "district_code": "district-2004",
}
_VERSION_FIELDS = {
    "codelistversion",
    "phienbandanhmuc",
    "maphienbandanhmuc",
    "danhmucversion",
    "codelistid",
    "phienbanmadonvihanhchinh",
}


@lru_cache(maxsize=1)
def registered_codelists() -> dict[str, dict[str, Any]]:
    """``x-vn-codelists`` of the extension schema: id -> {title, source, status, replacedBy, aliasOf}."""
    path = resources.files("conformance") / "builtin" / "extensions.schema.json"
    data = json.loads(path.read_text("utf-8"))
    lists = data.get("x-vn-codelists")
    return dict(lists) if isinstance(lists, dict) else {}


def codelist_decl(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """(list id, historical flag) of a field's ``x-vn-codelist``."""
    value = schema.get("x-vn-codelist")
    if isinstance(value, dict):
        return (value.get("id") if isinstance(value.get("id"), str) else None), value.get(
            "historical"
        ) is True
    return (value if isinstance(value, str) else None), False


def _list_for(f: Field) -> tuple[str | None, bool]:
    """The code list a field's values must come from: its declaration, else its concept's list."""
    if f.concept not in _CONCEPT_LIST and "x-vn-codelist" not in f.schema and (
        f.where != "parameter" or "x-vn-codelist" not in f.holder
    ):
        return None, False  # most fields: no list, decided without the lookups below
    declared, historical = codelist_decl(f.schema)
    if f.where == "parameter" and declared is None:
        declared, historical = codelist_decl(f.holder)
    if declared in registered_codelists() and registered_codelists()[declared].get("aliasOf"):
        declared = _CONCEPT_LIST.get(f.concept or "")
    if declared in _LIST_SOURCE:
        return declared, historical
    return _CONCEPT_LIST.get(f.concept or "") if declared is None else None, historical


def _admin_fields(doc: Any, *concepts: str) -> Iterator[Field]:
    for f in fields(doc):
        if f.concept in concepts:
            yield f


def _shape(f: Field, width: int, sample: str, what: str, what_vi: str) -> Iterator[Problem]:
    noun = "parameter" if f.where == "parameter" else "property"
    noun_vi = "tham số" if f.where == "parameter" else "thuộc tính"
    if is_number_type(f.schema):
        yield Problem(
            message=f"{noun} {f.name!r} is a number; a {what} is a {width}-digit string (leading zeros)",
            message_vi=f"{noun_vi} {f.name!r} là kiểu số; {what_vi} là chuỗi {width} chữ số (có số 0 đầu)",
            pointer=f.schema_pointer,
        )
        return
    if isinstance(f.schema.get("enum"), list):
        return  # an enum constrains the values; CODE001 judges them
    pattern = f.schema.get("pattern")
    exact = (
        pattern_accepts(pattern, sample)
        and not pattern_accepts(pattern, sample[1:])
        and not pattern_accepts(pattern, "0" + sample)
    )
    if not exact:
        shown = repr(pattern) if pattern else "none"
        yield Problem(
            message=f"{noun} {f.name!r}: pattern is {shown}; a {what} is exactly {width} digits "
            f"(^[0-9]{{{width}}}$)",
            message_vi=f"{noun_vi} {f.name!r}: pattern là {shown}; {what_vi} gồm đúng {width} chữ số "
            f"(^[0-9]{{{width}}}$)",
            pointer=f.schema_pointer,
        )


@static_check("province_code_format", target="document")
@once_per_pointer
def province_code_format(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Province-code fields are 2-digit strings (QĐ 19/2025)."""
    for f in _admin_fields(ctx.doc, "province_code"):
        yield from _shape(f, 2, "01", "province code", "mã tỉnh")


@static_check("commune_code_format", target="document")
@once_per_pointer
def commune_code_format(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Commune-code fields are 5-digit strings (QĐ 19/2025)."""
    for f in _admin_fields(ctx.doc, "commune_code"):
        yield from _shape(f, 5, "00004", "commune code", "mã xã")


def _describe(code: str, list_id: str) -> str:
    if list_id.startswith("province"):
        name = codelists.legacy_province_name(code) or codelists.province_name(code)
    elif list_id.startswith("commune"):
        name = codelists.commune_name(code)
    else:
        district = codelists.legacy_district(code)
        name = district.name if district else None
    return f"{code} ({name})" if name else code


@static_check("codelist_values_current", target="document")
@once_per_pointer
def codelist_values_current(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Values written for administrative-code fields (enum, default, examples) are codes of the list the
    field uses; retired pre-July-2025 codes are named; a province enum lists all 34 provinces."""
    for f in fields(ctx.doc):
        list_id, historical = _list_for(f)
        if list_id is None:
            continue
        if historical and list_id.endswith("2025"):
            continue  # may hold old records' codes by declaration
        valid = codelists.code_list(_LIST_SOURCE[list_id])
        retired_src = {
            "province-2025": codelists.retired_province_codes,
            "commune-2025": codelists.retired_commune_codes,
        }.get(list_id)
        enum_codes: set[str] = set()
        for value, ptr, what in field_values(ctx.doc, f):
            if what == "enum" and isinstance(value, str):
                enum_codes.add(value)
            if not isinstance(value, str) or value in valid or (what != "enum" and value == ""):
                continue
            if retired_src is not None and value in retired_src():
                yield Problem(
                    message=f"{what} {_describe(value, 'province' if 'province' in list_id else 'commune')}"
                    f" of {f.name!r} is a code retired on 1 Jul 2025 (QĐ 19/2025); retired codes are "
                    "not reused",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} là mã đã hết hiệu lực từ 1/7/2025 "
                    "(QĐ 19/2025); mã cũ không được dùng lại",
                    pointer=ptr,
                    details={"code": value, "retired": True},
                )
            else:
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r} is not in code list {list_id}",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} không có trong danh mục {list_id}",
                    pointer=ptr,
                    details={"code": value},
                )
        if list_id == "province-2025" and enum_codes and not historical:
            missing = sorted(valid - enum_codes)
            if missing:
                yield Problem(
                    message=f"enum of {f.name!r} omits {len(missing)} of the 34 current province codes "
                    f"(e.g. {', '.join(missing[:5])})",
                    message_vi=f"enum của {f.name!r} thiếu {len(missing)} trong 34 mã tỉnh hiện hành "
                    f"(ví dụ {', '.join(missing[:5])})",
                    pointer=f.schema_pointer + "/enum",
                )


@static_check("codelist_version_declared", target="document")
@once_per_pointer
def codelist_version_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Administrative-code fields name their code list (``x-vn-codelist``, or a sibling code-list version
    field); the list is a registered one, and a retired list is used only with ``historical: true``."""
    known = registered_codelists()
    for f in _admin_fields(ctx.doc, "province_code", "commune_code", "district_code"):
        declared, historical = codelist_decl(f.schema)
        if declared is None and f.where == "parameter":
            declared, historical = codelist_decl(f.holder)
        if declared is None:
            siblings = f.holder.get("properties") if f.where == "property" else None
            if isinstance(siblings, dict) and {fieldnames.normalise(k) for k in siblings} & _VERSION_FIELDS:
                continue
            yield Problem(
                message=f"code field {f.name!r} does not say which code list it uses (x-vn-codelist: "
                "province-2025 / commune-2025, or a codeListVersion field)",
                message_vi=f"trường mã {f.name!r} không khai báo danh mục sử dụng (x-vn-codelist: "
                "province-2025 / commune-2025, hoặc trường phiên bản danh mục)",
                pointer=f.schema_pointer,
            )
            continue
        if declared not in known:
            close = difflib.get_close_matches(declared, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield Problem(
                message=f"{f.name!r} names unknown code list {declared!r}{hint}",
                message_vi=f"{f.name!r} khai báo danh mục không xác định {declared!r}"
                + (f"; có phải {close[0]!r}?" if close else ""),
                pointer=f.schema_pointer,
            )
        elif known[declared].get("status") == "retired" and not historical:
            repl = known[declared].get("replacedBy") or "the July 2025 list"
            yield Problem(
                message=f"{f.name!r} uses retired code list {declared!r} without historical: true; new "
                f"records use {repl}",
                message_vi=f"{f.name!r} dùng danh mục đã hết hiệu lực {declared!r} mà không khai báo "
                f"historical: true; bản ghi mới dùng {repl}",
                pointer=f.schema_pointer,
            )


@static_check(
    "no_hardcoded_admin_enums",
    target="document",
    defaults={"max_enum": 10},
    schema={"max_enum": {"type": "integer", "minimum": 0}},
)
@once_per_pointer
def no_hardcoded_admin_enums(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Province/commune code fields do not hard-code long enums; they reference the shared code list."""
    limit = int(ctx.options["max_enum"])
    for f in _admin_fields(ctx.doc, "province_code", "commune_code", "district_code"):
        enum = f.schema.get("enum")
        if isinstance(enum, list) and len(enum) > limit:
            yield Problem(
                message=f"{f.name!r} hard-codes {len(enum)} administrative codes; reference the shared "
                "code list (x-vn-codelist) served by the danh mục dùng chung service instead",
                message_vi=f"{f.name!r} liệt kê cứng {len(enum)} mã đơn vị hành chính; "
                f"hãy tham chiếu danh mục "
                "dùng chung (x-vn-codelist) thay vì liệt kê",
                pointer=f.schema_pointer + "/enum",
            )


def _schema_name(node: Node) -> str | None:
    prop = node.context.get("property")
    if prop:
        return str(prop)
    return node.name if node.context.get("where") == "component" else None


@static_check("address_has_codes", target="schema")
def address_has_codes(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Address objects (DiaChi*, *Address) carry a province code, a commune code and a detail line."""
    name = _schema_name(node)
    if name is None or fieldnames.concept_of(name) != "address":
        return
    props = schema_properties(ctx.doc, node.value)
    if not props:
        return  # a one-line address string, not an address object
    concepts = {fieldnames.concept_of(p) for p in props}
    missing = [
        (en, vi)
        for c, en, vi in (
            ("province_code", "province code", "mã tỉnh"),
            ("commune_code", "commune code", "mã xã"),
            ("address", "detail line", "địa chỉ chi tiết"),
        )
        if c not in concepts
    ]
    if missing:
        yield Problem(
            message=f"address object {name!r} has no {', '.join(m[0] for m in missing)} "
            "(expected MaTinh, MaXa, DiaChiChiTiet)",
            message_vi=f"đối tượng địa chỉ {name!r} thiếu {', '.join(m[1] for m in missing)} "
            "(cần MaTinh, MaXa, DiaChiChiTiet)",
            pointer=node.pointer,
        )


_DISTRICT_WORDS = ("huyen", "quanhuyen", "caphuyen", "district", "thixa", "quan")
_DISTRICT_DESC = re.compile(r"\b\w{1,3}\s*[=:\-–]\s*(cấp\s+)?(huyện|quận|district)", re.I)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[\s_\-]", "", "".join(c for c in text if not unicodedata.combining(c))).lower()


@static_check("two_tier_admin_levels", target="document")
@once_per_pointer
def two_tier_admin_levels(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Administrative-level enums (CapDonVi ...) offer no district level: two tiers since 1 Jul 2025."""
    for f in _admin_fields(ctx.doc, "admin_level"):
        for value, ptr, what in field_values(ctx.doc, f):
            if (
                what == "enum"
                and isinstance(value, str)
                and any(_fold(value).startswith(w) for w in _DISTRICT_WORDS)
            ):
                yield Problem(
                    message=f"{f.name!r} offers district level {value!r}; local government has two tiers "
                    "(province, commune) since 1 Jul 2025",
                    message_vi=f"{f.name!r} có giá trị cấp huyện {value!r}; chính quyền địa phương hai cấp "
                    "(tỉnh, xã) từ 1/7/2025",
                    pointer=ptr,
                )
        desc = str(f.schema.get("description") or "")
        found = _DISTRICT_DESC.search(desc)
        if isinstance(f.schema.get("enum"), list) and found:
            yield Problem(
                message=f"{f.name!r} describes a district-level code ({found.group(0)!r}); local government "
                "has two tiers since 1 Jul 2025",
                message_vi=f"{f.name!r} mô tả mã cấp huyện ({found.group(0)!r}); chính quyền địa phương hai "
                "cấp từ 1/7/2025",
                pointer=f.schema_pointer + "/enum",
            )
