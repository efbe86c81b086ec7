"""Data flows: cross-owner flows through the platforms, mandatory data via NDOP, documents via VXP."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Problem
from ...registry import CheckContext, graph_check
from . import problem

if TYPE_CHECKING:  # annotations only: networkx is imported when a graph is built
    from ...systems import SystemGraph

_STR_LIST = {"type": "array", "items": {"type": "string"}}


@graph_check("cross_owner_via_platform", defaults={"require_platform_instance": True},
             schema={"require_platform_instance": {"type": "boolean"}})
def cross_owner_via_platform(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """A flow between two agencies' systems uses a platform channel (LGSP, NDXP, NDOP, VXP), not a
    direct point-to-point link; the platform it names exists in the inventory."""
    for c in graph.connections:
        a, b = graph.systems[c.source], graph.systems[c.target]
        if c.channel == "direct":
            if a.owner != b.owner and not a.is_platform and not b.is_platform:
                yield problem(
                    f"direct point-to-point flow between agencies {a.owner} and {b.owner}; route it through "
                    "the LGSP/NDXP (or NDOP for mandatory sharing)",
                    f"luồng kết nối trực tiếp điểm-điểm giữa cơ quan {a.owner} và {b.owner}; phải đi qua "
                    "LGSP/NDXP (hoặc NDOP với dữ liệu chia sẻ bắt buộc)", c.source, c.target)
        elif ctx.options["require_platform_instance"] and graph.platform_for(c) is None:
            yield problem(
                f"flow uses channel {c.channel} but no single {c.channel} system in the inventory carries it "
                "(add the platform, or name it with `via`)",
                f"luồng dùng kênh {c.channel} nhưng danh mục không có (hoặc có nhiều) hệ thống {c.channel} tương "
                "ứng (bổ sung nền tảng hoặc ghi rõ `via`)", c.source, c.target)


@graph_check("mandatory_data_via_ndop", defaults={"mandatory_data_items": [], "deadline": "2026-12-31"},
             schema={"mandatory_data_items": _STR_LIST, "deadline": {"type": "string", "format": "date"}})
def mandatory_data_via_ndop(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Connections carrying data on the mandatory-sharing list (the inventory's ``mandatory_data`` plus
    the option) go through NDOP (NĐ 278/2025: by 31 Dec 2026)."""
    items = set(graph.inventory.mandatory_data) | set(ctx.options["mandatory_data_items"])
    deadline = _dt.date.fromisoformat(ctx.options["deadline"])
    late = ctx.extra.get("as_of", deadline) > deadline
    when_en = f"overdue since {deadline.isoformat()}" if late else f"due by {deadline.isoformat()}"
    when_vi = f"đã quá hạn {deadline.strftime('%d/%m/%Y')}" if late else f"hạn {deadline.strftime('%d/%m/%Y')}"
    for c in graph.connections:
        hit = sorted(items.intersection(c.data_items))
        if not hit or c.channel == "NDOP":
            continue
        if "ndop" in (graph.systems[c.source].kind, graph.systems[c.target].kind):
            continue
        names = ", ".join(hit)
        yield problem(f"mandatory shared data ({names}) exchanged over {c.channel}, not NDOP ({when_en})",
                      f"dữ liệu chia sẻ bắt buộc ({names}) đang trao đổi qua {c.channel}, không qua NDOP ({when_vi})",
                      c.source, c.target)


@graph_check("official_documents_via_vxp", defaults={"document_items": ["official-document", "van-ban"]},
             schema={"document_items": _STR_LIST})
def official_documents_via_vxp(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Official documents exchanged between agencies travel over the national document axis (VXP)."""
    items = set(ctx.options["document_items"])
    for c in graph.connections:
        a, b = graph.systems[c.source], graph.systems[c.target]
        if not items.intersection(c.data_items) or a.owner == b.owner:
            continue
        if c.channel != "VXP" and "vxp" not in (a.kind, b.kind):
            yield problem(f"official documents exchanged over {c.channel}, not the document axis (VXP, edXML)",
                          f"văn bản điện tử trao đổi qua {c.channel}, không qua Trục liên thông văn bản quốc gia "
                          "(VXP, edXML)", c.source, c.target)
