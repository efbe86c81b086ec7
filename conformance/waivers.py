"""Accountable waivers: a failed finding someone with authority has accepted, until a date.

A waivers file (YAML or JSON, ``builtin/schemas/waivers.schema.json``)::

    waivers_version: 1
    waivers:
      - rule: SEC001
        subject: "specs/*.yaml"          # subject id or glob; default "*"
        location: "/paths/~1hoso/get"    # see below; default "*"
        reason: "Legacy endpoint, retired with the new LGSP connector"
        approved_by: "Nguyễn Văn A, Sở KH&CN"
        expires: "2026-06-30"            # last day it counts (inclusive)
        ticket: "LGSP-1234"

``location`` is one of:

* a JSON pointer (starts with ``/``): the finding's pointer is that node or below it;
* ``FILE:LINE``: the finding's file matches FILE (glob) and its line is LINE;
* ``METHOD PATH`` (``GET /hoso/{id}``): live findings for that operation (PATH may be a glob);
* ``SYSTEM->PEER``: graph findings on that connection (either side may be a glob);
* ``*``: every location.

A waiver without reason, approver or expiry date is refused when the file is loaded (one line naming
file and line). Applying waivers never deletes anything: a waived finding keeps its place and gains
``waiver = {approved_by, expires, reason, ticket}``; an expired waiver is ignored and reported.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import yamlio
from .errors import SpecLoadError, UsageError
from .model import Finding, Location, Outcome, RunResult, Status
from .schemas import validate

_REQUIRED = ("rule", "reason", "approved_by", "expires")


@dataclass(frozen=True, slots=True, kw_only=True)
class Waiver:
    rule: str
    reason: str
    approved_by: str
    expires: _dt.date
    subject: str = "*"
    location: str = "*"
    ticket: str = ""
    source: str = ""  # "file:line", for messages

    def expired(self, today: _dt.date) -> bool:
        return today > self.expires

    def record(self) -> dict[str, str]:
        """What a waived finding carries (the JSON result's ``waiver`` object)."""
        return {"approved_by": self.approved_by, "expires": self.expires.isoformat(), "reason": self.reason,
                "ticket": self.ticket}

    def describe(self) -> str:
        return (f"{self.source}: {self.rule} {self.subject} {self.location} "
                f"(expires {self.expires.isoformat()})")

    def matches(self, rule: str, subject: str, loc: Location) -> bool:
        return (rule.upper() == self.rule.upper() and fnmatch.fnmatchcase(subject, self.subject)
                and location_matches(self.location, loc))


def location_matches(pattern: str, loc: Location) -> bool:
    pattern = pattern.strip()
    if pattern == "*":
        return True
    if pattern.startswith("/"):
        # Token boundary, so /paths/~1a does not also cover /paths/~1ab.
        return loc.pointer is not None and (loc.pointer == pattern or loc.pointer.startswith(pattern + "/"))
    if "->" in pattern:
        system, _, peer = (p.strip() for p in pattern.partition("->"))
        return (loc.system is not None and fnmatch.fnmatchcase(loc.system, system)
                and fnmatch.fnmatchcase(loc.peer or "", peer))
    method, sep, path = pattern.partition(" ")
    if sep and method.isalpha():
        return (loc.method is not None and loc.method.upper() == method.upper()
                and loc.path is not None and fnmatch.fnmatchcase(loc.path, path.strip()))
    file, sep, line = pattern.rpartition(":")
    if sep and line.isdigit():
        return (loc.file is not None and loc.line == int(line)
                and fnmatch.fnmatchcase(loc.file.replace("\\", "/"), file.replace("\\", "/")))
    return False


def _valid_location(pattern: str) -> bool:
    p = pattern.strip()
    if p == "*" or p.startswith("/") or "->" in p:
        return True
    method, sep, _ = p.partition(" ")
    if sep and method.isalpha():
        return True
    _, sep, line = p.rpartition(":")
    return bool(sep) and line.isdigit()


def load_waivers(path: str, *, limits: yamlio.Limits = yamlio.DEFAULT_LIMITS) -> list[Waiver]:
    try:
        loaded = yamlio.load_file(path, limits=limits)
    except SpecLoadError as exc:
        raise UsageError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    return build_waivers(loaded.data, path=path, loaded=loaded)


def parse_waivers(text: str, *, path: str = "<waivers>.yaml") -> list[Waiver]:
    try:
        data = yamlio.parse(text, path=path)
    except SpecLoadError as exc:
        raise UsageError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    loaded = yamlio.LoadedFile(path=path, text=text, fmt=yamlio.guess_format(path, text), data=data,
                               sha256="")
    return build_waivers(data, path=path, loaded=loaded)


def build_waivers(data: Any, *, path: str, loaded: yamlio.LoadedFile | None = None) -> list[Waiver]:
    def line_of(pointer: str) -> int | None:
        pos = loaded.locate(pointer) if loaded is not None else None
        return pos[0] if pos else None

    def fail(message: str, pointer: str) -> UsageError:
        return UsageError(message, file=path, line=line_of(pointer))

    # Missing accountability fields get their own message before any other schema complaint.
    entries = data.get("waivers") if isinstance(data, dict) else None
    if isinstance(entries, list):
        for i, raw in enumerate(entries):
            if isinstance(raw, dict):
                missing = [k for k in _REQUIRED if not str(raw.get(k) or "").strip()]
                if missing:
                    raise fail(f"waiver {i + 1} has no {', '.join(missing)} (every waiver needs rule, "
                               "reason, approved_by and expires)", f"/waivers/{i}")
    validate(data, "waivers.schema.json", file=path, what="waivers file", loaded=loaded, error=UsageError)
    out: list[Waiver] = []
    for i, raw in enumerate(data["waivers"]):
        pointer = f"/waivers/{i}"
        try:
            expires = _dt.date.fromisoformat(raw["expires"])
        except ValueError:
            raise fail(f"waiver {i + 1}: expires {raw['expires']!r} is not a date",
                       pointer + "/expires") from None
        location = raw.get("location", "*")
        if not _valid_location(location):
            raise fail(f"waiver {i + 1}: location {location!r} is not a /pointer, FILE:LINE, METHOD PATH, "
                       "SYSTEM->PEER or *", pointer + "/location")
        line = line_of(pointer)
        out.append(Waiver(rule=raw["rule"], reason=raw["reason"].strip(),
                          approved_by=raw["approved_by"].strip(),
                          expires=expires, subject=raw.get("subject", "*"), location=location,
                          ticket=raw.get("ticket", ""), source=f"{path}:{line}" if line else path))
    return out


def _strip(result: RunResult) -> RunResult:
    """The result as if no waiver had ever been applied, so re-applying later re-judges expiry."""
    outcomes = []
    for o in result.outcomes:
        findings = tuple(replace(f, waiver=None) if f.waiver is not None else f for f in o.findings)
        status = Status.FAILED if o.status is Status.WAIVED else o.status
        outcomes.append(replace(o, findings=findings, status=status))
    return replace(result, outcomes=tuple(outcomes))


def apply_waivers(result: RunResult, waivers: Sequence[Waiver], *, today: _dt.date) -> RunResult:
    """Mark findings covered by an unexpired waiver; an outcome all of whose findings are waived
    becomes WAIVED. Waivers already in ``result`` are re-judged (an expired one stops counting)."""
    result = _strip(result)
    active = [w for w in waivers if not w.expired(today)]
    outcomes: list[Outcome] = []
    for o in result.outcomes:
        if o.status is not Status.FAILED or not active:
            outcomes.append(o)
            continue
        findings: list[Finding] = []
        for f in o.findings:
            w = next((w for w in active if w.matches(f.rule, o.subject, f.location)), None)
            findings.append(replace(f, waiver=w.record()) if w is not None else f)
        status = Status.WAIVED if findings and all(f.waiver is not None for f in findings) else o.status
        outcomes.append(replace(o, findings=tuple(findings), status=status))
    return replace(result, outcomes=tuple(outcomes))


@dataclass(frozen=True, slots=True)
class WaiverUse:
    expired: tuple[Waiver, ...]  # past their date: they no longer count
    unused: tuple[Waiver, ...]  # active, but matched nothing (stale, or a typo)
    expired_matching: tuple[Waiver, ...]  # expired and would still match a finding: now failing again


def waiver_use(result: RunResult, waivers: Iterable[Waiver], *, today: _dt.date) -> WaiverUse:
    pairs = [(o.subject, f) for o in _strip(result).outcomes if o.status is Status.FAILED for f in o.findings]
    expired, unused, expired_matching = [], [], []
    for w in waivers:
        hit = any(w.matches(f.rule, subject, f.location) for subject, f in pairs)
        if w.expired(today):
            expired.append(w)
            if hit:
                expired_matching.append(w)
        elif not hit:
            unused.append(w)
    return WaiverUse(tuple(expired), tuple(unused), tuple(expired_matching))


def parse_date(text: str, *, option: str = "--today") -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not an ISO date (YYYY-MM-DD)") from None
