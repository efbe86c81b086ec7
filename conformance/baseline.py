"""Baselines and result diffs: adopt the tool on a legacy system by failing only on what is new.

A finding's identity is its *fingerprint*: sha256 over rule, subject, where (JSON pointer; else
METHOD path; else system->peer; else URL; else file:line) and message. Line numbers are used only
when nothing steadier exists, so editing a spec above a finding does not make it "new".
Errored outcomes (a rule that could not run) take part too, keyed by rule and subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .model import Finding, Outcome, RunResult, Severity, Status

EXIT_OK, EXIT_FAIL = 0, 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """A finding (or an errored outcome) with its subject, comparable across runs."""

    rule: str
    subject: str
    where: str
    message: str
    severity: Severity
    waived: bool
    kind: str = "finding"  # "finding" | "error"

    @property
    def fingerprint(self) -> str:
        return _hash(self.rule, self.subject, self.where, self.message)

    @property
    def place(self) -> str:
        """Identity without the message: a finding whose wording changed is 'changed', not new+fixed."""
        return _hash(self.rule, self.subject, self.where)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "subject": self.subject, "where": self.where, "message": self.message,
                "severity": self.severity.value, "waived": self.waived, "kind": self.kind,
                "fingerprint": self.fingerprint}


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def where_key(f: Finding) -> str:
    loc = f.location
    if loc.pointer is not None:
        return loc.pointer
    if loc.method or loc.path:
        return f"{(loc.method or '').upper()} {loc.path or ''}"
    if loc.system:
        return f"{loc.system}->{loc.peer or ''}"
    if loc.url:
        return loc.url
    if loc.file:
        return f"{loc.file}:{loc.line or 0}"
    return ""


def fingerprint(f: Finding, subject: str) -> str:
    return _hash(f.rule, subject, where_key(f), f.message)


def items(result: RunResult) -> list[Item]:
    out: list[Item] = []
    for o in result.outcomes:
        if o.status in (Status.FAILED, Status.WAIVED):
            out.extend(Item(rule=f.rule, subject=o.subject, where=where_key(f), message=f.message,
                            severity=f.severity, waived=f.waiver is not None) for f in o.findings)
        elif o.status is Status.ERROR:
            out.append(_error_item(o))
    return sorted(out, key=lambda i: (i.subject, i.rule, i.where, i.message))


def _error_item(o: Outcome) -> Item:
    # The crash text often carries volatile detail; the rule and subject are what matter.
    return Item(rule=o.rule, subject=o.subject, where="", message="rule could not run", severity=o.severity,
                waived=False, kind="error")


def new_findings(result: RunResult, baseline: RunResult) -> list[Item]:
    """Unwaived findings (and errored outcomes) of ``result`` that ``baseline`` did not have."""
    known = {i.fingerprint for i in items(baseline)}
    return [i for i in items(result) if not i.waived and i.fingerprint not in known]


def baseline_exit_code(result: RunResult, baseline: RunResult | str, fail_on: str = "error") -> int:
    """1 when a *new* finding is at or above ``fail_on``; what the baseline already had is tolerated.
    For ``lint --baseline``: pass the loaded baseline or its path."""
    if isinstance(baseline, str):
        baseline = load_result(baseline)
    threshold = Severity(fail_on).rank
    return EXIT_FAIL if any(i.severity.rank >= threshold for i in new_findings(result, baseline)) else EXIT_OK


def load_result(path: str) -> RunResult:
    """A saved JSON result (read as JSON by ``yamlio``, then the versioned result contract)."""
    from . import yamlio
    from .errors import SpecLoadError
    from .reporters import json as json_report

    try:
        data = yamlio.load_file(path).data
    except SpecLoadError as exc:
        raise UsageError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    if not isinstance(data, dict):
        raise UsageError("not a conformance result (expected a JSON object)", file=path)
    try:
        return json_report.from_dict(data)
    except UsageError as exc:
        raise UsageError(exc.message, file=path) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"not a conformance result: {type(exc).__name__}: {exc}", file=path) from None


@dataclass(frozen=True, slots=True)
class Diff:
    new: list[Item]
    fixed: list[Item]
    changed: list[tuple[Item, Item, list[str]]]  # (old, new, fields that changed)

    def to_dict(self) -> dict[str, Any]:
        return {"new": [i.to_dict() for i in self.new], "fixed": [i.to_dict() for i in self.fixed],
                "changed": [{"old": a.to_dict(), "new": b.to_dict(), "fields": fields}
                            for a, b, fields in self.changed],
                "counts": {"new": len(self.new), "fixed": len(self.fixed), "changed": len(self.changed)}}


def diff(old: RunResult, new: RunResult) -> Diff:
    """Findings fixed (only in old), new (only in new) and changed (same place; message, severity
    or waiver differs). Pairing is by fingerprint first, then by place in sorted order."""
    a, b = items(old), items(new)
    by_fp_a = _index(a, "fingerprint")
    by_fp_b = _index(b, "fingerprint")
    changed: list[tuple[Item, Item, list[str]]] = []
    rest_a: list[Item] = []
    rest_b: list[Item] = []
    for fp in sorted(set(by_fp_a) | set(by_fp_b)):
        xs, ys = by_fp_a.get(fp, []), by_fp_b.get(fp, [])
        for x, y in zip(xs, ys, strict=False):  # the surplus is new or fixed
            fields = _changed_fields(x, y)
            if fields:
                changed.append((x, y, fields))
        rest_a.extend(xs[len(ys):])
        rest_b.extend(ys[len(xs):])
    by_place_a, by_place_b = _index(rest_a, "place"), _index(rest_b, "place")
    fixed: list[Item] = []
    added: list[Item] = []
    for place in sorted(set(by_place_a) | set(by_place_b)):
        xs, ys = by_place_a.get(place, []), by_place_b.get(place, [])
        for x, y in zip(xs, ys, strict=False):
            changed.append((x, y, _changed_fields(x, y)))
        fixed.extend(xs[len(ys):])
        added.extend(ys[len(xs):])
    key = _sort_key
    return Diff(new=sorted(added, key=key), fixed=sorted(fixed, key=key),
                changed=sorted(changed, key=lambda t: key(t[1])))


def _sort_key(i: Item) -> tuple[str, str, str, str]:
    return (i.subject, i.rule, i.where, i.message)


def _index(xs: Iterable[Item], attr: str) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for x in sorted(xs, key=_sort_key):
        out.setdefault(getattr(x, attr), []).append(x)
    return out


def _changed_fields(x: Item, y: Item) -> list[str]:
    return [name for name in ("message", "severity", "waived") if getattr(x, name) != getattr(y, name)]


def render_diff_text(d: Diff) -> str:
    def line(tag: str, i: Item, extra: str = "") -> str:
        where = f" {i.where}" if i.where else ""
        return f"{tag:<8}{i.severity.value:<8}{i.rule} {i.subject}{where}: {i.message}{extra}\n"

    out = [line("new", i) for i in d.new] + [line("fixed", i) for i in d.fixed]
    for a, b, fields in d.changed:
        what = ", ".join(f"{f} {_show(getattr(a, f))} -> {_show(getattr(b, f))}"
                         for f in fields if f != "message")
        if "message" in fields:
            what = (what + "; " if what else "") + f"was: {a.message}"
        out.append(line("changed", b, f" ({what})"))
    out.append(f"{len(d.new)} new, {len(d.fixed)} fixed, {len(d.changed)} changed\n")
    return "".join(out)


def _show(v: object) -> str:
    return v.value if isinstance(v, Severity) else str(v).lower()
