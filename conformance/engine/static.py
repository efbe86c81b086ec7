"""Static engine: structural validation first, then one walk dispatching nodes to rules.

Rules that need a structurally valid document are skipped, with the reason, when it is not. A rule
that raises gets an ``error`` outcome for this subject and is not called again on it; the other
rules go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..model import Kind, Outcome, Problem, RuleSpec, Status, Subject
from ..nodes import Node, walk
from ..registry import CheckContext, load_checks
from ..specs import SpecDocument
from .outcomes import error_outcome, outcome_from, skipped_outcome
from .process import ForkedStream, TaskPipe

start_stream = ForkedStream.start  # a name tests can replace

STRUCTURE_CHECK = "openapi_structure"


def subject_of(doc: SpecDocument) -> Subject:
    return Subject(id=doc.path, kind="spec", path=doc.path, title=doc.title(), version=doc.version,
                   sha256=doc.sha256)


def check_document(doc: SpecDocument, rules: Sequence[RuleSpec], *, raise_errors: bool = False,
                   workers: int = 1) -> list[Outcome]:
    """Every static rule's outcome on one document. ``workers`` > 1 lets a big document's rules
    run in two processes (see ``_Split``); the outcomes are the same either way."""
    rules = [r for r in rules if r.kind is Kind.STATIC]
    structural = [r for r in rules if r.check == STRUCTURE_CHECK]
    others = [r for r in rules if r.check != STRUCTURE_CHECK]
    nodes = list(walk(doc))  # walked once, before any fork, so both processes share it
    split = None
    if workers > 1 and not raise_errors and len(nodes) >= SPLIT_MIN_NODES:
        split = _Split.start(doc, others, nodes)
    outcomes = _run_rules(doc, structural, nodes[:1], raise_errors=raise_errors)
    valid = all(o.status is Status.PASSED for o in outcomes) if structural else _valid(doc)
    reason = "document failed structural validation" + (
        f" ({', '.join(r.id for r in structural)})" if structural else "")
    runnable: list[RuleSpec] = []
    for rule in others:
        if rule.requires_valid and not valid:
            outcomes.append(skipped_outcome(rule, doc.path, reason))
        else:
            runnable.append(rule)
    if split is None:
        outcomes.extend(_run_rules(doc, runnable, nodes, raise_errors=raise_errors))
    else:
        outcomes.extend(split.finish(valid))
    return sorted(outcomes, key=Outcome.sort_key)


SPLIT_MIN_NODES = 4000  # below this a fork (~20 ms) costs more than half the rules save
SHARED_SOURCE_MAP_CHARS = 8_000_000


def _valid(doc: SpecDocument) -> bool:
    from ..validation import structural_errors

    return next(iter(structural_errors(doc.data, doc.family, doc.version)), None) is None


class _Split:
    """A big document's rules, in groups (one per check module: rules of a module often share a
    per-document index in ``doc.cache``), taken one at a time from a shared ``TaskPipe`` by this
    process and a forked child, whichever is free. The child starts at once; this process first
    validates the structure. The child's groups run before validity is known, so its outcomes for
    rules that need a valid document are dropped when it is not (the caller has "skipped" them)."""

    def __init__(self, doc: SpecDocument, groups: list[list[RuleSpec]], nodes: Sequence[Node]) -> None:
        self.doc, self.groups, self.nodes = doc, groups, nodes
        self.tasks = TaskPipe(len(groups))
        self.child: Any = None  # ForkedStream
        self.taken: list[int] = []  # groups this process ran
        self.received: dict[int, list[Outcome]] = {}  # groups the child ran, as they arrive

    @classmethod
    def start(cls, doc: SpecDocument, rules: Sequence[RuleSpec], nodes: Sequence[Node]) -> _Split | None:
        groups = _groups(rules)
        if len(groups) < 2 or len(groups) > TaskPipe.MAX_TASKS:
            return None
        split = cls(doc, groups, nodes)
        # Line numbers come from a parsed copy of the text (~7x its size for JSON). For a very big
        # document it is built here and shared with the child page for page (GitHub's 13 MB: 90 MB
        # less in all); below that, each process builds its own in parallel, which is faster.
        if len(doc.root.text) >= SHARED_SOURCE_MAP_CHARS:
            doc.root.locate("")
        split.child = start_stream(split._child_work)
        if split.child is None:
            split.tasks.close()
            return None
        return split

    def _child_work(self, send: Any) -> None:
        """In the child: each group taken, run, and sent back at once (index, outcomes)."""
        while (i := self.tasks.take()) is not None:
            send((i, _run_rules(self.doc, self.groups[i], self.nodes, raise_errors=False)))

    def finish(self, valid: bool) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            while (i := self.tasks.take()) is not None:
                self.taken.append(i)
                outcomes.extend(_run_rules(self.doc, [r for r in self.groups[i] if valid or not r.requires_valid],
                                           self.nodes, raise_errors=False))
                self.received.update(self.child.poll())  # unpickle between own groups
            self.received.update(self.child.finish())
        finally:
            self.tasks.close()
        # A child that died took groups it never sent: whatever neither process has, runs here.
        rest = [r for i, group in enumerate(self.groups) if i not in self.taken and i not in self.received
                for r in group if valid or not r.requires_valid]
        if rest:
            outcomes.extend(_run_rules(self.doc, rest, self.nodes, raise_errors=False))
        needs_valid = {r.id for group in self.groups for r in group if r.requires_valid}
        for group in self.received.values():
            outcomes.extend(o for o in group if valid or o.rule not in needs_valid)
        return outcomes


# Groups are offered in this order (slowest first, from bench/rule_times.py on GitHub and Stripe),
# so the last ones taken are short and the two processes finish together; unknown modules last.
_GROUP_ORDER = ("examples", "payloads", "admin_units", "platform", "exchange", "registry_meta",
                "privacy", "identifiers", "extensions", "security", "auth", "errors", "idformats",
                "qcvn120", "documentation", "structure")


def _groups(rules: Sequence[RuleSpec]) -> list[list[RuleSpec]]:
    checks = load_checks()
    by_module: dict[str, list[RuleSpec]] = {}
    for rule in rules:
        by_module.setdefault(checks[rule.check].func.__module__, []).append(rule)
    rank = {name: i for i, name in enumerate(_GROUP_ORDER)}

    def order(module: str) -> tuple[int, str]:
        return rank.get(module.rsplit(".", 1)[-1], len(rank)), module

    return [by_module[m] for m in sorted(by_module, key=order)]


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
