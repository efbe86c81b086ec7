"""Data authority: one source per domain, copies synced from it, master data to the national DB."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...model import Problem
from ...registry import CheckContext, graph_check
from . import problem

if TYPE_CHECKING:  # annotations only: networkx is imported when a graph is built
    from ...inventory import DataDomain, System
    from ...systems import SystemGraph

_STR_LIST = {"type": "array", "items": {"type": "string"}}


def _holders(graph: SystemGraph) -> dict[str, list[tuple[System, DataDomain]]]:
    out: dict[str, list[tuple[System, DataDomain]]] = defaultdict(list)
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        for d in s.data_domains:
            out[d.domain].append((s, d))
    return dict(sorted(out.items()))


def authorities(graph: SystemGraph, domain: str) -> list[str]:
    return [s.id for s, d in _holders(graph).get(domain, []) if d.authoritative]


@graph_check("one_authoritative_source")
def one_authoritative_source(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Each data domain has exactly one authoritative source; every other holder declares it syncs its
    copy from that source and is connected to it."""
    for domain, holders in _holders(graph).items():
        auth = [s.id for s, d in holders if d.authoritative]
        if not auth:
            ids = ", ".join(s.id for s, _ in holders)
            yield problem(f"data domain {domain!r} has no authoritative source (held by {ids})",
                          f"miền dữ liệu {domain!r} không có nguồn gốc chính thức (đang lưu tại {ids})",
                          holders[0][0].id)
            continue
        for extra in auth[1:]:
            yield problem(f"second authoritative source of data domain {domain!r} (also {auth[0]})",
                          f"miền dữ liệu {domain!r} có nhiều hơn một nguồn gốc chính thức (cùng với {auth[0]})",
                          extra, auth[0])
        source = auth[0]
        for s, d in holders:
            if d.authoritative:
                continue
            if d.synced_from is None:
                yield problem(f"unsynchronised copy of data domain {domain!r}; sync it from {source}",
                              f"bản sao miền dữ liệu {domain!r} không được đồng bộ; cần đồng bộ từ {source}",
                              s.id, source)
            elif d.synced_from != source:
                yield problem(f"copy of {domain!r} synced from {d.synced_from}, not the authoritative {source}",
                              f"bản sao {domain!r} đồng bộ từ {d.synced_from}, không phải nguồn chính thức {source}",
                              s.id, d.synced_from)
            elif not graph.linked(s.id, source):
                yield problem(f"copy of {domain!r} says it syncs from {source} but no connection links them",
                              f"bản sao {domain!r} khai báo đồng bộ từ {source} nhưng không có kết nối tương ứng",
                              s.id, source)


@graph_check("master_data_to_national_db", defaults={"classes": ["master", "shared"]},
             schema={"classes": _STR_LIST})
def master_data_to_national_db(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Systems holding master/shared data sync it with the National General Database, via NDOP."""
    classes = set(ctx.options["classes"])
    ngd = {s.id for s in graph.of_kind("national-general-database")}
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.id in ngd or s.kind == "ndop":
            continue
        domains = sorted({d.domain for d in s.data_domains if d.data_class in classes})
        if not domains:
            continue
        links = [c for n in sorted(ngd) for c in graph.linked(s.id, n)]
        names = ", ".join(domains)
        if not links:
            yield problem(f"master/shared data ({names}) is not synchronised with the National General Database",
                          f"dữ liệu chủ/dùng chung ({names}) chưa đồng bộ với Cơ sở dữ liệu tổng hợp quốc gia", s.id)
        elif not any(c.channel == "NDOP" for c in links):
            yield problem("sync with the National General Database does not go through NDOP",
                          "đồng bộ với CSDL tổng hợp quốc gia không qua Nền tảng điều phối dữ liệu (NDOP)",
                          s.id, links[0].target if links[0].source == s.id else links[0].source)


@graph_check("dossier_reuses_state_data", defaults={"domains": ["population"], "kinds": ["dossier-system"]},
             schema={"domains": _STR_LIST, "kinds": _STR_LIST})
def dossier_reuses_state_data(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Dossier systems look data up in its authoritative source (enter once) instead of asking again."""
    for s in graph.of_kind(*ctx.options["kinds"]):
        for domain in ctx.options["domains"]:
            sources = authorities(graph, domain)
            if not any(c.target in sources for c in graph.outgoing(s.id)):
                yield problem(f"does not look up {domain!r} data in its authoritative source (citizens re-enter it)",
                              f"không khai thác dữ liệu {domain!r} từ nguồn chính thức (người dân phải khai lại)",
                              s.id, sources[0] if sources else None)
