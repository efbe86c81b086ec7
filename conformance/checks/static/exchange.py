"""Exchange formats beyond JSON: XML schemas (XSD, edXML), file attachments with integrity hashes,
OData v4 conventions (recommended), and the shape of error bodies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ... import fieldnames
from ...model import Problem, Severity
from ...nodes import Node, operations
from ...registry import CheckContext, static_check
from ...yamlio import join_pointer
from ._fields import body_schemas, label, merged
from ._util import schema_properties, status_class

_XML = re.compile(r"^(application|text)/([\w.+-]+\+)?xml$", re.I)
_DOC_EXCHANGE = re.compile(r"edxml|edoc|vanban|van-ban|congvan|official-?document", re.I)


def _has_xsd(op: dict[str, Any], media: dict[str, Any], schema: Any) -> bool:
    ext = op.get("externalDocs")
    if isinstance(ext, dict) and "xsd" in str(ext.get("url", "")).lower():
        return True
    if media.get("x-xsd") or (
        isinstance(schema, dict) and (schema.get("x-xsd") or isinstance(schema.get("xml"), dict))
    ):
        return True
    return False


@static_check("xml_schema_published", target="operation")
def xml_schema_published(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """XML payloads reference an XSD (``externalDocs``/``x-xsd``) or an ``xml``-annotated schema; official-
    document exchange declares its edXML version (``x-vn-edxml-version``)."""
    op = node.value
    where = label(node.method, node.path)
    xml_seen = False
    for request in (True, False):
        for mt, schema, sptr in body_schemas(ctx.doc, op, node.pointer, request=request):
            if not _XML.match(mt.split(";")[0].strip()):
                continue
            xml_seen = True
            resolved, _ = ctx.doc.resolve(schema, "")
            media = ctx.doc.get(sptr.rsplit("/schema", 1)[0]) or {}
            if not _has_xsd(op, media if isinstance(media, dict) else {}, resolved):
                yield Problem(
                    message=f"{where} exchanges {mt} without an XSD (externalDocs/x-xsd) or an xml-annotated "
                    "schema",
                    message_vi=f"{where} trao đổi {mt} nhưng không tham chiếu XSD (externalDocs/x-xsd) hay "
                    "lược đồ có chú thích xml",
                    pointer=sptr,
                )
    text = f"{node.path} {node.operation_id or ''}"
    if xml_seen and _DOC_EXCHANGE.search(text) and not op.get("x-vn-edxml-version"):
        yield Problem(
            message=f"{where} looks like official-document exchange but declares no x-vn-edxml-version "
            "(QCVN 102:2016)",
            message_vi=f"{where} có vẻ là trao đổi văn bản điện tử nhưng không khai báo x-vn-edxml-version "
            "(QCVN 102:2016)",
            pointer=node.pointer,
        )


# Fields that reference or hold one file; a list of attachments (TepDinhKem[]) is a container, not a file.
_FILE_REF = {
    "idteptin",
    "fileid",
    "fileurl",
    "duongdantaiteptin",
    "duongdanteptin",
    "urlteptin",
    "noidungteptin",
    "filecontent",
    "attachmentid",
    "attachmenturl",
    "downloadurl",
    "linkteptin",
}
_HASH = {
    "hash",
    "hashteptin",
    "checksum",
    "sha256",
    "digest",
    "mabam",
    "giatribam",
    "filehash",
    "hashfile",
    "md5",
    "sha256hex",
}
_FORMAT = {
    "dinhdang",
    "mimetype",
    "contenttype",
    "loaitep",
    "filetype",
    "kieutep",
    "mediatype",
    "format",
    "dinhdangteptin",
    "extension",
    "duoiteptin",
}


def _norm_set(names: Any) -> set[str]:
    return {fieldnames.normalise(str(n)) for n in names}


@static_check("attachment_integrity", target="schema")
def attachment_integrity(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A file attachment object (a file id/URL/content field) carries an integrity hash and a file format."""
    props = schema_properties(ctx.doc, node.value)
    if not props:
        return
    keys = _norm_set(props)
    binary = any(merged(ctx.doc, s, "")[0].get("format") in ("binary", "byte") for s, _p in props.values())
    if not (keys & _FILE_REF or binary):
        return
    missing = []
    if not keys & _HASH:
        missing.append(("integrity hash (e.g. HashTepTin)", "giá trị băm (ví dụ HashTepTin)"))
    if not keys & _FORMAT:
        missing.append(("file format (e.g. DinhDang)", "định dạng tệp (ví dụ DinhDang)"))
    if missing:
        shown = ", ".join(sorted(props)[:6])
        yield Problem(
            message=f"attachment object ({shown}) has no {' and no '.join(m[0] for m in missing)}",
            message_vi=f"đối tượng tệp đính kèm ({shown}) thiếu {' và '.join(m[1] for m in missing)}",
            pointer=node.pointer,
        )


