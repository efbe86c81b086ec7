"""Stateful sequences along the spec's declared ``links`` (``--mode full`` only).

A sequence starts at a *root*: an operation with outgoing links that no link leads to (a producer
such as ``POST /hoso``). Its positive cases (the spec's examples first) are sent until one answers a
status a link hangs off; then every matching link is followed depth-first: the link's runtime
expressions (``$response.body#/MaHoSo``, ``$request.path.MaHoSo``, …) are evaluated against that
response and its request, the target's case is built with those values (``live.follow``), sent, and
its own links followed in turn, up to ``MAX_DEPTH`` links per chain and never the same link twice in
one chain (links may form cycles).

Everything is sent through the runner's ``send`` callback, i.e. the same ``GuardedSession`` (host
allow-list, request budget, rate, time budget; a link's ``server`` is ignored), with the same
schemathesis checks and live checks on each exchange. On top of the guard, a plan has its own cap
(``reserve``) so sequences cannot starve the per-rule extra requests that follow them. Order is
deterministic: roots by (path, method), links by (status, name), cases derandomised.

This module never imports schemathesis: the bridge (``engine/live.py``) does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import live

SEQUENCES_PER_ROOT = 2  # linkable root answers followed per producing operation
ROOT_ATTEMPTS = 4  # root cases tried per producing operation to get a linkable answer
MAX_DEPTH = 3  # links followed in one chain, e.g. POST /hoso → GET /hoso/{id} → GET …/tiendo

# case -> the response (schemathesis Response) or None when nothing came back (budget spent, no answer).
Send = Callable[[Any], Any]


@dataclass(slots=True)
class Plan:
    links: list[live.Link]
    roots: list[Any]  # schemathesis APIOperations, sorted
    outgoing: dict[str, list[live.Link]]  # source label -> links, sorted
    skipped: list[str] = field(default_factory=list)  # declared links that cannot be followed, and why

    def chains(self, label: str, seen: frozenset[str] = frozenset(), depth: int = 0) -> int:
        """Requests one sequence from ``label`` sends at most (links followed, without the root)."""
        if depth >= MAX_DEPTH:
            return 0
        total = 0
        for link in self.outgoing.get(label, []):
            if link.label not in seen:
                total += 1 + self.chains(link.target.label, seen | {link.label}, depth + 1)
        return total

    def max_requests(self) -> int:
        return sum(ROOT_ATTEMPTS + SEQUENCES_PER_ROOT * self.chains(root.label) for root in self.roots)

    def reserve(self, remaining: int) -> int:
        """The share of the request budget kept for sequences: what they can use, at most a quarter
        of what is left (the rest goes to per-operation cases and the rules' extra requests)."""
        return min(self.max_requests(), max(1, remaining // 4)) if self.links else 0


def plan(schema: Any, ops: list[Any]) -> Plan | None:
    links, skipped = live.declared_links(schema, ops)
    if not links and not skipped:
        return None
    outgoing: dict[str, list[live.Link]] = {}
    for link in sorted(links, key=lambda k: (k.source.path, k.source.method.upper(), k.status, k.name)):
        outgoing.setdefault(link.source.label, []).append(link)
    targets = {link.target.label for link in links}
    sources = [op for op in ops if op.label in outgoing]  # ops are already sorted by (path, method)
    # When every source is also a target (links form a cycle), any source may start a sequence.
    roots = [op for op in sources if op.label not in targets] or sources
    return Plan(links=links, roots=roots, outgoing=outgoing, skipped=skipped)


@dataclass(slots=True)
class _Walk:
    plan: Plan
    send: Send
    limit: int  # requests this phase may send
    stopped: Callable[[], bool]  # the guard's budget is spent
    sent: int = 0
    sequences: int = 0
    followed: dict[str, int] = field(default_factory=dict)  # link label -> times followed
    unresolved: dict[str, None] = field(default_factory=dict)  # ordered set of reasons

    def _spent(self) -> bool:
        return self.sent >= self.limit or self.stopped()

    def _send(self, case: Any) -> Any:
        self.sent += 1
        return self.send(case)

    def root(self, schema: Any, op: Any) -> None:
        done = 0
        for case in live.cases(schema, op, ROOT_ATTEMPTS, full=False)[:ROOT_ATTEMPTS]:
            if self._spent() or done >= SEQUENCES_PER_ROOT:
                return
            response = self._send(case)
            if response is None:
                continue
            if any(link.matches(response.status_code) for link in self.plan.outgoing[op.label]):
                self.sequences += 1
                done += 1
                self.chain(op.label, case, response, frozenset(), 0)

    def chain(self, label: str, case: Any, response: Any, seen: frozenset[str], depth: int) -> None:
        if depth >= MAX_DEPTH:
            return
        for link in self.plan.outgoing.get(label, []):
            if self._spent():
                return
            if link.label in seen or not link.matches(response.status_code):
                continue
            nxt = live.follow(link, case, response)
            if isinstance(nxt, str):
                self.unresolved[nxt] = None
                continue
            self.followed[link.label] = self.followed.get(link.label, 0) + 1
            answer = self._send(nxt)
            if answer is not None:
                self.chain(link.target.label, nxt, answer, seen | {link.label}, depth + 1)


def run(schema: Any, seq_plan: Plan, send: Send, *, limit: int, stopped: Callable[[], bool]) -> list[str]:
    """Send the plan's sequences; return notes for the run (what was followed, what could not be)."""
    walk = _Walk(plan=seq_plan, send=send, limit=limit, stopped=stopped)
    for op in seq_plan.roots:
        if walk._spent():
            break
        walk.root(schema, op)
    notes = list(seq_plan.skipped)
    if seq_plan.links:
        followed = ", ".join(f"{label} ×{n}" for label, n in sorted(walk.followed.items())) or "none"
        notes.append(f"stateful: {walk.sequences} sequence(s), {walk.sent} request(s); "
                     f"links followed: {followed}")
    notes += list(walk.unresolved)[:10]
    return notes
