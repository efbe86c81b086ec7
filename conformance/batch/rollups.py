"""Roll-ups of a batch: a row per system, then per agency and per province (``batch.json``).

Deterministic: sorted, no timings, no cache flags, so the same results give the same bytes
whether they were computed or read from the cache.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from .. import __version__
from .tasks import UNKNOWN, Record, SystemTask

if TYPE_CHECKING:
    from .runner import BatchRun

_STATUSES = ("ready", "not_ready", "error", "no_spec")


def result_file(system_id: str) -> str:
    """systems/<slug>-<hash>.json: readable, and distinct even when two ids slug alike."""
    slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in system_id)[-60:].strip("._") or "system"
    return f"systems/{slug}-{hashlib.sha256(system_id.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}.json"


def system_row(task: SystemTask, record: Record | None) -> dict[str, Any]:
    from ..policy import count
    from ..reporters import json as json_report
    from ..reporters.verdict import verdict

    row: dict[str, Any] = {"id": task.id, "name": task.name, "agency": task.agency,
                           "agency_name": task.agency_name, "province": task.province, "kind": task.kind,
                           "tier": task.tier, "specs": list(task.specs),
                           "errors": 0, "warnings": 0, "info": 0, "failing_rules": []}
    if not task.specs:
        return {**row, "status": "no_spec"}
    live = _live_row(record) if record is not None and "live" in record else None
    if live is not None:
        row["live"] = live
    if record is None or "result" not in record:
        return {**row, "status": "error", "error": (record or {}).get("error", "not run")}
    result = json_report.from_dict(record["result"])
    ready, _ = verdict(result)
    c = count(result)
    per_rule: dict[str, int] = {}
    for o in result.outcomes:
        n = sum(1 for f in o.findings if f.waiver is None) if o.status.value == "failed" else 0
        if n:
            per_rule[o.rule] = per_rule.get(o.rule, 0) + n
    top = sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))  # unwaived findings per rule
    if not row["name"]:
        row["name"] = next((s.title for s in result.subjects if s.title), "")
    status = "ready" if ready else "not_ready"
    unchecked = [t for t in (live or {}).get("targets", []) if t.get("error")]
    if unchecked:  # live checks were asked for and a target could not be probed: not fully checked
        status = "error"
        row["error"] = "; ".join(f"live {t['base_url']}: {t['error']}" for t in unchecked)
    return {**row, "status": status, "errors": c.errors, "warnings": c.warnings,
            "info": c.info, "failing_rules": [list(kv) for kv in top], "result": result_file(task.id)}


def _live_row(record: Record) -> dict[str, Any]:
    """What the roll-up shows of a system's live checks: per base URL, the live outcomes by status,
    and an overall status (error > failed > passed)."""
    from ..reporters import json as json_report

    outcomes = json_report.from_dict(record["result"]).outcomes if "result" in record else ()
    targets = []
    for t in record["live"]["targets"]:
        subject = str(t["base_url"]).rstrip("/")
        counts: dict[str, int] = {}
        for o in outcomes:
            if o.subject == subject:
                counts[o.status.value] = counts.get(o.status.value, 0) + 1
        status = ("error" if t.get("error") or counts.get("error") else "failed" if counts.get("failed")
                  else "passed")
        targets.append({"base_url": t["base_url"], "spec": t["spec"], "status": status,
                        "outcomes": dict(sorted(counts.items())),
                        **({"error": t["error"]} if t.get("error") else {})})
    rank = {"passed": 0, "failed": 1, "error": 2}
    worst = max((t["status"] for t in targets), key=rank.__getitem__, default="passed")
    return {"status": worst, "targets": targets}


def _group(rows: list[dict[str, Any]], key: str, name_key: str | None) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault(r[key], {key: r[key], "name": "", "systems": 0, **{s: 0 for s in _STATUSES},
                                       "errors": 0, "warnings": 0, "info": 0})
        if name_key and r.get(name_key) and not g["name"]:
            g["name"] = r[name_key]
        g["systems"] += 1
        g[r["status"]] += 1
        for k in ("errors", "warnings", "info"):
            g[k] += r[k]
    return [groups[k] for k in sorted(groups, key=lambda k: (k == UNKNOWN, k))]


def rollup(run: BatchRun, *, profile: Any, generated_at: str, source: str) -> dict[str, Any]:
    from .. import codelists

    rows = [system_row(t, run.records.get(t.id)) for t in sorted(run.tasks, key=lambda t: t.id)]
    provinces = _group(rows, "province", None)
    for p in provinces:
        p["name"] = codelists.province_name(p["province"]) or ""
    rules: dict[str, list[int]] = {}
    for r in rows:
        for rule, n in r["failing_rules"]:
            entry = rules.setdefault(rule, [0, 0])
            entry[0] += 1
            entry[1] += n
    totals = {"systems": len(rows), **{s: sum(1 for r in rows if r["status"] == s) for s in _STATUSES},
              **{k: sum(r[k] for r in rows) for k in ("errors", "warnings", "info")}}
    live_rows = [r["live"] for r in rows if "live" in r]
    if live_rows:  # only when --live ran: batch.json stays as it was otherwise
        totals["live"] = {"systems": len(live_rows),
                          **{s: sum(1 for lr in live_rows if lr["status"] == s)
                             for s in ("passed", "failed", "error")}}
    return {
        "batch_version": 1,
        "tool": {"name": "conformance", "version": __version__},
        "profile": {"name": profile.name, "version": profile.version, "digest": profile.digest},
        "generated_at": generated_at,
        "source": source,
        "totals": totals,
        "provinces": provinces,
        "agencies": _group(rows, "agency", "agency_name"),
        "top_rules": [{"rule": k, "systems": v[0], "findings": v[1]}
                      for k, v in sorted(rules.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:15]],
        "systems": rows,
    }
