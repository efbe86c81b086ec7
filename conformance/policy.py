"""Onboarding policy: which profiles each kind and tier of system must pass, with thresholds.

A policy file (YAML or JSON, ``builtin/schemas/policy.schema.json``)::

    policy: lgsp-hung-yen
    version: "2026.1"
    platform: LGSP
    requirements:
      - kind: dossier-system
        tier: province
        profiles:
          - {profile: vn-core, max_errors: 0, max_warnings: 10}
          - {profile: security, max_errors: 0}
      - kind: "*"
        tier: "*"
        profiles: [{profile: vn-full}]

``evaluate`` picks the most specific entry for the system (exact kind and tier, then kind + ``*``,
``*`` + tier, ``*`` + ``*``) and admits only if every listed profile has a result within its limits.
Errors are counted as ``reporters.verdict`` counts blockers, so a gate and a report never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import yamlio
from .errors import SpecLoadError, UsageError
from .model import Outcome, RunResult, Severity, Status
from .reporters.verdict import verdict
from .schemas import validate


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileRequirement:
    profile: str
    version: str | None = None
    digest: str | None = None
    max_errors: int = 0
    max_warnings: int | None = None
    max_info: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    kind: str
    tier: str
    profiles: tuple[ProfileRequirement, ...]
    line: int | None = None

    def specificity(self, kind: str, tier: str) -> int | None:
        """2 exact kind + 1 exact tier; None when it does not apply."""
        if self.kind not in ("*", kind) or self.tier not in ("*", tier):
            return None
        return (2 if self.kind == kind else 0) + (1 if self.tier == tier else 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    name: str
    version: str
    requirements: tuple[Requirement, ...]
    platform: str = ""
    source: str = ""

    def requirement_for(self, kind: str, tier: str) -> Requirement:
        scored = [(r.specificity(kind, tier), i, r) for i, r in enumerate(self.requirements)]
        # Most specific first; among equals, the first written wins.
        best = max(((s, -i, r) for s, i, r in scored if s is not None), default=None,
                   key=lambda t: (t[0], t[1]))
        if best is None:
            kinds = sorted({r.kind for r in self.requirements})
            tiers = sorted({r.tier for r in self.requirements})
            raise UsageError(f"policy {self.name} has no entry for kind {kind!r} and tier {tier!r} "
                             f"(kinds: {', '.join(kinds)}; tiers: {', '.join(tiers)})",
                             file=self.source or None)
        return best[2]


def load_policy(path: str) -> Policy:
    try:
        loaded = yamlio.load_file(path)
    except SpecLoadError as exc:
        raise UsageError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    return build_policy(loaded.data, path=path, loaded=loaded)


def build_policy(data: Any, *, path: str, loaded: yamlio.LoadedFile | None = None) -> Policy:
    def line_of(pointer: str) -> int | None:
        pos = loaded.locate(pointer) if loaded is not None else None
        return pos[0] if pos else None

    validate(data, "policy.schema.json", file=path, what="policy", loaded=loaded, error=UsageError)
    reqs = []
    for i, raw in enumerate(data["requirements"]):
        profiles = tuple(ProfileRequirement(profile=p["profile"], version=p.get("version"),
                                            digest=p.get("digest"), max_errors=p.get("max_errors", 0),
                                            max_warnings=p.get("max_warnings"), max_info=p.get("max_info"))
                         for p in raw["profiles"])
        reqs.append(Requirement(kind=raw["kind"], tier=raw["tier"], profiles=profiles,
                                line=line_of(f"/requirements/{i}")))
    return Policy(name=data["policy"], version=str(data["version"]), requirements=tuple(reqs),
                  platform=data.get("platform", ""), source=path)


@dataclass(frozen=True, slots=True)
class Counts:
    errors: int = 0
    warnings: int = 0
    info: int = 0


def count(result: RunResult) -> Counts:
    """Unwaived problems by severity. Errors are verdict's blockers (a rule that errored at error
    severity counts as one); warnings and info count findings plus rules that errored at that level."""
    _, blockers = verdict(result)
    errors = sum(b.findings or 1 for b in blockers)
    by = {Severity.WARNING: 0, Severity.INFO: 0}
    for o in result.outcomes:
        for sev in _severities(o):
            if sev in by:
                by[sev] += 1
    return Counts(errors=errors, warnings=by[Severity.WARNING], info=by[Severity.INFO])


def _severities(o: Outcome) -> list[Severity]:
    if o.status is Status.ERROR:
        return [o.severity]
    if o.status is Status.FAILED:
        return [f.severity for f in o.findings if f.waiver is None]
    return []


@dataclass(slots=True)
class ProfileCheck:
    requirement: ProfileRequirement
    results: int = 0
    counts: Counts = field(default_factory=Counts)
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        r = self.requirement
        return {"profile": r.profile, "results": self.results, "errors": self.counts.errors,
                "warnings": self.counts.warnings, "info": self.counts.info, "max_errors": r.max_errors,
                "max_warnings": r.max_warnings, "max_info": r.max_info, "ok": not self.reasons,
                "reasons": list(self.reasons)}


@dataclass(slots=True)
class Decision:
    policy: Policy
    kind: str
    tier: str
    checks: list[ProfileCheck]
    extra_reasons: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [r for c in self.checks for r in c.reasons] + self.extra_reasons

    @property
    def admitted(self) -> bool:
        return not self.reasons

    def to_dict(self) -> dict[str, Any]:
        return {"decision": "admit" if self.admitted else "refuse",
                "policy": {"name": self.policy.name, "version": self.policy.version,
                           "platform": self.policy.platform},
                "system": {"kind": self.kind, "tier": self.tier},
                "profiles": [c.to_dict() for c in self.checks], "reasons": self.reasons}


def evaluate(policy: Policy, results: Sequence[RunResult], *, kind: str = "*", tier: str = "*") -> Decision:
    """Admit or refuse a system given its results (one or more per profile: counts add up)."""
    req = policy.requirement_for(kind, tier)
    checks: list[ProfileCheck] = []
    for pr in req.profiles:
        check = ProfileCheck(pr)
        matching = [r for r in results if r.profile.name == pr.profile]
        check.results = len(matching)
        if not matching:
            check.reasons.append(f"{pr.profile}: no result for this required profile")
        e = w = i = 0
        for r in matching:
            if pr.version is not None and r.profile.version != pr.version:
                check.reasons.append(f"{pr.profile}: result ran under version {r.profile.version}, "
                                     f"policy requires {pr.version}")
            if pr.digest is not None and r.profile.digest != pr.digest:
                check.reasons.append(f"{pr.profile}: result ran under digest {r.profile.digest}, "
                                     f"policy requires {pr.digest}")
            c = count(r)
            e, w, i = e + c.errors, w + c.warnings, i + c.info
        check.counts = Counts(e, w, i)
        for label, n, limit in (("errors", e, pr.max_errors), ("warnings", w, pr.max_warnings),
                                ("info findings", i, pr.max_info)):
            if matching and limit is not None and n > limit:
                check.reasons.append(f"{pr.profile}: {n} {label}, at most {limit} allowed")
        checks.append(check)
    # Results for profiles the policy does not ask for neither help nor hurt.
    return Decision(policy=policy, kind=kind, tier=tier, checks=checks)
