"""SystemGraph: queries, impact, SPOF, paths, layers, cycles and exports (round-trip)."""

from __future__ import annotations

import json
import os

import pytest

from conformance.errors import InventoryError
from conformance.inventory import load_inventory, parse_inventory
from conformance.systems import SystemGraph
from tests.conftest import ROOT

SAMPLE = os.path.join(ROOT, "fixtures", "inventories", "sample-province", "inventory.yaml")

CHAIN = """
systems:
  - {id: app, owner: P, kind: internal-app, layer: applications-business}
  - {id: svc, owner: P, kind: dossier-system, layer: applications-business}
  - {id: db, owner: M, kind: national-database, layer: data-platforms}
  - {id: lgsp, owner: P, kind: lgsp, layer: data-platforms}
  - {id: other, owner: Q, kind: internal-app, layer: applications-business}
connections:
  - {from: app, to: svc, channel: direct, sync: true}
  - {from: svc, to: db, channel: LGSP, sync: true}
  - {from: db, to: other, channel: direct}
"""


@pytest.fixture(scope="module")
def chain() -> SystemGraph:
    return SystemGraph(parse_inventory(CHAIN))


def test_impact_follows_consumers_transitively(chain: SystemGraph) -> None:
    imp = chain.impact("db")
    assert imp.direct == ("svc",)
    assert imp.transitive == ("app", "svc")
    # A flow carried over the LGSP breaks when the LGSP is down.
    assert chain.impact("lgsp").transitive == ("app", "svc")
    assert chain.impact("app").transitive == ()


def test_unknown_system_suggests(chain: SystemGraph) -> None:
    with pytest.raises(InventoryError, match="did you mean 'svc'"):
        chain.impact("svcc")


def test_paths_and_layers(chain: SystemGraph) -> None:
    assert chain.paths("app", "db") == [["app", "svc", "db"]]
    assert chain.paths("db", "app") == []
    assert chain.paths("db", "app", directed=False) == [["db", "svc", "app"]]
    assert [(c.source, c.target) for c in chain.layer_violations()] == [("db", "other")]


def test_spof_finds_articulation_points(chain: SystemGraph) -> None:
    sp = chain.single_points_of_failure()
    assert "svc" in sp.articulation_points and "db" in sp.articulation_points
    assert not sp.sampled
    assert sp.betweenness[0][0] in sp.articulation_points


def test_sync_cycles_are_reported_once_from_smallest_id() -> None:
    g = SystemGraph(parse_inventory("""
systems: [{id: c, owner: o, kind: portal}, {id: a, owner: o, kind: portal}, {id: b, owner: o, kind: portal}]
connections:
  - {from: a, to: b, channel: direct, sync: true}
  - {from: b, to: c, channel: direct, sync: true}
  - {from: c, to: a, channel: direct, sync: true}
  - {from: c, to: b, channel: direct, sync: false}
"""))
    assert g.sync_cycles() == [["a", "b", "c"]]


def test_json_round_trip_is_identical() -> None:
    g = SystemGraph(load_inventory(SAMPLE))
    first = g.to_json()
    again = SystemGraph.from_node_link(json.loads(first), path=SAMPLE)
    assert again.to_json() == first
    data = json.loads(first)
    assert len(data["nodes"]) == len(g.systems) and len(data["links"]) == len(g.connections)


def test_graphml_and_dot_exports_parse() -> None:
    import xml.etree.ElementTree as ET

    g = SystemGraph(load_inventory(SAMPLE))
    root = ET.fromstring(g.to_graphml().encode("utf-8"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == len(g.systems)
    assert len(root.findall(".//g:edge", ns)) == len(g.connections)
    dot = g.to_dot()
    assert dot.startswith("digraph") and dot.count(" -> ") == len(g.connections)
    assert g.to_graphml() == g.to_graphml() and dot == g.to_dot()


def test_big_graph_betweenness_is_sampled_and_deterministic() -> None:
    import sys

    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from gen_inventory import generate

    from conformance.inventory import build_inventory

    data = generate(800, 2500, seed=3)
    g = SystemGraph(build_inventory(data, path="big.json", locate=lambda p: ("big.json", None)))
    a, b = g.single_points_of_failure(k=16), g.single_points_of_failure(k=16)
    assert a.sampled and a == b
