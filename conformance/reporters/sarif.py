"""SARIF 2.1.0 for code-scanning tools: results land on the spec lines that caused them.

Failed findings become results; waived findings are results with an external, accepted
suppression carrying the waiver's justification. Rule outcomes that errored become tool
execution notifications (they are facts about the run, not about the code). Fingerprints hash the
rule, subject, JSON pointer (or endpoint / system) and message, never line numbers, so a result
keeps its identity when lines shift.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..model import Finding, Outcome, RuleSpec, RunResult, Severity, Status
from .verdict import CONFIDENCE_LABELS, clean

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://conformance.example/"  # TODO(lead): the project's public home page
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _level(sev: Severity) -> str:
    return _LEVEL[sev]


def _help(rule: RuleSpec) -> dict[str, str]:
    cites = [
        ", ".join(x for x in (c.instrument, c.section) if x) + (f" <{c.url}>" if c.url else "")
        for c in rule.citations
    ]
    confidence = CONFIDENCE_LABELS["en"][rule.confidence.value]
    reqs = ", ".join(rule.requirements) or "none"
    text = (
        f"{rule.summary.en}\n\n{rule.rationale.en}\n\nRequirements: {reqs}\nConfidence: {confidence}\n"
        + "".join(f"Citation: {c}\n" for c in cites)
    )
    md_cites = "".join(
        f"- {_md(', '.join(x for x in (c.instrument, c.section) if x))}"
        + (f" ({_md(c.url)})" if c.url else "")
        + "\n"
        for c in rule.citations
    )
    markdown = (
        f"**{_md(rule.summary.en)}**\n\n{_md(rule.rationale.en)}\n\n"
        f"**Requirements:** {_md(reqs)}  \n**Confidence:** {_md(confidence)}\n\n"
        + (f"**Citations:**\n\n{md_cites}" if md_cites else "")
    )
    if rule.summary.vi:
        text += f"\n{rule.summary.vi}\n{rule.rationale.vi}\n"
        markdown += f"\n---\n\n**{_md(rule.summary.vi)}**\n\n{_md(rule.rationale.vi)}\n"
    return {"text": text, "markdown": markdown}


def _md(text: str) -> str:
    """Markdown-escape untrusted text so a viewer renders it literally (no HTML, no links)."""
    out = []
    for ch in text:
        if ch in "\\`*_{}[]()#+!|<>~":
            out.append("&lt;" if ch == "<" else "&gt;" if ch == ">" else "\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _rule(rule: RuleSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary.en},
        "fullDescription": {"text": rule.rationale.en},
        "help": _help(rule),
    }
    url = next((c.url for c in rule.citations if c.url.startswith(("https://", "http://"))), "")
    if url:
        out["helpUri"] = url
    out["defaultConfiguration"] = {"level": _level(rule.severity)}
    out["properties"] = {
        "requirements": list(rule.requirements),
        "confidence": rule.confidence.value,
        "tags": sorted({*rule.tags, *rule.requirements, *([rule.area] if rule.area else [])}),
        "area": rule.area,
        "kind": rule.kind.value,
    }
    return out


def _uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative paths are relative to %SRCROOT%; absolute ones become file URIs."""
    path = path.replace("\\", "/")
    if path.startswith("/"):
        return "file://" + quote(path, safe="/"), None
    return quote(posixpath.normpath(path), safe="/"), "%SRCROOT%"


def _location(f: Finding, subject: str) -> dict[str, Any]:
    loc = f.location
    out: dict[str, Any] = {}
    file = loc.file or (subject if loc.pointer else None)
    if file:
        uri, base = _uri(file)
        artifact: dict[str, Any] = {"uri": uri}
        if base:
            artifact["uriBaseId"] = base
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if loc.line:
            region: dict[str, Any] = {"startLine": loc.line}
            if loc.column:
                region["startColumn"] = loc.column
            physical["region"] = region
        out["physicalLocation"] = physical
    logical = []
    if loc.pointer:
        logical.append(
            {
                "name": loc.pointer.rsplit("/", 1)[-1] or "/",
                "fullyQualifiedName": loc.pointer,
                "kind": "element",
            }
        )
    if loc.method or loc.path:
        name = f"{(loc.method or '').upper()} {loc.path or ''}".strip()
        entry = {"name": name, "kind": "resource"}
        if loc.url or loc.operation_id:
            entry["fullyQualifiedName"] = loc.url or loc.operation_id or name
        logical.append(entry)
    if loc.system:
        logical.append({"name": loc.system + (f" -> {loc.peer}" if loc.peer else ""), "kind": "module"})
    if logical:
        out["logicalLocations"] = logical
    if not out:
        out["logicalLocations"] = [{"name": subject, "kind": "resource"}]
    return out


def _fingerprint(f: Finding, subject: str) -> str:
    loc = f.location
    parts = (
        f.rule,
        subject,
        loc.file or "",
        loc.pointer or "",
        loc.method or "",
        loc.path or "",
        loc.system or "",
        loc.peer or "",
        f.message,
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()


def _result(o: Outcome, f: Finding, index: int) -> dict[str, Any]:
    text = f.message + (f"\n{f.message_vi}" if f.message_vi and f.message_vi != f.message else "")
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": _level(f.severity),
        "message": {"text": text},
        "locations": [_location(f, o.subject)],
        "partialFingerprints": {"conformance/v1": _fingerprint(f, o.subject)},
    }
    if f.waiver is not None:
        reason = "; ".join(f"{k}: {v}" for k, v in sorted(f.waiver.items())) or "waived"
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": reason}]
    return out


def _deep_clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, Mapping):
        return {clean(k): _deep_clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_clean(v) for v in value]
    return value


def to_dict(result: RunResult) -> dict[str, Any]:
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results, notes = [], []
    for o in sorted(result.outcomes, key=Outcome.sort_key):
        if o.status in (Status.FAILED, Status.WAIVED):
            for f in sorted(o.findings, key=Finding.key):
                if f.rule in index:
                    results.append(_result(o, f, index[f.rule]))
        elif o.status is Status.ERROR:
            note: dict[str, Any] = {
                "level": "error",
                "message": {"text": f"{o.subject}: {o.reason or 'error'}"},
            }
            if o.rule in index:
                note["associatedRule"] = {"id": o.rule, "index": index[o.rule]}
            notes.append(note)
    invocation: dict[str, Any] = {"executionSuccessful": not notes, "endTimeUtc": result.generated_at}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run = {
        "tool": {
            "driver": {
                "name": "conformance",
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(r) for r in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {
            "%SRCROOT%": {
                "description": {"text": "The folder conformance was run from; spec paths are relative to it."}
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "profile": {
                "name": result.profile.name,
                "version": result.profile.version,
                "digest": result.profile.digest,
            }
        },
    }
    return _deep_clean({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})


def render(result: RunResult, *, lang: str = "en", extras: Mapping[str, Any] | None = None) -> str:
    """SARIF is read by tools; messages carry English then Vietnamese whatever ``lang`` says."""
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
