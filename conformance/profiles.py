"""Rule catalogue and profiles: loading, validation, ``extends`` resolution, digests.

Merge semantics (the whole of them):

* The catalogue (``builtin/catalog/*.yaml``) defines every rule once: identity, citation,
  confidence, check and default options. Default severity follows confidence.
* A profile names its parents in ``extends`` (built-in names or paths relative to the profile
  file). Parents apply left to right, then the profile itself.
* ``include`` enables rules: ids, globs (``SEC*``), ``tag:NAME``, ``kind:static|live|graph``, ``*``.
* ``rules`` overrides by id: a severity string sets the severity (and enables the rule); ``off`` or
  ``false`` disables it; ``true`` enables it; a mapping may give ``severity`` and ``options``
  (options deep-merge over the inherited ones).
* An id the catalogue does not know is an error that suggests the closest id; an ``extends`` cycle
  is an error that shows the cycle; options are validated against the check's schema here, before
  anything runs.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from . import yamlio
from .builtin_data import parse_builtin
from .errors import ProfileError, SpecLoadError
from .model import Citation, Confidence, Kind, ProfileInfo, RuleSpec, Severity, Text
from .registry import CheckImpl, load_checks
from .schemas import fast_valid_inline, schema_errors, validate

_BUILTIN = resources.files("conformance") / "builtin"


def _text(value: Any) -> Text:
    if isinstance(value, str):
        return Text(en=value)
    if isinstance(value, dict):
        return Text(en=str(value.get("en", "")), vi=str(value.get("vi", "")))
    return Text(en="")


# ---------------------------------------------------------------------------------------------
# Catalogue


@dataclass(frozen=True, slots=True)
class Catalogue:
    rules: Mapping[str, RuleSpec]  # with default severity and options
    sources: Mapping[str, str]  # rule id -> catalogue file
    areas: Mapping[str, Text]  # area id -> title
    retired: Mapping[str, str]  # retired id -> reason

    def suggest(self, rule_id: str) -> str:
        close = difflib.get_close_matches(rule_id, list(self.rules) + list(self.retired), n=1)
        return f"; did you mean {close[0]}?" if close else ""


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    checks = load_checks()
    rules: dict[str, RuleSpec] = {}
    sources: dict[str, str] = {}
    areas: dict[str, Text] = {}
    retired_file = _BUILTIN / "retired.yaml"
    retired_data = parse_builtin("retired.yaml", retired_file.read_text("utf-8")) or {}
    retired = {str(k): str(v) for k, v in (retired_data.get("retired") or {}).items()}
    for entry in sorted((_BUILTIN / "catalog").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        name = f"builtin/catalog/{entry.name}"
        loaded = yamlio.LoadedFile(path=name, text=entry.read_text("utf-8"), fmt="yaml", data=None,
                                   sha256="")
        loaded.data = parse_builtin(f"catalog/{entry.name}", loaded.text, path=name)
        validate(loaded.data, "catalog.schema.json", file=name, what="rule catalogue", loaded=loaded)
        area_id = entry.name.removesuffix(".yaml")
        if "area" in loaded.data:
            areas[area_id] = _text(loaded.data["area"])
        for rule_id, raw in loaded.data["rules"].items():
            if rule_id in rules:
                raise ProfileError(f"rule {rule_id} defined twice (also in {sources[rule_id]})", file=name)
            if rule_id in retired:
                raise ProfileError(f"rule id {rule_id} is retired ({retired[rule_id]}); ids are never "
                                   "reused", file=name)
            impl = checks.get(raw["check"])
            if impl is None:
                close = difflib.get_close_matches(raw["check"], list(checks), n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise ProfileError(f"rule {rule_id} names unknown check {raw['check']!r}{hint}", file=name)
            if impl.kind.value != raw["kind"]:
                raise ProfileError(f"rule {rule_id} is {raw['kind']} but check {impl.name!r} is "
                                   f"{impl.kind.value}", file=name)
            options = _merge_options(impl, dict(impl.defaults), raw.get("options") or {},
                                     rule_id=rule_id, file=name)
            confidence = Confidence(raw["confidence"])
            rules[rule_id] = RuleSpec(
                id=rule_id, name=raw["name"], kind=Kind(raw["kind"]), target=impl.target,
                check=impl.name, summary=_text(raw["summary"]), rationale=_text(raw["rationale"]),
                requirements=tuple(raw["requirements"]),
                citations=tuple(Citation(instrument=c["instrument"], section=c.get("section", ""),
                                         url=c.get("url", "")) for c in raw["citations"]),
                confidence=confidence, severity=confidence.default_severity(), options=options,
                requires_valid=bool(raw.get("requires_valid", True)), tags=tuple(raw.get("tags", ())),
                area=str(raw.get("area", area_id)), since=str(raw.get("since", "0.1.0")))
            sources[rule_id] = name
    return Catalogue(rules=dict(sorted(rules.items())), sources=sources, areas=areas, retired=retired)


def _merge_options(impl: CheckImpl, base: dict[str, Any], override: Mapping[str, Any], *,
                   rule_id: str, file: str) -> dict[str, Any]:
    allowed = set(impl.defaults) | set(impl.options_schema)
    for key in override:
        if key not in allowed:
            valid = ", ".join(sorted(allowed)) or "none"
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ProfileError(f"rule {rule_id}: unknown option {key!r}{hint} (valid: {valid})", file=file)
    merged = _deep_merge(base, override)
    if impl.options_schema:
        schema = {"type": "object", "properties": dict(impl.options_schema)}
        errors = [] if fast_valid_inline(schema, merged) else list(schema_errors(schema, merged))
        if errors:
            e = errors[0]
            where = "/".join(str(p) for p in e.absolute_path)
            raise ProfileError(f"rule {rule_id}: option {where}: {e.message}", file=file)
    return merged


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


# ---------------------------------------------------------------------------------------------
# Profiles


@dataclass(frozen=True, slots=True)
class ResolvedProfile:
    name: str
    version: str
    title: Text
    description: Text
    applies_to: Text
    rules: Mapping[str, RuleSpec]  # enabled rules only, sorted by id
    chain: tuple[str, ...]  # the profile and its ancestors, in application order
    source: str  # "builtin:NAME" or a file path
    provenance: Mapping[str, str] = field(default_factory=dict)  # rule id -> profile that set it last

    @property
    def digest(self) -> str:
        return profile_digest(self)

    def info(self) -> ProfileInfo:
        return ProfileInfo(name=self.name, version=self.version, digest=self.digest)


def profile_digest(profile: ResolvedProfile) -> str:
    """sha256 over what decides outcomes: each enabled rule's identity, severity, options and
    citation. Two runs under the same digest applied the same rules the same way."""
    canon = [
        {"id": r.id, "check": r.check, "kind": r.kind.value, "severity": r.severity.value,
         "options": r.options, "requirements": list(r.requirements), "confidence": r.confidence.value,
         "requires_valid": r.requires_valid}
        for r in profile.rules.values()
    ]
    blob = json.dumps({"name": profile.name, "version": profile.version, "rules": canon},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def builtin_profile_names() -> list[str]:
    return sorted(e.name.removesuffix(".yaml") for e in (_BUILTIN / "profiles").iterdir()
                  if e.name.endswith(".yaml"))


def _read_profile(ref: str, *, relative_to: str | None) -> tuple[str, Any, yamlio.LoadedFile | None, str]:
    """Returns (display name of source, data, loaded file for line numbers, base folder)."""
    name = ref.removeprefix("builtin:")
    looks_like_path = ref.endswith((".yaml", ".yml", ".json")) or os.sep in ref or "/" in ref
    if not ref.startswith("builtin:") and looks_like_path:
        path = ref if relative_to is None or os.path.isabs(ref) else os.path.join(relative_to, ref)
        try:
            loaded = yamlio.load_file(path)
        except SpecLoadError as exc:
            raise ProfileError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
        return path, loaded.data, loaded, os.path.dirname(os.path.abspath(path))
    entry = _BUILTIN / "profiles" / f"{name}.yaml"
    if not entry.is_file():
        names = builtin_profile_names()
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]}?" if close else f" (built-in profiles: {', '.join(names)})"
        raise ProfileError(f"unknown profile {ref!r}{hint}")
    src = f"builtin:{name}"
    text = entry.read_text("utf-8")
    loaded = yamlio.LoadedFile(path=src, text=text, fmt="yaml",
                               data=parse_builtin(f"profiles/{name}.yaml", text, path=src), sha256="")
    return src, loaded.data, loaded, relative_to or ""


def resolve_profile(ref: str, *, catalogue: Catalogue | None = None) -> ResolvedProfile:
    catalogue = catalogue or load_catalogue()
    return _resolve(ref, catalogue, stack=(), relative_to=None)


def _resolve(ref: str, cat: Catalogue, *, stack: tuple[str, ...], relative_to: str | None) -> ResolvedProfile:
    source, data, loaded, base = _read_profile(ref, relative_to=relative_to)
    key = source if source.startswith("builtin:") else os.path.realpath(source)
    if key in stack:
        cycle = " -> ".join([*stack[stack.index(key):], key])
        raise ProfileError(f"extends cycle: {cycle}", file=source)
    validate(data, "profile.schema.json", file=source, what="profile", loaded=loaded)
    enabled: dict[str, RuleSpec] = {}
    provenance: dict[str, str] = {}
    chain: list[str] = []
    for parent_ref in data.get("extends", []):
        parent = _resolve(parent_ref, cat, stack=(*stack, key), relative_to=base)
        for rule_id, spec in parent.rules.items():
            enabled[rule_id] = spec
            provenance[rule_id] = parent.provenance.get(rule_id, parent.name)
        chain.extend(c for c in parent.chain if c not in chain)
    name = data["profile"]
    for pattern in data.get("include", []):
        matched = _match(pattern, cat)
        if not matched:
            raise ProfileError(f"include {pattern!r} matches no rule{cat.suggest(pattern)}", file=source,
                               line=_line(loaded, "/include"))
        for rule_id in matched:
            if rule_id not in enabled:
                enabled[rule_id] = cat.rules[rule_id]
                provenance[rule_id] = name
    for rule_id, override in (data.get("rules") or {}).items():
        line = _line(loaded, yamlio.join_pointer("/rules", rule_id))
        if rule_id not in cat.rules:
            why = f" (retired: {cat.retired[rule_id]})" if rule_id in cat.retired else cat.suggest(rule_id)
            raise ProfileError(f"unknown rule {rule_id}{why}", file=source, line=line)
        current = enabled.get(rule_id, cat.rules[rule_id])
        severity: str | None = None
        options: Mapping[str, Any] | None = None
        if isinstance(override, bool):
            severity = None if override else "off"
        elif isinstance(override, str):
            severity = override
        else:
            severity = override.get("severity")
            options = override.get("options")
        if severity == "off":
            enabled.pop(rule_id, None)
            provenance.pop(rule_id, None)
            continue
        if severity is not None:
            current = replace(current, severity=Severity.parse(severity))
        if options is not None:
            impl = load_checks()[current.check]
            try:
                merged = _merge_options(impl, dict(current.options), options, rule_id=rule_id, file=source)
            except ProfileError as exc:
                raise ProfileError(exc.message, file=source, line=line) from None
            current = replace(current, options=merged)
        enabled[rule_id] = current
        provenance[rule_id] = name
    chain.append(name)
    return ResolvedProfile(
        name=name, version=str(data["version"]), title=_text(data.get("title", name)),
        description=_text(data.get("description", "")), applies_to=_text(data.get("applies_to", "")),
        rules=dict(sorted(enabled.items())), chain=tuple(chain), source=source, provenance=provenance)


def _line(loaded: yamlio.LoadedFile | None, pointer: str) -> int | None:
    if loaded is None:
        return None
    pos = loaded.locate(pointer)
    return pos[0] if pos else None


def _match(pattern: str, cat: Catalogue) -> list[str]:
    if pattern == "*":
        return list(cat.rules)
    if pattern.startswith("tag:"):
        tag = pattern[4:]
        return [r.id for r in cat.rules.values() if tag in r.tags]
    if pattern.startswith("kind:"):
        kind = pattern[5:]
        return [r.id for r in cat.rules.values() if r.kind.value == kind]
    if pattern.startswith("area:"):
        area = pattern[5:]
        return [r.id for r in cat.rules.values() if r.area == area]
    return [rid for rid in cat.rules if fnmatch.fnmatchcase(rid, pattern)]


def diff_profiles(old: ResolvedProfile, new: ResolvedProfile) -> dict[str, list[dict[str, Any]]]:
    """Rules added, removed, and changed in severity or options between two resolved profiles."""
    added = [{"rule": r} for r in new.rules if r not in old.rules]
    removed = [{"rule": r} for r in old.rules if r not in new.rules]
    changed = []
    for rule_id in sorted(set(old.rules) & set(new.rules)):
        a, b = old.rules[rule_id], new.rules[rule_id]
        if a.severity != b.severity:
            changed.append({"rule": rule_id, "field": "severity", "old": a.severity.value, "new": b.severity.value})
        if dict(a.options) != dict(b.options):
            changed.append({"rule": rule_id, "field": "options", "old": dict(a.options), "new": dict(b.options)})
    return {"added": added, "removed": removed, "changed": changed}
