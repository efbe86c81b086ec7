"""API metadata the platforms and reviewers need: owner agency and contact, legal basis, registry
(V-APEX) id, environments, availability commitment, and described data structures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ... import identifiers
from ...model import Problem
from ...nodes import Node, operations
from ...registry import CheckContext, static_check
from ._fields import is_public, merged


@static_check("owner_agency_and_contact", target="info")
def owner_agency_and_contact(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """``info`` names a contact (name and e-mail or URL) and the owner agency code (``x-vn-agency-code``,
    QĐ 20/2020 form)."""
    info = node.value
    contact = info.get("contact") if isinstance(info.get("contact"), dict) else {}
    if not contact.get("name") or not (contact.get("email") or contact.get("url")):
        yield Problem(
            message="info.contact lacks a name and an e-mail or URL of the owning agency's contact point",
            message_vi="info.contact thiếu tên và e-mail hoặc URL đầu mối liên hệ của cơ quan chủ quản",
            pointer="/info/contact" if "contact" in info else "/info",
        )
    code = info.get("x-vn-agency-code")
    if code is None:
        yield Problem(
            message="info has no x-vn-agency-code (owner agency code, e.g. 000.00.00.H41)",
            message_vi="info không có x-vn-agency-code (mã định danh cơ quan chủ quản, ví dụ 000.00.00.H41)",
            pointer="/info",
        )
    elif not identifiers.check_agency_code(code).ok:
        yield Problem(
            message=f"info.x-vn-agency-code {code!r} is not a QĐ 20/2020 agency code (NNN.NN.NN.Xnn)",
            message_vi=f"info.x-vn-agency-code {code!r} không phải mã định danh cơ quan theo QĐ 20/2020 "
            "(NNN.NN.NN.Xnn)",
            pointer="/info/x-vn-agency-code",
        )


# An instrument number (118/2025/NĐ-CP, 60/2024/QH15), a technical regulation or standard, or a law.
_INSTRUMENT = re.compile(r"\d+/\d{4}|QCVN\s*\d|TCVN\s*\d|\bLuật\b|\bLaw\b", re.I)


@static_check("legal_basis_declared", target="info")
def legal_basis_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """``info.x-vn-legal-basis`` lists the instruments (by number) that ground the data sharing."""
    basis = node.value.get("x-vn-legal-basis")
    if not isinstance(basis, list) or not basis:
        yield Problem(
            message="info has no x-vn-legal-basis listing the legal instruments behind this API",
            message_vi="info không có x-vn-legal-basis liệt kê căn cứ pháp lý của API",
            pointer="/info",
        )
        return
    for i, item in enumerate(basis):
        text = item.get("instrument") if isinstance(item, dict) else item
        if not isinstance(text, str) or not _INSTRUMENT.search(text):
            yield Problem(
                message=f"legal basis entry {text!r} names no instrument number (e.g. NĐ 278/2025/NĐ-CP)",
                message_vi=f"mục căn cứ pháp lý {text!r} không nêu số hiệu văn bản (ví dụ NĐ 278/2025/NĐ-CP)",
                pointer=f"/info/x-vn-legal-basis/{i}",
            )


@static_check("registry_id_declared", target="info")
def registry_id_declared(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """``info.x-vn-registry`` holds the id under which the API is registered (V-APEX, or the NDXP/LGSP
    catalogue)."""
    reg = node.value.get("x-vn-registry")
    entries = reg if isinstance(reg, list) else [reg]
    ids = [e for e in entries if (isinstance(e, str) and e.strip()) or (isinstance(e, dict) and e.get("id"))]
    if not ids:
        yield Problem(
            message="info has no x-vn-registry id (V-APEX or NDXP/LGSP catalogue registration)",
            message_vi="info không có x-vn-registry (mã đăng ký trên V-APEX hoặc danh mục NDXP/LGSP)",
            pointer="/info/x-vn-registry" if "x-vn-registry" in node.value else "/info",
        )


_ENV_WORDS = {
    "production": ("production", "prod", "chính thức", "chinh thuc", "vận hành"),
    "sandbox": ("sandbox", "thử nghiệm", "thu nghiem"),
    "test": ("test", "kiểm thử", "kiem thu", "uat"),
    "staging": ("staging", "tiền triển khai"),
}


def environment_of(server: dict[str, Any]) -> str | None:
    env = server.get("x-vn-environment")
    if isinstance(env, str):
        return env
    desc = str(server.get("description") or "").lower()
    for name, words in _ENV_WORDS.items():
        if any(w in desc for w in words):
            return name
    return None


@static_check("environments_distinguished", target="server")
def environments_distinguished(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Each server says which environment it is (``x-vn-environment`` or its description): production,
    staging, test or sandbox."""
    if environment_of(node.value) is not None:
        return
    info = ctx.doc.data.get("info") if isinstance(ctx.doc.data, dict) else None
    servers = ctx.doc.data.get("servers") if isinstance(ctx.doc.data, dict) else None
    single = not isinstance(servers, list) or len(servers) <= 1
    if single and isinstance(info, dict) and isinstance(info.get("x-vn-environment"), str):
        return
    yield Problem(
        message=f"server {node.name} does not say whether it is production, staging, test or sandbox "
        "(x-vn-environment or description)",
        message_vi=f"máy chủ {node.name} không nêu là môi trường chính thức, staging, kiểm thử hay thử "
        "nghiệm (x-vn-environment hoặc mô tả)",
        pointer=node.pointer,
    )


