"""Inventory structure and resilience: placement, registration, sync cycles, layer direction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Problem
from ...registry import CheckContext, graph_check
from . import problem

if TYPE_CHECKING:  # annotations only: networkx is imported when a graph is built
    from ...systems import SystemGraph

_STR_LIST = {"type": "array", "items": {"type": "string"}}


@graph_check("systems_placed_and_connected")
def systems_placed_and_connected(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Every system is placed in QĐ 3090's four layers and takes part in at least one connection."""
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.layer is None:
            yield problem("not placed in a layer of the four-layer model (QĐ 3090)",
                          "chưa xác định thuộc lớp nào trong mô hình bốn lớp (QĐ 3090)", s.id)
        if graph.is_isolated(s.id):
            yield problem("orphan system: no connection to any other system or platform",
                          "hệ thống biệt lập: không kết nối với hệ thống hay nền tảng nào", s.id)


@graph_check("shared_apis_registered", defaults={"exempt_kinds": ["ndxp", "ndop", "vxp", "lgsp", "dvcqg", "vneid"]},
             schema={"exempt_kinds": _STR_LIST})
def shared_apis_registered(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """A system whose API is used beyond its owning agency has a registry id (V-APEX / platform catalogue)."""
    exempt = set(ctx.options["exempt_kinds"])
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.registry_id or s.kind in exempt:
            continue
        outside = sorted({c.source for c in graph.incoming(s.id) if graph.systems[c.source].owner != s.owner})
        if outside:
            yield problem(f"API used by other agencies ({', '.join(outside[:3])}{'…' if len(outside) > 3 else ''}) "
                          "is not registered (V-APEX / platform catalogue id)",
                          "API được cơ quan khác sử dụng nhưng chưa đăng ký, công bố (mã V-APEX / danh mục nền tảng)",
                          s.id)


@graph_check("no_sync_cycles")
def no_sync_cycles(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Synchronous dependencies form no cycle (one outage would take the whole loop down)."""
    for cycle in graph.sync_cycles():
        chain = " → ".join([*cycle, cycle[0]])
        yield problem(f"synchronous dependency cycle: {chain}", f"vòng phụ thuộc đồng bộ: {chain}",
                      cycle[0], cycle[1 % len(cycle)])


@graph_check("layers_point_down")
def layers_point_down(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Consumers do not depend on systems of a higher QĐ 3090 layer than their own."""
    for c in graph.layer_violations():
        a, b = graph.systems[c.source], graph.systems[c.target]
        yield problem(f"layer violation: {a.layer} system depends on {b.layer} system",
                      f"vi phạm phân lớp: hệ thống lớp {a.layer} phụ thuộc hệ thống lớp {b.layer}", c.source, c.target)
