"""Graph engine: runs the profile's graph rules over one ``SystemGraph``.

Same shape as the static engine: each rule's Problems become one Outcome; a rule that raises gets
an ``error`` outcome and the others go on. Checks receive in ``ctx.extra``:

* ``as_of``: the date attestations are judged against (the inventory's ``as_of``, else the clock);
* ``specs``: a ``SpecIndex`` that loads providers' OpenAPI documents on first use, for cross-spec
  resolution (consumed operations and the response fields consumers read).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import SpecLoadError
from ..model import Kind, Outcome, Problem, RuleSpec, Subject
from ..nodes import operations
from ..registry import CheckContext, load_checks
from ..specs import SpecDocument, load_spec
from ..systems import SystemGraph
from .outcomes import error_outcome, outcome_from

MAX_FIELD_DEPTH = 8
_PARAM = re.compile(r"\{[^}/]*\}")


def subject_of(graph: SystemGraph) -> Subject:
    inv = graph.inventory
    return Subject(id=inv.path, kind="inventory", path=inv.path, title=inv.name or None,
                   sha256=inv.sha256 or None)


def check_graph(graph: SystemGraph, rules: Sequence[RuleSpec], *, as_of: _dt.date | None = None,
                raise_errors: bool = False) -> list[Outcome]:
    checks = load_checks()
    subject = graph.inventory.path
    when = as_of or _inventory_date(graph) or _dt.date.today()
    index = SpecIndex(graph)
    outcomes: list[Outcome] = []
    for rule in rules:
        if rule.kind is not Kind.GRAPH:
            continue
        ctx = CheckContext(options=rule.options, rule_id=rule.id, graph=graph,
                           extra={"as_of": when, "specs": index})
        try:
            problems: list[Problem] = list(checks[rule.check].func(graph, ctx))
        except Exception as exc:
            if raise_errors:
                raise
            outcomes.append(error_outcome(rule, subject, f"rule crashed: {type(exc).__name__}: {exc}"))
            continue
        outcomes.append(outcome_from(rule, subject, problems, applicable=True, locate=None))
    return sorted(outcomes, key=Outcome.sort_key)


def _inventory_date(graph: SystemGraph) -> _dt.date | None:
    raw = graph.inventory.as_of
    try:
        return _dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# Cross-spec resolution


@dataclass(frozen=True, slots=True)
class Operation:
    spec: str
    method: str
    path: str
    operation_id: str | None
    fields: frozenset[str]  # dotted paths declared in 2xx response bodies (arrays transparent)
    names: frozenset[str]  # every property name, for un-dotted field references
    has_schema: bool


@dataclass(slots=True)
class ProviderSpecs:
    operations: list[Operation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # specs that could not be loaded

    def find(self, ref: str) -> Operation | None:
        """``ref`` is an operationId or ``METHOD /path`` (parameter names need not match)."""
        method, _, path = ref.strip().partition(" ")
        if path.strip().startswith("/") and method.isalpha():
            want = (method.lower(), _PARAM.sub("{}", path.strip().rstrip("/") or "/"))
            for op in self.operations:
                if (op.method, _PARAM.sub("{}", op.path.rstrip("/") or "/")) == want:
                    return op
            return None
        for op in self.operations:
            if op.operation_id == ref.strip():
                return op
        return None


class SpecIndex:
    """Providers' operations, loaded on first use and cached per system."""

    def __init__(self, graph: SystemGraph) -> None:
        self.graph = graph
        self._cache: dict[str, ProviderSpecs] = {}
        self._docs: dict[str, SpecDocument | str] = {}

    def provider(self, system_id: str) -> ProviderSpecs:
        cached = self._cache.get(system_id)
        if cached is not None:
            return cached
        out = ProviderSpecs()
        for path in self.graph.systems[system_id].spec_paths:
            doc = self._load(path)
            if isinstance(doc, str):
                out.errors.append(doc)
                continue
            for node in operations(doc):
                fields, names, has_schema = _response_fields(doc, node.value)
                out.operations.append(Operation(spec=path, method=str(node.method), path=str(node.path),
                                                operation_id=node.operation_id, fields=fields, names=names,
                                                has_schema=has_schema))
        self._cache[system_id] = out
        return out

    def _load(self, path: str) -> SpecDocument | str:
        if path not in self._docs:
            try:
                self._docs[path] = load_spec(path)
            except SpecLoadError as exc:
                self._docs[path] = str(exc)
        return self._docs[path]


def _response_fields(doc: SpecDocument, op: Any) -> tuple[frozenset[str], frozenset[str], bool]:
    fields: set[str] = set()
    names: set[str] = set()
    has_schema = False
    responses = op.get("responses") if isinstance(op, dict) else None
    for code, resp in sorted((responses or {}).items()) if isinstance(responses, dict) else ():
        if not str(code).startswith("2"):
            continue
        resp, _ = doc.resolve(resp, "")
        if not isinstance(resp, dict):
            continue
        schemas = [resp.get("schema")]  # Swagger 2.0
        content = resp.get("content")
        if isinstance(content, dict):
            schemas += [m.get("schema") for m in content.values() if isinstance(m, dict)]
        for schema in schemas:
            if schema is not None:
                has_schema = True
                _collect(doc, schema, "", fields, names, 0, set())
    return frozenset(fields), frozenset(names), has_schema


def _collect(doc: SpecDocument, schema: Any, prefix: str, fields: set[str], names: set[str], depth: int,
             seen: set[int]) -> None:
    schema, _ = doc.resolve(schema, "")
    if not isinstance(schema, dict) or depth > MAX_FIELD_DEPTH or id(schema) in seen:
        return
    seen = seen | {id(schema)}
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or () if isinstance(schema.get(key), list) else ():
            _collect(doc, sub, prefix, fields, names, depth + 1, seen)
    if "items" in schema:
        _collect(doc, schema["items"], prefix, fields, names, depth + 1, seen)
    props = schema.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            dotted = f"{prefix}.{name}" if prefix else name
            fields.add(dotted)
            names.add(name)
            _collect(doc, sub, dotted, fields, names, depth + 1, seen)

