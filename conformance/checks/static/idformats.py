"""Identifier formats: legacy CMND numbers, tax codes, agency, procedure and dossier codes.

Each check judges the *schema* of a field found by its name (fieldnames.yaml) and the literal
values written for it (enum, default, examples) with the validators of ``conformance.identifiers``.
Patterns are judged by behaviour (which sample values they accept), not by their spelling.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ... import identifiers
from ...model import Problem, Severity
from ...nodes import Node
from ...registry import CheckContext, static_check
from ._fields import Field, field_values, fields, is_number_type, once_per_pointer, pattern_accepts

_NINE_DIGITS = "123456789"


def _codelist_id(schema: dict[str, Any]) -> str | None:
    value = schema.get("x-vn-codelist")
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _of(doc: Any, *concepts: str) -> Iterator[Field]:
    for f in fields(doc):
        if f.concept in concepts:
            yield f


def _number(f: Field, what: str, what_vi: str) -> Problem:
    return Problem(
        message=f"{f.where} {f.name!r} is a number; a {what} is a string (leading zeros matter)",
        message_vi=f"{'tham số' if f.where == 'parameter' else 'thuộc tính'} {f.name!r} là kiểu số; "
        f"{what_vi} là chuỗi (số 0 đầu có ý nghĩa)",
        pointer=f.schema_pointer,
    )


@static_check("no_legacy_cmnd", target="document")
@once_per_pointer
def no_legacy_cmnd(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """No 9-digit CMND fields (SoCMND ...) and no identity field whose pattern admits 9 digits."""
    for f in _of(ctx.doc, "legacy_id_card"):
        yield Problem(
            message=f"field {f.name!r} holds a 9-digit CMND number, no longer valid after 31 Dec "
            "2024; use SoDinhDanh (12-digit personal identification number)",
            message_vi=f"trường {f.name!r} chứa số CMND 9 chữ số, hết giá trị sau 31/12/2024; dùng "
            "SoDinhDanh (số định danh cá nhân 12 chữ số)",
            pointer=f.pointer,
        )
    for f in _of(ctx.doc, "personal_id", "identity_document_number"):
        if pattern_accepts(f.schema.get("pattern"), _NINE_DIGITS):
            yield Problem(
                message=f"identity field {f.name!r} has pattern {f.schema['pattern']!r}, which admits "
                "a 9-digit CMND number",
                message_vi=f"trường định danh {f.name!r} có pattern {f.schema['pattern']!r}, chấp nhận "
                "cả số CMND 9 chữ số",
                pointer=f.schema_pointer,
            )


_PERSON_WORDS = ("canhan", "person", "individual", "hokinhdoanh", "household", "nguoinop", "congdan")


def _tax_fields(doc: Any) -> Iterator[Field]:
    for f in fields(doc):
        if f.concept == "tax_code" or (
            "x-vn-codelist" in f.schema and _codelist_id(f.schema) in ("tax-code", "tax-code-person")
        ):
            yield f


def _values(doc: Any, f: Field) -> Iterator[tuple[str, str, str]]:
    for value, ptr, what in field_values(doc, f):
        if isinstance(value, str) and value:
            yield value, ptr, what


@static_check("tax_code_format", target="document")
@once_per_pointer
def tax_code_format(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Tax-code fields are strings constrained to 10 digits or 10-3 digits; written values are valid,
    and a failed mod-11 check digit is reported as an advisory."""
    for f in _tax_fields(ctx.doc):
        if is_number_type(f.schema):
            yield _number(f, "tax code", "mã số thuế")
            continue
        pattern = f.schema.get("pattern")
        # A field may be enterprise-only (10 digits); it must not admit malformed codes.
        ok = [pattern_accepts(pattern, "0100109106")]
        bad = [pattern_accepts(pattern, v) for v in ("01001091", "010010910A", "0100109106-1")]
        if pattern is None:
            yield Problem(
                message=f"tax-code field {f.name!r} has no pattern; expected ^[0-9]{{10}}(-[0-9]{{3}})?$",
                message_vi=f"trường mã số thuế {f.name!r} không có pattern; cần ^[0-9]{{10}}(-[0-9]{{3}})?$",
                pointer=f.schema_pointer,
            )
        elif not all(ok) or any(bad):
            yield Problem(
                message=f"tax-code field {f.name!r} pattern {pattern!r} does not accept 10 digits (or "
                "10-3 digits) only (e.g. 0100109106, 0100109106-001)",
                message_vi=f"pattern {pattern!r} của trường mã số thuế {f.name!r} không giới hạn đúng dạng "
                "10 chữ số (hoặc 10-3 chữ số) (ví dụ 0100109106, 0100109106-001)",
                pointer=f.schema_pointer,
            )
        for value, ptr, what in _values(ctx.doc, f):
            check = identifiers.check_tax_code(value)
            if not check.ok:
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r} is not a tax code: {check.reason}",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} không phải mã số thuế hợp lệ",
                    pointer=ptr,
                )
            elif check.details.get("checksum") == "mismatch":
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r}: {check.advisory} (advisory)",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r}: chữ số kiểm tra không khớp "
                    "quy tắc mod 11 (khuyến nghị)",
                    pointer=ptr,
                    severity=Severity.INFO,
                )


