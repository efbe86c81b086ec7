"""Turning a rule's Problems into one Outcome: shared by every engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import Finding, Location, Outcome, Problem, RuleSpec, Status


def finding_from(problem: Problem, rule: RuleSpec, locate: Callable[[str], Location] | None) -> Finding:
    if problem.location is not None:
        location = problem.location
    elif problem.pointer is not None and locate is not None:
        location = locate(problem.pointer)
    else:
        location = Location()
    severity = rule.severity
    # A check may lower a finding (an advisory part of a rule), never raise it above the profile's.
    if problem.severity is not None and problem.severity.rank < severity.rank:
        severity = problem.severity
    return Finding(rule=rule.id, severity=severity, message=problem.message,
                   message_vi=problem.message_vi or "", location=location,
                   details=dict(problem.details))


def outcome_from(rule: RuleSpec, subject: str, problems: Iterable[Problem], *, applicable: bool,
                 locate: Callable[[str], Location] | None) -> Outcome:
    findings: dict[tuple[object, ...], Finding] = {}
    for p in problems:
        f = finding_from(p, rule, locate)
        findings.setdefault(f.key(), f)  # the same problem reached twice is one finding
    ordered = tuple(sorted(findings.values(), key=Finding.key))
    if ordered:
        return Outcome(rule=rule.id, subject=subject, status=Status.FAILED, severity=rule.severity,
                       findings=ordered)
    status = Status.PASSED if applicable else Status.NOT_APPLICABLE
    reason = "" if applicable else "nothing in the subject that this rule applies to"
    return Outcome(rule=rule.id, subject=subject, status=status, severity=rule.severity, reason=reason)


def error_outcome(rule: RuleSpec, subject: str, reason: str) -> Outcome:
    return Outcome(rule=rule.id, subject=subject, status=Status.ERROR, severity=rule.severity,
                   reason=" ".join(reason.split())[:500])


def skipped_outcome(rule: RuleSpec, subject: str, reason: str) -> Outcome:
    return Outcome(rule=rule.id, subject=subject, status=Status.SKIPPED, severity=rule.severity,
                   reason=reason)
