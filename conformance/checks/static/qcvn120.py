"""QCVN 120:2019/BTTTT packets exchanged with the National Public Service Portal (DVCQG).

An operation is a QCVN 120 packet when it says so (``x-vn-qcvn120: DongBoHoSoMC``) or when its last
path segment or operationId is a packet name (legacy adapters name their routes after the packet).
Packet and field names come from ``builtin/data/qcvn120.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from ... import fieldnames
from ...builtin_data import parse_builtin
from ...model import Problem
from ...nodes import Node, operations
from ...registry import CheckContext, static_check
from ...specs import SpecDocument
from ...yamlio import join_pointer
from ._fields import body_schemas, label
from ._util import schema_properties


@lru_cache(maxsize=1)
def packets() -> Mapping[str, Mapping[str, Any]]:
    path = resources.files("conformance") / "builtin" / "data" / "qcvn120.yaml"
    data = parse_builtin("data/qcvn120.yaml", path.read_text("utf-8"), path="builtin/data/qcvn120.yaml")
    return data["packets"]


def packet_of(node: Node) -> str | None:
    """The QCVN 120 packet an operation carries: declared, or recognised by route/operationId."""
    declared = node.value.get("x-vn-qcvn120")
    if isinstance(declared, str):
        return declared if declared in packets() else None
    by_lower = {name.lower(): name for name in packets()}
    segment = (node.path or "").rstrip("/").rsplit("/", 1)[-1].lower()
    for candidate in (segment, (node.operation_id or "").lower()):
        if candidate in by_lower:
            return by_lower[candidate]
    return None


def _compare(expected: list[str], present: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(missing, renamed as (written, expected)); a renamed field differs only in case or separators."""
    by_key = {fieldnames.normalise(p): p for p in present}
    missing: list[str] = []
    renamed: list[tuple[str, str]] = []
    for name in expected:
        if name in present:
            continue
        written = by_key.get(fieldnames.normalise(name))
        if written is not None:
            renamed.append((written, name))
        else:
            missing.append(name)
    return missing, renamed


def _report(
    where: str, pointer: str, missing: list[str], renamed: list[tuple[str, str]], packet: str
) -> Iterator[Problem]:
    if renamed:
        pairs = ", ".join(f"{w} → {e}" for w, e in renamed)
        yield Problem(
            message=f"{where}: {packet} field names must be spelt exactly as in QCVN 120: {pairs}",
            message_vi=f"{where}: tên trường gói tin {packet} phải viết đúng như QCVN 120: {pairs}",
            pointer=pointer,
            details={"renamed": [list(p) for p in renamed]},
        )
    if missing:
        shown = ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        yield Problem(
            message=f"{where}: {packet} packet lacks {len(missing)} QCVN 120 field(s): {shown}",
            message_vi=f"{where}: gói tin {packet} thiếu {len(missing)} trường theo QCVN 120: {shown}",
            pointer=pointer,
            details={"missing": missing},
        )


@static_check("qcvn120_packet_fields", target="operation")
def qcvn120_packet_fields(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A QCVN 120 packet's request schema declares the packet's fields with their exact (case-sensitive)
    names."""
    packet = packet_of(node)
    if packet is None:
        return
    spec = packets()[packet]
    where = label(node.method, node.path)
    bodies = [
        (mt, s, p)
        for mt, s, p in body_schemas(ctx.doc, node.value, node.pointer, request=True)
        if "json" in mt or "xml" in mt or mt == ""
    ]
    if not bodies:
        if spec.get("fields") or spec.get("envelope"):
            yield Problem(
                message=f"{where} carries QCVN 120 packet {packet} but declares no request body schema",
                message_vi=f"{where} là gói tin QCVN 120 {packet} nhưng không khai báo lược đồ thân yêu cầu",
                pointer=node.pointer,
            )
        return
    _mt, schema, ptr = bodies[0]
    schema, ptr = ctx.doc.resolve(schema, ptr)
    props = schema_properties(ctx.doc, schema)
    record_in = spec.get("record_in")
    if spec.get("envelope"):
        yield from _report(where, ptr, *_compare(list(spec["envelope"]), list(props)), packet)
    if record_in:
        holder = props.get(record_in)
        if holder is None:
            return  # reported as a missing envelope field
        arr, arr_ptr = ctx.doc.resolve(holder[0], join_pointer(holder[1] or ptr, "properties", record_in))
        items = arr.get("items") if isinstance(arr, dict) else None
        if not isinstance(items, dict):
            return
        record, ptr = ctx.doc.resolve(items, arr_ptr + "/items")
        props = schema_properties(ctx.doc, record)
    yield from _report(where, ptr, *_compare(list(spec.get("fields") or ()), list(props)), packet)


def packets_in(doc: SpecDocument) -> dict[str, str]:
    """Packet name -> pointer of the first operation carrying it."""
    found: dict[str, str] = {}
    for op in operations(doc):
        packet = packet_of(op)
        if packet is not None:
            found.setdefault(packet, op.pointer)
    return found


@static_check(
    "dvcqg_sync_operations",
    target="document",
    defaults={"required": False},
    schema={"required": {"type": "boolean"}},
)
def dvcqg_sync_operations(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A DVCQG connector (any QCVN 120 packet present, or ``required: true``) carries both dossier-sync
    packets: DongBoHoSoMC and CapNhatTienDoHoSoMC."""
    present = packets_in(ctx.doc)
    if not present and not ctx.options["required"]:
        return
    missing = [name for name, spec in packets().items() if spec.get("sync") and name not in present]
    if missing:
        yield Problem(
            message=f"DVCQG connector lacks QCVN 120 sync operation(s) {', '.join(missing)} "
            f"(found: {', '.join(sorted(present)) or 'none'})",
            message_vi=f"hệ thống kết nối DVCQG thiếu thao tác đồng bộ QCVN 120 {', '.join(missing)} "
            f"(đã có: {', '.join(sorted(present)) or 'không có'})",
            pointer="/paths",
            details={"missing": missing},
        )
