"""Static engine: structural validation first, then one walk dispatching nodes to rules.

Rules that need a structurally valid document are skipped, with the reason, when it is not. A rule
that raises gets an ``error`` outcome for this subject and is not called again on it; the other
rules go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import Kind, Outcome, Problem, RuleSpec, Status, Subject
from ..nodes import Node, walk
from ..registry import CheckContext, load_checks
from ..specs import SpecDocument
from .outcomes import error_outcome, outcome_from, skipped_outcome
from .process import start_forked

STRUCTURE_CHECK = "openapi_structure"


def subject_of(doc: SpecDocument) -> Subject:
    return Subject(id=doc.path, kind="spec", path=doc.path, title=doc.title(), version=doc.version,
                   sha256=doc.sha256)


def check_document(doc: SpecDocument, rules: Sequence[RuleSpec], *, raise_errors: bool = False,
                   workers: int = 1) -> list[Outcome]:
    """Every static rule's outcome on one document. ``workers`` > 1 lets a big document's rules
    run in two processes (a forked child takes a share); the outcomes are the same either way."""
    rules = [r for r in rules if r.kind is Kind.STATIC]
    structural = [r for r in rules if r.check == STRUCTURE_CHECK]
    others = [r for r in rules if r.check != STRUCTURE_CHECK]
    nodes = list(walk(doc))  # walked once, before any fork, so both processes share it
    share = _child_share(others) if (workers > 1 and not raise_errors and len(nodes) >= SPLIT_MIN_NODES) else []
    # The child's share runs before validity is known; if the document is invalid, its outcomes
    # for rules that need a valid document are replaced by the same "skipped" the sequential path gives.
    pending = start_forked(lambda: _run_rules(doc, share, nodes, raise_errors=False)) if share else None
    if pending is None:
        share = []
    outcomes = _run_rules(doc, structural, nodes[:1], raise_errors=raise_errors)
    valid = all(o.status is Status.PASSED for o in outcomes) if structural else _valid(doc)
    reason = "document failed structural validation" + (
        f" ({', '.join(r.id for r in structural)})" if structural else "")
    in_child = {r.id for r in share}
    runnable: list[RuleSpec] = []
    for rule in others:
        if rule.requires_valid and not valid:
            outcomes.append(skipped_outcome(rule, doc.path, reason))
        elif rule.id not in in_child:
            runnable.append(rule)
    outcomes.extend(_run_rules(doc, runnable, nodes, raise_errors=raise_errors))
    if pending is not None:
        child = pending()
        if child is None:  # the child failed: its share runs here
            child = _run_rules(doc, [r for r in share if valid or not r.requires_valid], nodes,
                               raise_errors=raise_errors)
        by_id = {r.id: r for r in share}
        outcomes.extend(o for o in child if valid or not by_id[o.rule].requires_valid)
    return sorted(outcomes, key=Outcome.sort_key)


SPLIT_MIN_NODES = 4000  # below this a fork (~20 ms) costs more than half the rules save


def _valid(doc: SpecDocument) -> bool:
    from ..validation import structural_errors

    return next(iter(structural_errors(doc.data, doc.family, doc.version)), None) is None


def _child_share(rules: Sequence[RuleSpec]) -> list[RuleSpec]:
    """About half of the work, by check module: rules of one module often share a per-document
    index (``doc.cache``), which is then built in one process only."""
    checks = load_checks()
    groups: dict[str, list[RuleSpec]] = {}
    for rule in rules:
        groups.setdefault(checks[rule.check].func.__module__, []).append(rule)
    weight = {mod: sum(_COST.get(r.id, 1.0) for r in group) for mod, group in groups.items()}
    parent = child = 0.0
    share: list[RuleSpec] = []
    for mod in sorted(groups, key=lambda m: (-weight[m], m)):
        if child < parent:
            share.extend(groups[mod])
            child += weight[mod]
        else:
            parent += weight[mod]
    return share


# Relative cost of the rules that dominate big documents (bench/rule_times.py); others count 1.
_COST: dict[str, float] = {}


def _run_rules(doc: SpecDocument, rules: Sequence[RuleSpec], nodes: Sequence[Node], *,
               raise_errors: bool) -> list[Outcome]:
    """Dispatch the walk's nodes to the rules by target; one outcome per rule."""
    checks = load_checks()
    subject = doc.path
    problems: dict[str, list[Problem]] = {r.id: [] for r in rules}
    applicable: dict[str, bool] = {r.id: False for r in rules}
    failed: dict[str, str] = {}  # rule id -> crash reason
    by_target: dict[str, list[tuple[RuleSpec, CheckContext]]] = {}
    for rule in rules:
        ctx = CheckContext(options=rule.options, rule_id=rule.id, doc=doc)
        by_target.setdefault(rule.target, []).append((rule, ctx))
    if by_target:
        for node in nodes:
            for rule, ctx in by_target.get(node.kind, ()):
                if rule.id in failed:
                    continue
                applicable[rule.id] = True
                try:
                    problems[rule.id].extend(checks[rule.check].func(node, ctx))
                except Exception as exc:
                    if raise_errors:
                        raise
                    failed[rule.id] = f"rule crashed: {type(exc).__name__}: {exc}"
    out = []
    for rule in rules:
        if rule.id in failed:
            out.append(error_outcome(rule, subject, failed[rule.id]))
        else:
            out.append(outcome_from(rule, subject, problems[rule.id], applicable=applicable[rule.id],
                                    locate=doc.location))
    return out


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
