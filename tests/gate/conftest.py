"""Builders for small, explicit results: each test states the findings it reasons about."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable

import pytest

from conformance.model import (
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE_SPECS = os.path.join(ROOT, "specs")
DIGEST = "sha256:" + "0" * 64


def rule(rule_id: str, severity: Severity = Severity.ERROR) -> RuleSpec:
    return RuleSpec(
        id=rule_id,
        name=rule_id.lower(),
        kind=Kind.STATIC,
        target="document",
        check="x",
        summary=Text(en=rule_id),
        rationale=Text(en="why"),
        requirements=(),
        citations=(),
        confidence=Confidence.CONFIRMED,
        severity=severity,
    )


def finding(
    rule_id: str,
    *,
    pointer: str | None = None,
    message: str = "problem",
    line: int | None = None,
    severity: Severity = Severity.ERROR,
    file: str | None = "a.yaml",
    **loc: str,
) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message=message,
        message_vi="",
        location=Location(file=file, pointer=pointer, line=line, **loc),
    )


def outcome(
    rule_id: str,
    subject: str,
    findings: Iterable[Finding] = (),
    *,
    status: Status | None = None,
    severity: Severity = Severity.ERROR,
    reason: str = "",
) -> Outcome:
    fs = tuple(findings)
    st = status or (Status.FAILED if fs else Status.PASSED)
    return Outcome(rule=rule_id, subject=subject, status=st, severity=severity, findings=fs, reason=reason)


def result(
    outcomes: Iterable[Outcome], *, profile: str = "vn-full", version: str = "1", digest: str = DIGEST
) -> RunResult:
    outs = tuple(sorted(outcomes, key=Outcome.sort_key))
    rules = {o.rule: rule(o.rule, o.severity) for o in outs}
    subjects = sorted({o.subject for o in outs})
    return RunResult(
        tool_version="0.1.0",
        profile=ProfileInfo(name=profile, version=version, digest=digest),
        generated_at="2026-01-01T00:00:00Z",
        subjects=tuple(Subject(id=s, kind="spec", path=s) for s in subjects),
        rules=tuple(rules[k] for k in sorted(rules)),
        outcomes=outs,
    )


@pytest.fixture
def spec_dir(tmp_path: object) -> str:
    """A private copy of the example agency specs (tests may edit them)."""
    dest = os.path.join(str(tmp_path), "specs")
    shutil.copytree(EXAMPLE_SPECS, dest)
    return dest
