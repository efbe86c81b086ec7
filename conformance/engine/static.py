"""Static engine: structural validation first, then one walk dispatching nodes to rules.

Rules that need a structurally valid document are skipped, with the reason, when it is not. A rule
that raises gets an ``error`` outcome for this subject and is not called again on it; the other
rules go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import Kind, Outcome, Problem, RuleSpec, Status, Subject
from ..nodes import walk
from ..registry import CheckContext, load_checks
from ..specs import SpecDocument
from .outcomes import error_outcome, outcome_from, skipped_outcome

STRUCTURE_CHECK = "openapi_structure"


def subject_of(doc: SpecDocument) -> Subject:
    return Subject(id=doc.path, kind="spec", path=doc.path, title=doc.title(), version=doc.version,
                   sha256=doc.sha256)


def check_document(doc: SpecDocument, rules: Sequence[RuleSpec], *, raise_errors: bool = False) -> list[Outcome]:
    checks = load_checks()
    rules = [r for r in rules if r.kind is Kind.STATIC]
    subject = doc.path
    outcomes: list[Outcome] = []
    problems: dict[str, list[Problem]] = {r.id: [] for r in rules}
    applicable: dict[str, bool] = {r.id: False for r in rules}
    failed: dict[str, str] = {}  # rule id -> crash reason

    def call(rule: RuleSpec, node: object, ctx: CheckContext) -> None:
        applicable[rule.id] = True
        try:
            problems[rule.id].extend(checks[rule.check].func(node, ctx))
        except Exception as exc:
            if raise_errors:
                raise
            failed[rule.id] = f"rule crashed: {type(exc).__name__}: {exc}"

    contexts = {r.id: CheckContext(options=r.options, rule_id=r.id, doc=doc) for r in rules}
    structural = [r for r in rules if r.check == STRUCTURE_CHECK]
    others = [r for r in rules if r.check != STRUCTURE_CHECK]
    valid = True
    first = None
    for node in walk(doc):
        first = node
        break
    for rule in structural:
        call(rule, first, contexts[rule.id])
        if problems[rule.id] or rule.id in failed:
            valid = False
    if not structural:  # validity still decides which rules may run
        from ..validation import structural_errors
        valid = next(iter(structural_errors(doc.data, doc.family, doc.version)), None) is None

    runnable: list[RuleSpec] = []
    for rule in others:
        if rule.requires_valid and not valid:
            reason = "document failed structural validation" + (
                f" ({', '.join(r.id for r in structural)})" if structural else "")
            outcomes.append(skipped_outcome(rule, subject, reason))
        else:
            runnable.append(rule)
    by_target: dict[str, list[RuleSpec]] = {}
    for rule in runnable:
        by_target.setdefault(rule.target, []).append(rule)
    if by_target:
        for node in walk(doc):
            for rule in by_target.get(node.kind, ()):
                if rule.id not in failed:
                    call(rule, node, contexts[rule.id])

    for rule in structural + runnable:
        if rule.id in failed:
            outcomes.append(error_outcome(rule, subject, failed[rule.id]))
        else:
            outcomes.append(outcome_from(rule, subject, problems[rule.id], applicable=applicable[rule.id],
                                         locate=doc.location))
    return sorted(outcomes, key=Outcome.sort_key)


def load_error_outcomes(subject: str, reason: str, rules: Iterable[RuleSpec]) -> list[Outcome]:
    """A document that cannot be read: the structural rule errors, the rest are skipped."""
    out = []
    for rule in rules:
        if rule.kind is not Kind.STATIC:
            continue
        if rule.check == STRUCTURE_CHECK:
            out.append(Outcome(rule=rule.id, subject=subject, status=Status.ERROR, severity=rule.severity,
                               reason=reason))
        else:
            out.append(skipped_outcome(rule, subject, "document could not be loaded"))
    return sorted(out, key=Outcome.sort_key)