_ODATA = {"$filter", "$select", "$top", "$skip", "$orderby", "$count", "$expand", "$search"}


@static_check("odata_conventions", target="document")
def odata_conventions(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Advisory: data-access APIs offer OData v4 query options ($filter, $select, $top, $skip) or
    ``/$metadata`` (recommended, not compulsory)."""
    paths = ctx.doc.data.get("paths") if isinstance(ctx.doc.data, dict) else None
    if isinstance(paths, dict) and any(str(p).rstrip("/").endswith("$metadata") for p in paths):
        return
    reads = 0
    for op in operations(ctx.doc):
        if op.method != "get":
            continue
        reads += 1
        if {str(p.get("name")) for _ptr, p in op.context.get("parameters") or ()} & _ODATA:
            return
    if reads:
        yield Problem(
            message=f"none of the {reads} read operations offers OData v4 query options ($filter, $select, "
            "$top, $skip) or /$metadata (recommended by TT 39/2017 item 1.4)",
            message_vi=f"không thao tác đọc nào trong {reads} thao tác hỗ trợ tham số truy vấn OData v4 "
            "($filter, $select, $top, $skip) hay /$metadata (khuyến nghị theo TT 39/2017 mục 1.4)",
            pointer="/paths",
            severity=Severity.INFO,
        )


_CODE = {"code", "errorcode", "maloi", "error", "type"}
_MESSAGE = {"message", "detail", "title", "thongbao", "noidung", "errordescription", "mota"}
_TRACE = {"traceid", "requestid", "correlationid", "instance", "matruyvet", "traceparent"}


@static_check("single_error_schema", target="document")
def single_error_schema(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """All 4xx/5xx bodies use one error schema, and it has a code, a message and a trace id."""
    used: dict[str, str] = {}  # schema pointer -> first response using it
    for op in operations(ctx.doc):
        for mt, schema, sptr in body_schemas(ctx.doc, op.value, op.pointer, request=False, statuses="45"):
            if "json" not in mt and "xml" not in mt:
                continue
            _resolved, rptr = ctx.doc.resolve(schema, sptr)
            used.setdefault(rptr, sptr)
    if not used:
        return
    if len(used) > 1:
        shown = ", ".join(sorted(used)[:4])
        yield Problem(
            message=f"error responses use {len(used)} different schemas ({shown}); use one error schema",
            message_vi=f"các phản hồi lỗi dùng {len(used)} lược đồ khác nhau ({shown}); hãy dùng một lược đồ "
            "lỗi thống nhất",
            pointer=sorted(used.values())[0],
            details={"schemas": sorted(used)},
        )
    for ptr in sorted(used):
        keys = _norm_set(schema_properties(ctx.doc, ctx.doc.get(ptr)))
        missing = [
            en
            for en, vi, s in (
                ("code", "mã lỗi", _CODE),
                ("message", "thông báo", _MESSAGE),
                ("trace id", "mã truy vết", _TRACE),
            )
            if not keys & s
        ]
        if missing:
            yield Problem(
                message=f"error schema {ptr} has no {', '.join(missing)} field",
                message_vi=f"lược đồ lỗi {ptr} thiếu trường {', '.join(missing)}",
                pointer=ptr,
                details={"missing": missing},
            )
            break


_RESULT_CODES = {"errorcode", "maloi", "resultcode", "statuscode", "errcode", "maketqua", "returncode"}


@static_check("legacy_result_codes_documented", target="response")
def legacy_result_codes_documented(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A body-level result code (legacy ``error_code`` envelope) lists its codes and meanings (enum or
    description)."""
    if status_class(node.name or "") != "2":
        return
    if "schema" in node.value:
        schemas = [ctx.doc.resolve(node.value["schema"], node.pointer + "/schema")]
    else:
        content = node.value.get("content") if isinstance(node.value.get("content"), dict) else {}
        schemas = [
            ctx.doc.resolve(m.get("schema"), join_pointer(node.pointer, "content", mt, "schema"))
            for mt, m in content.items()
            if isinstance(m, dict)
        ]
    for schema, sptr in schemas:
        for name, (sub, ptr) in schema_properties(ctx.doc, schema).items():
            ptr = ptr or sptr
            if fieldnames.normalise(name) not in _RESULT_CODES:
                continue
            target, _ = merged(ctx.doc, sub, "")
            desc = str(target.get("description") or "")
            if isinstance(target.get("enum"), list) or re.search(r"\d+\s*[=:–-]", desc):
                continue
            yield Problem(
                message=f"{node.name} response result code {name!r} does not list its values and meanings "
                "(enum, or a description such as '0 = success')",
                message_vi=f"mã kết quả {name!r} trong phản hồi {node.name} không liệt kê giá trị và ý nghĩa "
                "(enum, hoặc mô tả dạng '0 = thành công')",
                pointer=join_pointer(ptr, "properties", name),
            )
