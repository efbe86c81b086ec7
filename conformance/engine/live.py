"""The schemathesis bridge: the only module that imports schemathesis.

It turns a spec into schemathesis operations and cases (examples first, then derandomised
generated ones), derives a malformed variant of a case, reads the spec's declared ``links`` and
builds the linked case from a response (for ``engine/stateful.py``), and looks up schemathesis's own
checks by name. Sending, budgets and outcomes live in ``engine/runner.py``; ``run_live`` is
re-exported here as the live engine's entry point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from schemathesis import GenerationMode

from .runner import Credentials, LiveOptions, LiveReport, run_live

__all__ = ["Credentials", "Link", "LiveOptions", "LiveReport", "cases", "declared_links", "follow",
           "load_schema", "malformed", "operations", "run_live", "st_check"]

SAFE = ("GET", "HEAD", "OPTIONS")


class SchemaError(Exception):
    """schemathesis could not read the document."""


def load_schema(data: Mapping[str, Any]) -> Any:
    # The spec's `servers` are never used: every call passes base_url explicitly (runner.py).
    try:
        return schemathesis.openapi.from_dict(dict(data))
    except Exception as exc:  # schemathesis raises its own loader errors
        raise SchemaError(f"schemathesis cannot load the document: {exc}") from exc


def operations(schema: Any, *, full: bool) -> list[Any]:
    out = []
    for result in schema.get_all_operations():
        try:
            op = result.ok()
        except Exception:  # an operation schemathesis cannot model is skipped, not fatal
            continue
        if full or op.method.upper() in SAFE:
            out.append(op)
    return sorted(out, key=lambda o: (o.path, o.method.upper()))


def _draw(strategy: Any, n: int) -> list[Any]:
    """Up to n cases from a strategy, reproducibly (derandomize, no example database)."""
    found: list[Any] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def collect(case: Any) -> None:
        found.append(case)

    try:
        collect()
    except (HypothesisException, Exception):  # unsatisfiable schemas yield fewer cases, not a crash
        pass
    return found


def cases(schema: Any, op: Any, n: int, *, full: bool) -> list[Any]:
    """The spec's examples first (they name real records), then generated positive cases; in full
    mode negative cases too. Duplicates (same method, path, query and body) are dropped."""
    out: list[Any] = []
    try:
        examples = schema.get_strategies_from_examples(op)
    except Exception:
        examples = []
    if examples:
        out += _draw(st.one_of(examples), max(1, n // 2))
    out += _draw(op.as_strategy(generation_mode=GenerationMode.POSITIVE), n)
    if full:
        out += _draw(op.as_strategy(generation_mode=GenerationMode.NEGATIVE), n)
    seen: set[str] = set()
    unique = []
    for case in out:
        key = repr((case.method, case.formatted_path, sorted((case.query or {}).items(), key=str),
                    case.body if not callable(case.body) else None))
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique[: n * (3 if full else 2)]


def _resolve(root: Any, value: Any) -> Any:
    for _ in range(16):
        if not (isinstance(value, Mapping) and isinstance(value.get("$ref"), str) and value["$ref"].startswith("#/")):
            return value
        try:
            value = root.get(value["$ref"][1:])
        except Exception:
            return {}
    return {}


def _invalid_value(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return "not-a-number"
    if isinstance(schema.get("enum"), list):
        return "__not_in_enum__"
    if isinstance(schema.get("pattern"), str) or "format" in schema:
        return "!!invalid!!"
    if kind == "boolean":
        return "not-a-boolean"
    return None


def malformed(case: Any, doc: Any) -> tuple[Any, str] | None:
    """A copy of a GET case with one query parameter made invalid, and that parameter's name."""
    op = _resolve(doc, (doc.data.get("paths") or {}).get(case.operation.path, {})).get(case.method.lower(), {})
    params = list(op.get("parameters") or [])
    item = (doc.data.get("paths") or {}).get(case.operation.path, {})
    params += list(item.get("parameters") or []) if isinstance(item, dict) else []
    for raw in params:
        param = _resolve(doc, raw)
        if not isinstance(param, Mapping) or param.get("in") != "query":
            continue
        schema = _resolve(doc, param.get("schema") or {})
        bad = _invalid_value(schema) if isinstance(schema, Mapping) else None
        if bad is not None:
            name = str(param.get("name"))
            return case.derive(query={**(case.query or {}), name: bad}, keep_auth=False), name
    return None


