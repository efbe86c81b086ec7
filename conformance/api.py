"""The one entry point the CLI and the pytest plugin use.

Everything here takes plain arguments and returns a ``RunResult``; nothing prints, nothing exits.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from . import __version__
from .collector import document_gc
from .engine.static import check_document, load_error_outcomes, subject_of
from .errors import SpecLoadError, UsageError
from .model import Outcome, RuleSpec, RunResult, Subject
from .profiles import ResolvedProfile, load_catalogue, resolve_profile
from .specs import RefPolicy, load_spec
from .yamlio import DEFAULT_LIMITS, Limits

Clock = Callable[[], _dt.datetime]
DEFAULT_PROFILE = "vn-full"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_LOOKS_LIKE_OPENAPI = re.compile(rb'(^|[\s{,])"?(openapi|swagger)"?\s*:', re.MULTILINE)


def default_clock() -> _dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds' convention), in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return _dt.datetime.now(tz=_dt.timezone.utc).replace(microsecond=0)


def timestamp(clock: Clock) -> str:
    return clock().astimezone(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadProblem:
    """A document that could not be read: reported, and the run goes on with the others."""

    path: str
    message: str


@dataclass(slots=True, kw_only=True)
class LintReport:
    result: RunResult
    load_problems: list[LoadProblem] = field(default_factory=list)


def collect_specs(paths: Sequence[str]) -> list[str]:
    """Expand folders into the OpenAPI documents they hold (sorted, so runs are repeatable).

    A file named explicitly is always linted; in a folder, a YAML/JSON file that does not mention
    `openapi`/`swagger` at all is taken for a fragment or an unrelated file and left out."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = []
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.lower().endswith(SPEC_SUFFIXES):
                        full = os.path.join(dirpath, name)
                        if _looks_like_openapi(full):
                            found.append(full)
            if not found:
                raise UsageError("no OpenAPI documents (.yaml, .yml, .json) in this folder", file=path)
            out.extend(found)
        elif os.path.exists(path):
            out.append(path)
        else:
            raise UsageError("no such file or folder", file=path)
    return [os.path.normpath(p) for p in out]


def _looks_like_openapi(path: str) -> bool:
    """The key usually comes first, but JSON keys may be in any order (Stripe's sorted spec puts
    `openapi` after megabytes of `components`): look at the head, then at the whole file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
            if _LOOKS_LIKE_OPENAPI.search(head):
                return True
            rest = fh.read(DEFAULT_LIMITS.max_bytes)
    except OSError:
        return True  # let the loader report it properly
    return bool(_LOOKS_LIKE_OPENAPI.search(head[-64:] + rest))


def lint(paths: Sequence[str], *, profile: str | ResolvedProfile = DEFAULT_PROFILE,
         clock: Clock = default_clock, limits: Limits = DEFAULT_LIMITS, refs: RefPolicy | None = None,
         progress: Callable[[str], None] | None = None, raise_errors: bool = False,
         lang: str = "en", jobs: int = 1) -> LintReport:
    """Run the profile's static rules over documents (files or folders); ``jobs`` > 1 lints several
    documents at once in worker processes (the API default stays in-process: callers that run
    threads, like the demo's reference service, must not fork)."""
    resolved = profile if isinstance(profile, ResolvedProfile) else resolve_profile(profile)
    files = collect_specs(paths)
    rules = list(resolved.rules.values())
    subjects: list[Subject] = []
    outcomes: list[Outcome] = []
    problems: list[LoadProblem] = []
    if jobs > 1 and len(files) > 1 and not raise_errors:
        results = _lint_parallel(files, rules, limits, refs, jobs, progress)
    else:
        results = []
        for path in files:
            if progress is not None:
                progress(path)
            # one document at a time: a big one may split its rules over a second process
            results.append(_lint_one(path, rules, limits, refs, raise_errors, workers=jobs))
    for subject, subject_outcomes, problem in results:
        subjects.append(subject)
        outcomes.extend(subject_outcomes)
        if problem is not None:
            problems.append(problem)
    result = make_result(resolved, subjects, outcomes, clock=clock, lang=lang)
    return LintReport(result=result, load_problems=sorted(problems, key=lambda p: p.path))


_OneResult = tuple[Subject, list[Outcome], "LoadProblem | None"]


def _lint_one(path: str, rules: list[RuleSpec], limits: Limits, refs: RefPolicy | None,
              raise_errors: bool = False, workers: int = 1) -> _OneResult:
    with document_gc() as loaded:
        try:
            doc = load_spec(path, limits=limits, refs=refs)
        except SpecLoadError as exc:
            return (Subject(id=path, kind="spec", path=path), load_error_outcomes(path, str(exc), rules),
                    LoadProblem(path=path, message=str(exc)))
        loaded()
        return subject_of(doc), check_document(doc, rules, raise_errors=raise_errors, workers=workers), None


def _lint_parallel(files: Sequence[str], rules: list[RuleSpec], limits: Limits, refs: RefPolicy | None,
                   jobs: int, progress: Callable[[str], None] | None) -> list[_OneResult]:
    """One document per task in worker processes (static rules are CPU-bound and the GIL would
    serialise threads). Results are re-sorted by the caller, so the bytes do not depend on timing.
    Largest files first, so a big one does not start last and hold the run."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    order = sorted(files, key=lambda f: -os.path.getsize(f) if os.path.exists(f) else 0)
    out: list[_OneResult] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
        futures = {pool.submit(_lint_one, path, rules, limits, refs): path for path in order}
        for future in as_completed(futures):
            if progress is not None:
                progress(futures[future])
            out.append(future.result())
    return out


def make_result(profile: ResolvedProfile, subjects: Iterable[Subject], outcomes: Iterable[Outcome], *,
                clock: Clock, lang: str = "en") -> RunResult:
    subjects = sorted(subjects, key=lambda s: s.id)
    return RunResult(tool_version=__version__, profile=profile.info(), generated_at=timestamp(clock),
                     subjects=tuple(subjects), rules=tuple(profile.rules.values()),
                     outcomes=tuple(sorted(outcomes, key=Outcome.sort_key)), lang=lang)


def list_rules(profile: str | None = None) -> list[RuleSpec]:
    if profile is None:
        return list(load_catalogue().rules.values())
    return list(resolve_profile(profile).rules.values())


def explain(rule_id: str) -> RuleSpec:
    cat = load_catalogue()
    key = rule_id.upper()
    if key in cat.rules:
        return cat.rules[key]
    for rule in cat.rules.values():  # by name too, as ruff does
        if rule.name == rule_id:
            return rule
    raise UsageError(f"unknown rule {rule_id}{cat.suggest(key)}")
