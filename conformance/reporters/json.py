"""The versioned JSON result contract (schema: ``builtin/schemas/result.schema.json``).

``dumps`` and ``loads`` round-trip: ``dumps(loads(dumps(r))) == dumps(r)``, which is what lets
``conformance render`` re-render a saved result without re-running anything.
"""

from __future__ import annotations

import json
from operator import attrgetter
from typing import Any

from ..collector import no_gc
from ..errors import UsageError
from ..model import (
    Citation,
    Confidence,
    Finding,
    Kind,
    Location,
    Outcome,
    ProfileInfo,
    RuleSpec,
    RunResult,
    Severity,
    Status,
    Subject,
    Text,
)

SCHEMA_VERSION = "1.1"  # 1.1: subjects may carry log_tail
_LOCATION_FIELDS = ("file", "pointer", "line", "column", "method", "path", "operation_id", "url",
                    "system", "peer")


def _text(t: Text) -> dict[str, str]:
    return {"en": t.en, "vi": t.vi} if t.vi else {"en": t.en}


_location_values = attrgetter(*_LOCATION_FIELDS)  # one C call per location (73,000 on APIs.guru)


_SPEC_ONLY = (None,) * (len(_LOCATION_FIELDS) - 4)


def _location(loc: Location) -> dict[str, Any]:
    values = _location_values(loc)
    if values[4:] == _SPEC_ONLY and None not in values[:4]:  # the common case: a spec finding
        return {"file": values[0], "pointer": values[1], "line": values[2], "column": values[3]}
    return {k: v for k, v in zip(_LOCATION_FIELDS, values) if v is not None}


def rule_to_dict(r: RuleSpec) -> dict[str, Any]:
    return {
        "id": r.id, "name": r.name, "kind": r.kind.value, "area": r.area,
        "summary": _text(r.summary), "rationale": _text(r.rationale),
        "requirements": list(r.requirements),
        "citations": [{k: v for k, v in (("instrument", c.instrument), ("section", c.section),
                                         ("url", c.url)) if v} for c in r.citations],
        "confidence": r.confidence.value, "severity": r.severity.value,
        "options": dict(r.options), "tags": list(r.tags),
    }


def to_dict(result: RunResult) -> dict[str, Any]:
    rules = {r.id: r for r in result.rules}
    outcomes = []
    for o in result.outcomes:
        rule = rules.get(o.rule)
        entry: dict[str, Any] = {
            "rule": o.rule,
            "requirements": list(rule.requirements) if rule else [],
            "subject": o.subject,
            "status": o.status.value,
            "severity": o.severity.value,
            "confidence": rule.confidence.value if rule else None,
        }
        if o.reason:
            entry["reason"] = o.reason
        entry["findings"] = [_finding(f) for f in o.findings]
        outcomes.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "conformance", "version": result.tool_version},
        "generated_at": result.generated_at,
        "lang": result.lang,
        "profile": {"name": result.profile.name, "version": result.profile.version,
                    "digest": result.profile.digest},
        "summary": result.summary(),
        "subjects": [_subject(s) for s in result.subjects],
        "rules": [rule_to_dict(r) for r in result.rules],
        "outcomes": outcomes,
    }


def _subject(s: Subject) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in (("id", s.id), ("kind", s.kind), ("path", s.path), ("title", s.title),
                                             ("version", s.version), ("base_url", s.base_url),
                                             ("sha256", s.sha256)) if v is not None}
    if s.log_tail:
        out["log_tail"] = list(s.log_tail)
    return out


def _finding(f: Finding) -> dict[str, Any]:
    if f.message_vi:
        out: dict[str, Any] = {"rule": f.rule, "severity": f.severity.value, "message": f.message,
                               "message_vi": f.message_vi, "location": _location(f.location)}
    else:
        out = {"rule": f.rule, "severity": f.severity.value, "message": f.message,
               "location": _location(f.location)}
    if f.details:
        out["details"] = dict(f.details)
    if f.waiver:
        out["waiver"] = dict(f.waiver)
    return out


def dumps(result: RunResult) -> str:
    with no_gc():
        out = _encode(to_dict(result))
    return out.decode("utf-8") if isinstance(out, bytes) else out


def dumps_bytes(result: RunResult) -> bytes:
    """``dumps`` as UTF-8 bytes, for files and pipes: a lone surrogate (from a document's own
    escapes) is written as its JSON escape, so the bytes stay valid UTF-8 and valid JSON."""
    with no_gc():
        out = _encode(to_dict(result))
    return out if isinstance(out, bytes) else out.encode("utf-8", "backslashreplace")


def _encode(data: dict[str, Any]) -> bytes | str:
    try:  # ~7x faster on large results, same bytes as the stdlib call below (tested)
        import orjson

        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (ImportError, TypeError, ValueError):
        # orjson refuses lone surrogates, integers beyond 64 bits and unknown types; the stdlib
        # writes them (default=str for the last).
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def from_dict(data: dict[str, Any]) -> RunResult:
    if str(data.get("schema_version", "")).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise UsageError(f"unsupported result schema_version {data.get('schema_version')!r} "
                         f"(this tool reads {SCHEMA_VERSION})")
    rules = tuple(
        RuleSpec(id=r["id"], name=r["name"], kind=Kind(r["kind"]), target="", check="",
                 summary=Text(**r["summary"]), rationale=Text(**r["rationale"]),
                 requirements=tuple(r["requirements"]),
                 citations=tuple(Citation(**c) for c in r["citations"]),
                 confidence=Confidence(r["confidence"]), severity=Severity(r["severity"]),
                 options=r.get("options", {}), tags=tuple(r.get("tags", ())), area=r.get("area", ""))
        for r in data["rules"])
    outcomes = tuple(
        Outcome(rule=o["rule"], subject=o["subject"], status=Status(o["status"]),
                severity=Severity(o["severity"]), reason=o.get("reason", ""),
                findings=tuple(Finding(rule=f["rule"], severity=Severity(f["severity"]), message=f["message"],
                                       message_vi=f.get("message_vi", ""),
                                       location=Location(**f["location"]), details=f.get("details", {}),
                                       waiver=f.get("waiver")) for f in o["findings"]))
        for o in data["outcomes"])
    subjects = tuple(Subject(**{**s, "log_tail": tuple(s.get("log_tail", ()))}) for s in data["subjects"])
    p = data["profile"]
    return RunResult(tool_version=data["tool"]["version"],
                     profile=ProfileInfo(name=p["name"], version=p["version"], digest=p["digest"]),
                     generated_at=data["generated_at"], subjects=subjects, rules=rules, outcomes=outcomes,
                     lang=data.get("lang", "en"))


def loads(text: str, *, path: str = "<result>") -> RunResult:
    try:
        data = json.loads(text)
        return from_dict(data)
    except UsageError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"not a conformance result: {type(exc).__name__}: {exc}", file=path) from None
