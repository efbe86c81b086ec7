"""Value types shared by every engine and reporter.

Static, live and graph checks all end up as the same ``Outcome`` and ``Finding`` types, and every
reporter reads only a ``RunResult``. The JSON form of these types is the versioned result contract
(``builtin/schemas/result.schema.json``); ``to_json``/``from_json`` live in ``reporters/json.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls(value.strip().lower())


_SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the rule crashed or the subject could not be checked
    SKIPPED = "skipped"  # not run, with a reason (e.g. document structurally invalid)
    NOT_APPLICABLE = "not_applicable"  # nothing in the subject that the rule targets
    WAIVED = "waived"  # failed, but an accountable waiver covers every finding
    MANUAL = "manual"  # needs evidence a machine cannot collect


class Confidence(enum.Enum):
    """How solid the source behind a rule is (the catalogue's confidence column)."""

    CONFIRMED = "confirmed"
    CONFIRMED_SECONDARY = "confirmed-secondary"
    OBSERVED = "observed"
    INFERRED = "inferred"
    ASSUMPTION = "assumption"

    def default_severity(self) -> Severity:
        return _CONFIDENCE_SEVERITY[self]


_CONFIDENCE_SEVERITY = {
    Confidence.CONFIRMED: Severity.ERROR,
    Confidence.CONFIRMED_SECONDARY: Severity.WARNING,
    Confidence.OBSERVED: Severity.WARNING,
    Confidence.INFERRED: Severity.WARNING,
    Confidence.ASSUMPTION: Severity.INFO,
}


class Kind(enum.Enum):
    STATIC = "static"
    LIVE = "live"
    GRAPH = "graph"


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    instrument: str  # e.g. "QCVN 120:2019/BTTTT"
    section: str = ""  # article, clause, annex item
    url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    """A text in English with an optional Vietnamese version."""

    en: str
    vi: str = ""

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" and self.vi else self.en


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSpec:
    """A rule as resolved by a profile: identity, provenance, effective severity and options."""

    id: str
    name: str
    kind: Kind
    target: str  # what the engine hands the check: document, operation, schema, endpoint, graph, ...
    check: str  # name in the check registry
    summary: Text
    rationale: Text
    requirements: tuple[str, ...]
    citations: tuple[Citation, ...]
    confidence: Confidence
    severity: Severity
    options: Mapping[str, Any] = field(default_factory=dict)
    requires_valid: bool = True  # skipped when the document fails structural validation
    tags: tuple[str, ...] = ()
    area: str = ""  # the framework area the rule belongs to (groups the report's matrix)
    since: str = "0.1.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where a finding is. Spec findings carry file/pointer (line/column resolved lazily by the
    engine); live findings carry method/path/operation; graph findings carry system/peer."""

    file: str | None = None
    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    method: str | None = None
    path: str | None = None
    operation_id: str | None = None
    url: str | None = None
    system: str | None = None
    peer: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.pointer or "",
                self.method or "", self.path or "", (self.system or "") + "\0" + (self.peer or ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """What a check yields: a message and where. No rule id, no severity: the profile decides."""

    message: str
    message_vi: str = ""
    pointer: str | None = None  # JSON pointer into the subject document (static checks)
    location: Location | None = None  # live and graph checks give a full location
    details: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None  # only to *lower* a finding (e.g. advisory parts of a rule)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    message_vi: str
    location: Location
    details: Mapping[str, Any] = field(default_factory=dict)
    waiver: Mapping[str, Any] | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.rule, self.location.sort_key(), self.message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Subject:
    """What was checked: a spec file, a live endpoint set, or an inventory."""

    id: str
    kind: str  # "spec" | "endpoint" | "inventory"
    path: str | None = None
    title: str | None = None
    version: str | None = None  # OpenAPI/Swagger version, for specs
    base_url: str | None = None
    sha256: str | None = None
    log_tail: tuple[str, ...] = ()  # last log lines of a system the harness started (launchers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    rule: str
    subject: str
    status: Status
    severity: Severity
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why skipped / error / not applicable / manual

    def sort_key(self) -> tuple[str, str]:
        return (self.subject, self.rule)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileInfo:
    name: str
    version: str
    digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    tool_version: str
    profile: ProfileInfo
    generated_at: str  # ISO 8601, from the injected clock
    subjects: tuple[Subject, ...]
    rules: tuple[RuleSpec, ...]
    outcomes: tuple[Outcome, ...]
    lang: str = "en"

    def findings(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings]

    def worst(self, *, include_waived: bool = False) -> Severity | None:
        """Highest severity among findings that count (failed and error outcomes)."""
        worst: Severity | None = None
        for o in self.outcomes:
            if o.status is Status.ERROR:
                candidates = [o.severity]
            elif o.status is Status.FAILED or (include_waived and o.status is Status.WAIVED):
                candidates = [f.severity for f in o.findings if f.waiver is None or include_waived]
            else:
                continue
            for sev in candidates:
                if worst is None or sev.rank > worst.rank:
                    worst = sev
        return worst

    def summary(self) -> dict[str, Any]:
        by_status = {s.value: 0 for s in Status}
        by_severity = {s.value: 0 for s in Severity}
        for o in self.outcomes:
            by_status[o.status.value] += 1
            if o.status is Status.FAILED:
                for f in o.findings:
                    if f.waiver is None:
                        by_severity[f.severity.value] += 1
        return {
            "outcomes": len(self.outcomes),
            "findings": sum(by_severity.values()),
            "by_status": by_status,
            "findings_by_severity": by_severity,
        }


# Pickling: outcomes cross process boundaries by the thousand (a forked child's share of a big
# document, batch and lint workers). A slotted dataclass pickles through Python-level
# __getstate__/__setstate__ (~10 µs per object); a plain tuple of field values, restored with
# object.__setattr__, is about half the cost. Frozen instances are never mutated after this.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _restore(cls: type, values: tuple[Any, ...]) -> Any:
    obj = object.__new__(cls)
    for name, value in zip(_FIELD_NAMES[cls], values):
        object.__setattr__(obj, name, value)
    return obj


def _reduce(self: Any) -> tuple[Any, ...]:
    cls = type(self)
    return _restore, (cls, tuple([getattr(self, name) for name in _FIELD_NAMES[cls]]))


for _cls in (Location, Finding, Outcome, Subject):
    _FIELD_NAMES[_cls] = tuple(_cls.__dataclass_fields__)
    _cls.__reduce__ = _reduce  # type: ignore[method-assign,assignment]
del _cls
