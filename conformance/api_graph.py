"""API for the dependency map: load an inventory, run the profile's graph rules, return a RunResult.

Kept apart from ``api`` so the static path never imports networkx; ``api`` re-exports it.
"""

from __future__ import annotations

from .api import DEFAULT_PROFILE, Clock, default_clock, make_result
from .engine.graph import check_graph, subject_of
from .inventory import load_inventory
from .model import RunResult
from .profiles import ResolvedProfile, resolve_profile
from .systems import SystemGraph


def load_graph(inventory_path: str, connections: str | None = None) -> SystemGraph:
    """An inventory file, CSV folder or CSV pair as a ``SystemGraph`` (raises InventoryError)."""
    return SystemGraph(load_inventory(inventory_path, connections))


def graph_check(inventory_path: str | SystemGraph, *, profile: str | ResolvedProfile = DEFAULT_PROFILE,
                clock: Clock = default_clock, connections: str | None = None, lang: str = "en",
                raise_errors: bool = False) -> RunResult:
    """Run the profile's graph rules over an inventory. Attestation dates are judged against the
    inventory's ``as_of`` when it has one, else against the clock's date."""
    resolved = profile if isinstance(profile, ResolvedProfile) else resolve_profile(profile)
    graph = inventory_path if isinstance(inventory_path, SystemGraph) else load_graph(inventory_path, connections)
    outcomes = check_graph(graph, list(resolved.rules.values()), as_of=None if graph.inventory.as_of
                           else clock().date(), raise_errors=raise_errors)
    return make_result(resolved, [subject_of(graph)], outcomes, clock=clock, lang=lang)