_HEALTH = {"health", "healthz", "status", "ping", "livez", "readyz", "tinhtrang", "trangthai"}


@static_check(
    "availability_commitment",
    target="info",
    defaults={"min_availability": 0.99},
    schema={"min_availability": {"type": "number", "minimum": 0, "maximum": 1}},
)
def availability_commitment(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """``info.x-vn-sla.availability`` commits to at least 99 % a year."""
    sla = node.value.get("x-vn-sla")
    value = sla.get("availability") if isinstance(sla, dict) else None
    minimum = float(ctx.options["min_availability"])
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        yield Problem(
            message=f"info declares no x-vn-sla.availability (at least {minimum:g}, i.e. downtime "
            f"≤ {100 - minimum * 100:g} % a year)",
            message_vi=f"info không khai báo x-vn-sla.availability (tối thiểu {minimum:g}, tức thời gian "
            f"ngừng ≤ {100 - minimum * 100:g} % mỗi năm)",
            pointer="/info/x-vn-sla" if isinstance(sla, dict) else "/info",
        )
    elif value < minimum:
        yield Problem(
            message=f"declared availability {value:g} is below {minimum:g}",
            message_vi=f"mức sẵn sàng khai báo {value:g} thấp hơn {minimum:g}",
            pointer="/info/x-vn-sla/availability",
        )


@static_check("properties_described", target="schema")
def properties_described(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """Every property of an object schema has a description (or references a data-dictionary term)."""
    props = node.value.get("properties")
    if not isinstance(props, dict):
        return
    bare = []
    for name, sub in props.items():
        target, _ = merged(ctx.doc, sub, "")
        if not (target.get("description") or target.get("x-vn-dictionary-term") or target.get("title")):
            bare.append(str(name))
    if bare:
        shown = ", ".join(bare[:8]) + ("…" if len(bare) > 8 else "")
        yield Problem(
            message=f"{len(bare)} of {len(props)} properties have no description: {shown}",
            message_vi=f"{len(bare)}/{len(props)} thuộc tính chưa có mô tả: {shown}",
            pointer=node.pointer,
            details={"properties": bare},
        )


@static_check("health_endpoint_documented", target="document")
def health_endpoint_documented(node: Node, ctx: CheckContext) -> Iterator[Problem]:
    """A public health endpoint (e.g. ``GET /health``) is documented for availability monitoring."""
    for op in operations(ctx.doc):
        last = (op.path or "").rstrip("/").rsplit("/", 1)[-1].lower()
        if op.method == "get" and last in _HEALTH and is_public(ctx.doc, op.value):
            return
    yield Problem(
        message="no public health endpoint (e.g. GET /health) is documented for availability monitoring",
        message_vi="không có điểm kiểm tra tình trạng công khai (ví dụ GET /health) để giám sát tính sẵn "
        "sàng",
        pointer="/paths",
    )
