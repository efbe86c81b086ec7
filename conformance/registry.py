"""Check registry: check name -> implementation.

Rules are data (catalogue YAML); checks are code. A check is registered under a name with the
target it accepts and the options it takes (defaults plus a JSON Schema fragment); profiles bind
rules to checks by name. Third-party packs register through the ``conformance.checks`` entry-point
group: importing the module is enough, since the decorators register on import.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from .errors import ProfileError
from .model import Kind


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check receives besides its node: the whole subject and the rule's options.

    ``doc`` is a ``SpecDocument`` for static checks, ``graph`` a ``SystemGraph`` for graph checks.
    """

    options: Mapping[str, Any]
    rule_id: str
    doc: Any = None
    graph: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckImpl:
    name: str
    kind: Kind
    target: str
    func: Callable[..., Any]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    options_schema: Mapping[str, Any] = field(default_factory=dict)  # JSON Schema "properties"

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()


_REGISTRY: dict[str, CheckImpl] = {}
_LOADED = False


def _register(kind: Kind, name: str, target: str, defaults: Mapping[str, Any] | None,
              schema: Mapping[str, Any] | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = _REGISTRY.get(name)
        same = existing is not None and (existing.func.__module__, existing.func.__qualname__) == (
            func.__module__, func.__qualname__)  # re-import of the same module is fine; a clash is not
        if existing is not None and not same:
            raise ValueError(f"check {name!r} registered twice ({existing.func.__module__}, "
                             f"{func.__module__})")
        _REGISTRY[name] = CheckImpl(name=name, kind=kind, target=target, func=func,
                                    defaults=dict(defaults or {}), options_schema=dict(schema or {}))
        return func
    return deco


def static_check(name: str, *, target: str, defaults: Mapping[str, Any] | None = None,
                 schema: Mapping[str, Any] | None = None) -> Callable[..., Any]:
    """Register ``func(node, ctx) -> Iterable[Problem]`` for nodes of ``target`` kind."""
    return _register(Kind.STATIC, name, target, defaults, schema)


def live_check(name: str, *, target: str = "endpoint", defaults: Mapping[str, Any] | None = None,
               schema: Mapping[str, Any] | None = None) -> Callable[..., Any]:
    return _register(Kind.LIVE, name, target, defaults, schema)


def graph_check(name: str, *, target: str = "graph", defaults: Mapping[str, Any] | None = None,
                schema: Mapping[str, Any] | None = None) -> Callable[..., Any]:
    return _register(Kind.GRAPH, name, target, defaults, schema)


def load_checks() -> dict[str, CheckImpl]:
    """Import the built-in check modules (and installed packs) once; return the registry."""
    global _LOADED
    if not _LOADED:
        from . import checks

        for mod in pkgutil.walk_packages(checks.__path__, checks.__name__ + "."):
            importlib.import_module(mod.name)
        for ep in entry_points(group="conformance.checks"):
            try:
                ep.load()
            except Exception as exc:  # a broken pack must name itself, not crash the run
                raise ProfileError(f"check pack {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        _LOADED = True
    return _REGISTRY
