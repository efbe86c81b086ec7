"""JUnit XML for CI dashboards: one testsuite per subject, one testcase per (rule, subject) outcome.

Passes are included so a dashboard shows what was proven, not only what broke. failed → <failure>,
error → <error>, skipped / not applicable / manual → <skipped>; waived outcomes pass and say why
in <system-out>. Testcase <properties> carry requirement ids, citations and confidence (read by
Jenkins, GitLab and Azure DevOps; pytest's xunit1 family emits the same).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from ..model import Outcome, RuleSpec, RunResult, Status
from .verdict import clean, finding_message, rule_index, where

_SKIP_TEXT = {
    "en": {
        "skipped": "skipped",
        "not_applicable": "not applicable",
        "manual": "manual evidence needed",
        "waived": "waived",
    },
    "vi": {
        "skipped": "bỏ qua",
        "not_applicable": "không áp dụng",
        "manual": "cần minh chứng thủ công",
        "waived": "được miễn trừ",
    },
}


def _prop(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "property", {"name": name, "value": clean(value)})


def _testcase(suite: ET.Element, o: Outcome, rule: RuleSpec | None, lang: str) -> None:
    name = f"{o.rule} {rule.name}" if rule else o.rule
    case = ET.SubElement(suite, "testcase", {"classname": clean(o.subject), "name": clean(name), "time": "0"})
    props = ET.SubElement(case, "properties")
    _prop(props, "status", o.status.value)
    _prop(props, "severity", o.severity.value)
    if rule:
        for req in rule.requirements:
            _prop(props, "requirement", req)
        for c in rule.citations:
            _prop(props, "citation", ", ".join(x for x in (c.instrument, c.section, c.url) if x))
        _prop(props, "confidence", rule.confidence.value)
        if rule.area:
            _prop(props, "area", rule.area)
    words = _SKIP_TEXT[lang]
    if o.status is Status.FAILED:
        open_findings = [f for f in o.findings if f.waiver is None] or list(o.findings)
        first = finding_message(open_findings[0], lang) if open_findings else o.reason
        message = first if len(open_findings) <= 1 else f"{first} (+{len(open_findings) - 1})"
        worst = max((f.severity for f in open_findings), key=lambda s: s.rank, default=o.severity)
        el = ET.SubElement(case, "failure", {"message": clean(message), "type": worst.value})
        el.text = clean(
            "\n".join(
                f"{where(f, o.subject)}: {f.severity.value}: {finding_message(f, lang)}"
                for f in open_findings
            )
        )
    elif o.status is Status.ERROR:
        el = ET.SubElement(case, "error", {"message": clean(o.reason or "error"), "type": "error"})
        el.text = clean(o.reason)
    elif o.status in (Status.SKIPPED, Status.NOT_APPLICABLE, Status.MANUAL):
        text = words[o.status.value] + (f": {o.reason}" if o.reason else "")
        ET.SubElement(case, "skipped", {"message": clean(text), "type": o.status.value})
    elif o.status is Status.WAIVED:
        out = ET.SubElement(case, "system-out")
        out.text = clean(
            "\n".join(
                f"{words['waived']}: {where(f, o.subject)}: {finding_message(f, lang)} "
                f"[{_waiver_text(f.waiver)}]"
                for f in o.findings
            )
        )


def _waiver_text(waiver: Mapping[str, Any] | None) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted((waiver or {}).items()))


def render(result: RunResult, *, lang: str = "en", extras: Mapping[str, Any] | None = None) -> str:
    lang = "vi" if lang == "vi" else "en"
    rules = rule_index(result)
    by_subject: dict[str, list[Outcome]] = {}
    for o in sorted(result.outcomes, key=Outcome.sort_key):
        by_subject.setdefault(o.subject, []).append(o)
    root = ET.Element("testsuites", {"name": "conformance " + clean(result.profile.name), "time": "0"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for subject in sorted(by_subject):
        outcomes = by_subject[subject]
        counts = {
            "tests": len(outcomes),
            "failures": sum(o.status is Status.FAILED for o in outcomes),
            "errors": sum(o.status is Status.ERROR for o in outcomes),
            "skipped": sum(
                o.status in (Status.SKIPPED, Status.NOT_APPLICABLE, Status.MANUAL) for o in outcomes
            ),
        }
        for k, v in counts.items():
            totals[k] += v
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": clean(subject),
                "tests": str(counts["tests"]),
                "failures": str(counts["failures"]),
                "errors": str(counts["errors"]),
                "skipped": str(counts["skipped"]),
                "time": "0",
                "timestamp": clean(result.generated_at),
            },
        )
        props = ET.SubElement(suite, "properties")
        _prop(props, "profile", f"{result.profile.name} {result.profile.version}")
        _prop(props, "profile_digest", result.profile.digest)
        _prop(props, "tool_version", result.tool_version)
        for o in outcomes:
            _testcase(suite, o, rules.get(o.rule), lang)
    for k in ("tests", "failures", "errors"):
        root.set(k, str(totals[k]))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