@lru_cache(maxsize=None)
def st_check(name: str) -> Any:
    from schemathesis import checks as core
    from schemathesis.specs.openapi import checks as oas

    return getattr(oas, name, None) or getattr(core, name, None)


# --- links (stateful sequences) -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Link:
    """One link the spec declares on a response, between two selected operations."""

    name: str
    status: str  # the response key it hangs off: "201", "2XX" or "default"
    source: Any  # schemathesis APIOperation
    target: Any
    declared: frozenset[str]  # every response key of the source, to decide what "default" covers
    impl: Any  # schemathesis OpenApiLink: parses and evaluates the runtime expressions

    @property
    def label(self) -> str:
        return f"{self.source.label} -[{self.status} {self.name}]-> {self.target.label}"

    def matches(self, status: int) -> bool:
        key = self.status.upper()
        if key == str(status):
            return True
        if len(key) == 3 and key.endswith("XX"):
            return key[0] == str(status)[0] and str(status) not in self.declared
        code = str(status)
        return key == "DEFAULT" and code not in self.declared and f"{code[0]}XX" not in self.declared


def declared_links(schema: Any, ops: list[Any]) -> tuple[list[Link], list[str]]:
    """The links the document declares among ``ops`` (never links schemathesis would infer: the spec
    is what is under test), in a stable order, and why any declared link was skipped."""
    from schemathesis.specs.openapi.stateful.links import OpenApiLink

    selected = {op.label for op in ops}
    cache: dict[str, Any] = {}
    out: list[Link] = []
    skipped: list[str] = []
    for op in ops:
        try:
            responses = sorted(op.responses.items(), key=lambda item: str(item[0]))
        except Exception:  # an operation whose responses schemathesis cannot read has no usable links
            continue
        declared = frozenset(str(code).upper() for code, _ in responses)
        for code, response in responses:
            for name, definition in sorted(response.iter_links(), key=lambda item: str(item[0])):
                try:
                    impl = OpenApiLink(str(name), str(code), dict(definition), op, cache)
                except Exception as exc:  # InvalidTransition: unknown target, bad expression or parameter
                    why = " ".join(str(exc).split())[:200]
                    skipped.append(f"link {name} on {op.label} {code} skipped: {why}")
                    continue
                if impl.is_inferred or impl.target.label not in selected:
                    continue
                out.append(Link(name=str(name), status=str(code), source=op, target=impl.target,
                                declared=declared, impl=impl))
    return out, skipped


def follow(link: Link, case: Any, response: Any) -> Any:
    """The target operation's case with the values the link's runtime expressions take from this
    (case, response) pair, the rest generated positive; or a string saying why it cannot be built.
    The link's ``server`` is never used: the runner always sends to the base URL."""
    from schemathesis.core.result import Ok
    from schemathesis.core.transforms import UNRESOLVABLE
    from schemathesis.generation.stateful.state_machine import StepOutput

    try:
        transition = link.impl.extract(StepOutput(response=response, case=case))
    except Exception as exc:  # a response the expressions cannot be evaluated against
        return f"{link.label}: cannot evaluate the link ({type(exc).__name__})"
    overrides: dict[str, dict[str, Any]] = {}
    for container, params in sorted(transition.parameters.items()):
        for name, extracted in sorted(params.items()):
            value = extracted.value.ok() if isinstance(extracted.value, Ok) else UNRESOLVABLE
            if value is UNRESOLVABLE or value is None:
                if extracted.is_required:
                    return (f"{link.label}: {extracted.definition} did not resolve in the "
                            f"HTTP {response.status_code} response")
                continue
            overrides.setdefault(container, {})[name] = value
    body: Any = NOT_SET_BODY
    extracted_body = transition.request_body
    if extracted_body is not None and isinstance(extracted_body.value, Ok):
        body = extracted_body.value.ok()
        body = NOT_SET_BODY if body is UNRESOLVABLE else body
    kwargs: dict[str, Any] = {k: overrides.get(k) for k in ("path_parameters", "query", "headers", "cookies")}
    if body is not NOT_SET_BODY:
        kwargs["body"] = body
    drawn = _draw(link.target.as_strategy(generation_mode=GenerationMode.POSITIVE, **kwargs), 1)
    if not drawn:
        return f"{link.label}: no valid request could be generated for the target"
    return drawn[0]


NOT_SET_BODY: Any = object()  # sentinel: the link declares no requestBody