@static_check("person_tax_code_accepts_12", target="document")
@once_per_pointer
def person_tax_code_accepts_12(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Tax-code fields that may hold a person accept the 12-digit personal identification number."""
    for f in _tax_fields(ctx.doc):
        key = "".join(f.name.lower().replace("_", "").split())
        personal = _codelist_id(f.schema) == "tax-code-person" or any(w in key for w in _PERSON_WORDS)
        if not personal or "pattern" not in f.schema:
            continue
        if pattern_accepts(f.schema["pattern"], "001099012345") is False:
            yield Problem(
                message=f"tax-code field {f.name!r} may hold a person but its pattern "
                f"{f.schema['pattern']!r} rejects a 12-digit personal identification number; since "
                "1 Jul 2025 that number is the personal tax code",
                message_vi=f"trường mã số thuế {f.name!r} có thể chứa mã của cá nhân nhưng pattern "
                f"{f.schema['pattern']!r} không chấp nhận số định danh cá nhân 12 chữ số; từ "
                "1/7/2025 số này là mã số thuế cá nhân",
                pointer=f.schema_pointer,
            )


@static_check("agency_code_format", target="document")
@once_per_pointer
def agency_code_format(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Agency-code fields are strings with a QĐ 20/2020 pattern (NNN.NN.NN.Xnn); values are valid codes."""
    for f in _of(ctx.doc, "agency_code"):
        if is_number_type(f.schema):
            yield _number(f, "agency code", "mã định danh cơ quan")
            continue
        pattern = f.schema.get("pattern")
        if not pattern_accepts(pattern, "000.00.00.G22") or pattern_accepts(pattern, "abc"):
            shown = repr(pattern) if pattern else "none"
            yield Problem(
                message=f"agency-code field {f.name!r} pattern is {shown}; expected the QĐ 20/2020 form "
                r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$ (e.g. 000.00.00.G22)",
                message_vi=f"pattern của trường mã cơ quan {f.name!r} là {shown}; cần dạng theo QĐ "
                r"20/2020 ^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$ (ví dụ 000.00.00.G22)",
                pointer=f.schema_pointer,
            )
        for value, ptr, what in _values(ctx.doc, f):
            check = identifiers.check_agency_code(value)
            if not check.ok:
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r} is not an agency code: {check.reason}",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} không phải mã định danh cơ quan "
                    "theo QĐ 20/2020 (dạng 000.00.00.G22)",
                    pointer=ptr,
                )


@static_check("procedure_code_format", target="document")
@once_per_pointer
def procedure_code_format(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Procedure-code fields (MaTTHC) have a pattern for the observed 1.005129 form (advisory)."""
    for f in _of(ctx.doc, "procedure_code"):
        pattern = f.schema.get("pattern")
        if not pattern_accepts(pattern, "1.005129"):
            shown = repr(pattern) if pattern else "none"
            yield Problem(
                message=f"procedure-code field {f.name!r} pattern is {shown}; the observed national form "
                r"is ^[0-9]\.[0-9]{6}$ (e.g. 1.005129)",
                message_vi=f"pattern của trường mã thủ tục {f.name!r} là {shown}; dạng quan sát được trên "
                r"CSDL quốc gia về TTHC là ^[0-9]\.[0-9]{6}$ (ví dụ 1.005129)",
                pointer=f.schema_pointer,
                severity=Severity.INFO,
            )
        for value, ptr, what in _values(ctx.doc, f):
            check = identifiers.check_procedure_code(value)
            if not check.ok:
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r} {check.reason}",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} không theo dạng mã thủ tục "
                    "1.005129",
                    pointer=ptr,
                    severity=Severity.INFO,
                )


_FORMAT_HINTS = ("format", "định dạng", "dinh dang", "dạng", "yyyy", "<", "{")


@static_check("dossier_code_documented", target="document")
@once_per_pointer
def dossier_code_documented(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Dossier-code fields (MaHoSo) document their format: a pattern, or a description of the format."""
    seen: set[str] = set()
    for f in _of(ctx.doc, "dossier_code"):
        if f.schema_pointer in seen:
            continue
        seen.add(f.schema_pointer)
        if is_number_type(f.schema):
            yield _number(f, "dossier code", "mã hồ sơ")
            continue
        desc = str(
            f.schema.get("description")
            or (f.holder.get("description") if f.where == "parameter" else "")
            or ""
        ).lower()
        if "pattern" in f.schema or any(h in desc for h in _FORMAT_HINTS):
            continue
        yield Problem(
            message=f"dossier-code field {f.name!r} has neither a pattern nor a description of its format "
            "(observed form <agency>-<yyyyMMdd>-<sequence>)",
            message_vi=f"trường mã hồ sơ {f.name!r} không có pattern hay mô tả định dạng (dạng quan sát "
            "được <mã cơ quan>-<yyyyMMdd>-<số thứ tự>)",
            pointer=f.schema_pointer,
        )


@static_check("personal_id_values_plausible", target="document")
@once_per_pointer
def personal_id_values_plausible(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Personal-ID values written in the description (enum, default, examples) are 12-digit numbers;
    implausible structure (place code, birth year) is an advisory."""
    for f in _of(ctx.doc, "personal_id"):
        for value, ptr, what in _values(ctx.doc, f):
            check = identifiers.check_personal_id(value)
            if not check.ok:
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r} is not a personal identification number: "
                    f"{check.reason}",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} không phải số định danh cá nhân "
                    "12 chữ số hợp lệ",
                    pointer=ptr,
                )
            elif check.advisories:
                yield Problem(
                    message=f"{what} {value!r} of {f.name!r}: {check.advisory} (advisory)",
                    message_vi=f"giá trị {value!r} ({what}) của {f.name!r} có cấu trúc bất thường (mã nơi "
                    "đăng ký khai sinh, năm sinh) (khuyến nghị)",
                    pointer=ptr,
                    severity=Severity.INFO,
                )
