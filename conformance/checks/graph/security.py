"""Security attestations: identity-platform access, security levels, log retention, DR drills."""

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
_LEVEL = {"type": "integer", "minimum": 1, "maximum": 5}


@graph_check("identity_access_level_agreement", defaults={"min_level": 3}, schema={"min_level": _LEVEL})
def identity_access_level_agreement(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """A system connected to the national identification platform is at security level ≥3 and the
    connection has a written agreement with MPS (NĐ 69/2024 Art 18)."""
    need = ctx.options["min_level"]
    for c in graph.connections:
        kinds = (graph.systems[c.source].kind, graph.systems[c.target].kind)
        if "vneid" not in kinds or kinds == ("vneid", "vneid"):
            continue
        other, idp = (c.source, c.target) if kinds[1] == "vneid" else (c.target, c.source)
        level = graph.systems[other].security_level
        if level is None or level < need:
            shown = "undeclared" if level is None else str(level)
            yield problem(f"connects to the identity platform at security level {shown} (needs ≥{need})",
                          f"kết nối nền tảng định danh khi cấp độ an toàn là {'chưa khai báo' if level is None else level}"
                          f" (yêu cầu ≥{need})", other, idp)
        if not c.agreement:
            yield problem("connection to the identity platform has no agreement reference",
                          "kết nối với nền tảng định danh chưa có văn bản thỏa thuận", other, idp)


@graph_check("security_level_fits", defaults={"min_level": 3, "classes": ["core", "important"],
                                              "protected_kinds": ["national-database", "national-general-database"]},
             schema={"min_level": _LEVEL, "classes": _STR_LIST, "protected_kinds": _STR_LIST})
def security_level_fits(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Each system declares its NĐ 85/2016 level; consumers of national databases and holders of
    core/important data are at the minimum level or above."""
    need, classes = ctx.options["min_level"], set(ctx.options["classes"])
    protected = set(ctx.options["protected_kinds"])
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if s.security_level is None:
            yield problem("no security level declared (NĐ 85/2016, levels 1–5)",
                          "chưa khai báo cấp độ an toàn hệ thống thông tin (NĐ 85/2016, cấp 1–5)", s.id)
            continue
        if s.security_level >= need:
            continue
        held = sorted({d.domain for d in s.data_domains if d.data_class in classes})
        if held:
            yield problem(f"holds core/important data ({', '.join(held)}) at security level {s.security_level}",
                          f"lưu dữ liệu cốt lõi/quan trọng ({', '.join(held)}) ở cấp độ {s.security_level}", s.id)
        for c in graph.outgoing(s.id):
            if graph.systems[c.target].kind in protected:
                yield problem(f"consumes a national database at security level {s.security_level} (needs ≥{need})",
                              f"khai thác cơ sở dữ liệu quốc gia khi cấp độ an toàn là {s.security_level} "
                              f"(yêu cầu ≥{need})", s.id, c.target)


_RETENTION = {2: 30, 3: 90, 4: 180, 5: 365}


@graph_check("log_retention_fits_level")
def log_retention_fits_level(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Logs are kept at least 30/90/180/365 days for security levels 2/3/4/5."""
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        need = _RETENTION.get(s.security_level or 0)
        if need is None:
            continue
        if s.log_retention_days is None:
            yield problem(f"no log retention declared (level {s.security_level} needs ≥{need} days)",
                          f"chưa khai báo thời gian lưu nhật ký (cấp {s.security_level} cần ≥{need} ngày)", s.id)
        elif s.log_retention_days < need:
            yield problem(f"logs kept {s.log_retention_days} days; level {s.security_level} needs ≥{need}",
                          f"nhật ký lưu {s.log_retention_days} ngày; cấp {s.security_level} cần ≥{need} ngày", s.id)


@graph_check("dr_drill_attested", defaults={"min_level": 3, "max_age_days": 365},
             schema={"min_level": _LEVEL, "max_age_days": {"type": "integer", "minimum": 1}})
def dr_drill_attested(graph: SystemGraph, ctx: CheckContext) -> Iterator[Problem]:
    """Systems at or above the level have a DR plan and a drill within the last year (as of the
    inventory's date)."""
    as_of: _dt.date = ctx.extra["as_of"]
    oldest = as_of - _dt.timedelta(days=ctx.options["max_age_days"])
    for s in sorted(graph.systems.values(), key=lambda s: s.id):
        if (s.security_level or 0) < ctx.options["min_level"]:
            continue
        if not s.dr_attestations:
            yield problem("no disaster-recovery plan attested", "chưa có phương án khôi phục thảm họa", s.id)
            continue
        drills = sorted(a.last_drill for a in s.dr_attestations if a.last_drill)
        if not drills or _dt.date.fromisoformat(drills[-1]) < oldest:
            last = drills[-1] if drills else "never"
            yield problem(f"no recovery drill in the last {ctx.options['max_age_days']} days (last: {last})",
                          f"chưa diễn tập khôi phục trong {ctx.options['max_age_days']} ngày qua (lần cuối: "
                          f"{'chưa có' if not drills else last})", s.id)
