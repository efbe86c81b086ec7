"""Use of the national platforms: LGSP↔NDXP, DVCQG sync, VNeID sign-in, shared code lists, no rebuilds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Problem
from ...registry import CheckContext, graph_check
from . import problem

if TYPE_CHECKING:  # annotations only: networkx is imported when a graph is built
    from ...systems import SystemGraph

_STR_LIST = {"type": "array", "items": {"type": "string"}}


def _linked_kinds(graph: SystemGraph, system_id: str, kind: str) -> list[str]:
    return sorted(n for n in graph.neighbours(system_id) if graph.systems[n].kind == kind)


@graph_check("lgsp_connects_ndxp")
def lgsp_connects_ndxp(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Every ministerial/provincial LGSP has a connection with NDXP (NĐ 194/2025 Art 20(3))."""
    for s in graph.of_kind("lgsp"):
        if not _linked_kinds(graph, s.id, "ndxp"):
            yield problem("LGSP has no connection to NDXP", "LGSP chưa kết nối với NDXP", s.id)


@graph_check("dossier_sync_dvcqg", defaults={"required_operations": ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"]},
             schema={"required_operations": _STR_LIST})
def dossier_sync_dvcqg(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Each dossier-handling system is connected to DVCQG and its connections declare the QCVN 120
    sync operations (dossier sync and progress update)."""
    required = list(ctx.options["required_operations"])
    for s in graph.of_kind("dossier-system"):
        portals = _linked_kinds(graph, s.id, "dvcqg")
        if not portals:
            yield problem("dossier-handling system has no connection to DVCQG",
                          "hệ thống giải quyết TTHC chưa kết nối Cổng Dịch vụ công quốc gia", s.id)
            continue
        ops = {op for p in portals for c in graph.linked(s.id, p) for op in c.operations}
        missing = [op for op in required if op not in ops]
        if missing:
            yield problem(f"connection to DVCQG does not declare {', '.join(missing)}",
                          f"kết nối với Cổng DVCQG chưa khai báo {', '.join(missing)}", s.id, portals[0])


@graph_check("no_local_service_portal", defaults={"local_levels": ["ministry", "province", "commune"]},
             schema={"local_levels": _STR_LIST})
def no_local_service_portal(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """No ministry/provincial public-service portal duplicates DVCQG unless it redirects to it."""
    levels = set(ctx.options["local_levels"])
    for s in graph.of_kind("dvc-portal"):
        if s.level in levels and not s.redirects_to_dvcqg:
            yield problem("local public-service portal duplicates DVCQG (closed from 1 Jul 2025); redirect it",
                          "cổng dịch vụ công địa phương trùng lặp Cổng DVCQG (đóng từ 01/7/2025); cần chuyển hướng "
                          "về Cổng DVCQG", s.id)


@graph_check("national_platforms_not_rebuilt",
             defaults={"local_levels": ["ministry", "province", "commune"],
                       "national_capabilities": ["identity-provider", "payment-gateway", "document-exchange-axis",
                                                 "e-signature", "shared-codelists", "data-exchange-platform"]},
             schema={"local_levels": _STR_LIST, "national_capabilities": _STR_LIST})
def national_platforms_not_rebuilt(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """A ministry/province system does not rebuild a national platform's capability (QĐ 3090: what
    is done centrally is not redone locally), unless it records a justification."""
    from ...inventory import NATIONAL_PLATFORM_KINDS as national_kinds  # inventory: only with a graph

    levels, caps = set(ctx.options["local_levels"]), set(ctx.options["national_capabilities"])
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.level not in levels or s.justification:
            continue
        dup = sorted(caps.intersection(s.capabilities) | ({s.kind} & national_kinds)
                     | ({s.kind} & {"identity-provider", "payment-gateway", "e-signature"}))
        if dup:
            yield problem(f"locally built {', '.join(dup)} duplicates a national platform",
                          f"hệ thống xây dựng tại địa phương ({', '.join(dup)}) trùng lặp nền tảng quốc gia", s.id)


@graph_check("citizen_signin_vneid")
def citizen_signin_vneid(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Citizen-facing systems sign citizens in through the national e-ID platform (VNeID)."""
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.citizen_facing and not _linked_kinds(graph, s.id, "vneid"):
            yield problem("citizen-facing system has no connection to VNeID for sign-in",
                          "hệ thống phục vụ người dân chưa kết nối VNeID để đăng nhập", s.id)


@graph_check("codelists_from_shared_service")
def codelists_from_shared_service(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Systems that use administrative codes consume them from the shared code-list service."""
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.uses_admin_codes and not any(graph.systems[c.target].kind == "codelist-service"
                                          for c in graph.outgoing(s.id)):
            yield problem("uses administrative codes but does not consume the shared code-list service",
                          "dùng mã đơn vị hành chính nhưng không lấy từ dịch vụ danh mục dùng chung", s.id)
