"""What response bodies carry: strict UTF-8, NFC text, dates in their declared format, valid
personal ids and administrative codes, and no caching of personal data."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ... import codelists, fieldnames, identifiers
from ...model import Problem
from ...patterns import pattern_accepts
from ...registry import CheckContext, live_check
from ._util import problem, response_schema, walk_json, walk_with_schema

if TYPE_CHECKING:  # annotations only
    from ...engine.exchange import Exchange

_TEXTUAL = re.compile(r"^(text/|application/(.+\+)?(json|xml))")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
MAX_REPORTED = 5  # findings per exchange: one bad field usually repeats down a list


@live_check("utf8_body", target="exchange")
def utf8_body(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """Textual bodies decode as strict UTF-8, declare charset utf-8 if any, and have no BOM."""
    if not ex.body or not _TEXTUAL.match(ex.media_type() or "text/"):
        return
    charset = ex.charset()
    if charset is not None and charset not in ("utf-8", "utf8"):
        yield problem(ex, f"Content-Type declares charset={charset}, not utf-8",
                      f"Content-Type khai báo charset={charset}, không phải utf-8", charset=charset)
    if ex.body.startswith(b"\xef\xbb\xbf"):
        yield problem(ex, "body starts with a UTF-8 byte order mark", "nội dung bắt đầu bằng BOM UTF-8")
    try:
        ex.body.decode("utf-8", "strict")
    except UnicodeDecodeError as exc:
        yield problem(ex, f"body is not valid UTF-8 (byte 0x{ex.body[exc.start]:02x} at offset {exc.start})",
                      f"nội dung không phải UTF-8 hợp lệ (byte 0x{ex.body[exc.start]:02x} tại vị trí {exc.start})",
                      offset=exc.start)


@live_check("nfc_text", target="exchange")
def nfc_text(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """String values in JSON bodies are in Unicode NFC (precomposed Vietnamese)."""
    body = ex.json()
    count = 0
    for ptr, _name, value in walk_json(body):
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            count += 1
            if count <= MAX_REPORTED:
                yield problem(ex, f"text at {ptr} is not NFC-normalised (decomposed Vietnamese): {value[:40]!r}",
                              f"chuỗi tại {ptr} không ở dạng dựng sẵn NFC: {value[:40]!r}", field=ptr)


def _date_ok(fmt: str, value: str) -> bool:
    if fmt == "date":
        if not _DATE.match(value):
            return False
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if not _DATETIME.match(value):
        return False
    try:
        _dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    except ValueError:
        return False
    return True


@live_check("date_format", target="exchange")
def date_format(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """Values declared `format: date`/`date-time` (or with a `pattern`) match the declaration."""
    body = ex.json()
    schema, _ = response_schema(ctx.doc, ex)
    if body is None or schema is None:
        return
    count = 0
    for ptr, sub, value in walk_with_schema(ctx.doc, schema, body):
        if not isinstance(value, str):
            continue
        fmt, pattern, bad = sub.get("format"), sub.get("pattern"), ""
        if fmt in ("date", "date-time") and not _date_ok(fmt, value):
            bad = f"format {fmt}"
        elif isinstance(pattern, str) and fieldnames.concept_of(ptr.rsplit("/", 1)[-1]) == "datetime":
            if pattern_accepts(pattern, value) is False:  # bounded: the pattern comes from the spec
                bad = f"pattern {pattern}"
        if bad:
            count += 1
            if count <= MAX_REPORTED:
                yield problem(ex, f"{ptr} = {value!r} does not match its declared {bad}",
                              f"{ptr} = {value!r} không khớp {bad} đã khai báo", field=ptr)


def _code_problem(concept: str, value: str) -> tuple[str, str] | None:
    if concept == "personal_id":
        check = identifiers.check_personal_id(value)
        if not check.ok:
            return (f"is not a valid 12-digit personal identification number ({check.reason})",
                    f"không phải số định danh cá nhân 12 chữ số hợp lệ ({check.reason})")
    elif concept == "province_code":
        if not codelists.is_province_code(value):
            retired = " (a retired pre-2025 code)" if codelists.is_retired_province_code(value) else ""
            return (f"is not a province code of QĐ 19/2025{retired}",
                    "không phải mã tỉnh theo QĐ 19/2025")
    elif concept == "commune_code":
        if not codelists.is_commune_code(value):
            retired = " (a retired pre-2025 code)" if codelists.is_retired_commune_code(value) else ""
            return (f"is not a commune code of QĐ 19/2025{retired}", "không phải mã xã theo QĐ 19/2025")
    elif concept == "district_code":
        return ("is a district code: the district level was abolished on 1 July 2025",
                "là mã huyện: cấp huyện đã bỏ từ 1/7/2025")
    return None


def _coded_values(ex: Exchange, concepts: tuple[str, ...]) -> Iterator[Problem]:
    count = 0
    for ptr, name, value in walk_json(ex.json()):
        concept = fieldnames.concept_of(name)
        if concept not in concepts or not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        found = _code_problem(concept, value) if isinstance(value, str) else (
            "is a number, not a string (leading zeros are lost)", "là số, không phải chuỗi")
        if found is not None:
            count += 1
            if count <= MAX_REPORTED:
                yield problem(ex, f"{ptr} = {value!r} {found[0]}", f"{ptr} = {value!r} {found[1]}",
                              field=ptr)


@live_check("personal_id_values", target="exchange")
def personal_id_values(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """Personal identification numbers in responses are 12-digit strings."""
    yield from _coded_values(ex, ("personal_id",))


@live_check("admin_code_values", target="exchange")
def admin_code_values(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """Province and commune codes in responses are in the QĐ 19/2025 lists; no district codes."""
    yield from _coded_values(ex, ("province_code", "commune_code", "district_code"))


def _personal(operation: Mapping[str, Any]) -> bool:
    flag = operation.get("x-vn-personal-data") if isinstance(operation, Mapping) else None
    return bool(flag) and flag is not False


@live_check("no_store_personal_data", target="exchange")
def no_store_personal_data(ex: Exchange, ctx: CheckContext) -> Iterator[Problem]:
    """2xx responses of operations marked `x-vn-personal-data` carry Cache-Control: no-store."""
    if ex.status is None or not 200 <= ex.status < 300 or not _personal(ex.operation):
        return
    directives = {d.strip().split("=")[0].lower() for d in ex.headers.get("cache-control", "").split(",")}
    if "no-store" not in directives and not {"private", "no-cache"} <= directives:
        got = ex.headers.get("cache-control") or "(none)"
        yield problem(ex, f"personal-data response is cacheable: Cache-Control {got} (expected no-store)",
                      f"phản hồi chứa dữ liệu cá nhân có thể bị lưu đệm: Cache-Control {got} (cần no-store)",
                      cache_control=got)
