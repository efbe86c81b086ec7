"""``SystemGraph``: the inventory as a graph, its queries, analyses and exports.

The only module that imports networkx. Two graphs are kept:

* ``flows``: a multigraph of the declared connections, consumer -> provider, keyed by the
  connection's index (two connections may join the same pair);
* ``deps``: "X needs Y to work": consumer -> provider, plus consumer -> the platform instance
  carrying the flow (a flow over the LGSP breaks when the LGSP is down). Impact and single points
  of failure are read from it. It is a may-break view: conservative, not a simulation.

Everything returned is sorted, so outputs are deterministic.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

import networkx as nx

from .errors import InventoryError
from .inventory import CHANNEL_KIND, LAYERS, Connection, Inventory, System, build_inventory

BETWEENNESS_EXACT_LIMIT = 500  # above this many systems, betweenness is sampled (k pivots, fixed seed)


@dataclass(frozen=True, slots=True)
class Impact:
    system: str
    direct: tuple[str, ...]  # systems that call it or route through it
    transitive: tuple[str, ...]  # everything that breaks, direct included


@dataclass(frozen=True, slots=True)
class Spof:
    articulation_points: tuple[str, ...]
    betweenness: tuple[tuple[str, float], ...]  # highest first
    sampled: bool


class SystemGraph:
    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.systems: dict[str, System] = {s.id: s for s in inventory.systems}
        self.connections: tuple[Connection, ...] = inventory.connections
        self._by_kind: dict[str, list[System]] = defaultdict(list)
        for s in sorted(inventory.systems, key=lambda s: s.id):
            self._by_kind[s.kind].append(s)
        self.flows = nx.MultiDiGraph()
        self.flows.add_nodes_from(sorted(self.systems))
        self._out: dict[str, list[Connection]] = defaultdict(list)
        self._in: dict[str, list[Connection]] = defaultdict(list)
        for c in self.connections:
            self.flows.add_edge(c.source, c.target, key=c.index)
            self._out[c.source].append(c)
            self._in[c.target].append(c)
        self.deps = nx.DiGraph()
        self.deps.add_nodes_from(sorted(self.systems))
        for c in self.connections:
            if c.source != c.target:
                self.deps.add_edge(c.source, c.target)
            platform = self.platform_for(c)
            if platform is not None and platform not in (c.source, c.target):
                self.deps.add_edge(c.source, platform)

    @classmethod
    def from_inventory(cls, inventory: Inventory) -> SystemGraph:
        return cls(inventory)

    # -- queries -----------------------------------------------------------------------------
    def system(self, system_id: str) -> System:
        try:
            return self.systems[system_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(system_id, list(self.systems), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InventoryError(f"no system {system_id!r} in the inventory{hint}",
                                 file=self.inventory.path) from None

    def of_kind(self, *kinds: str) -> list[System]:
        return [s for k in sorted(kinds) for s in self._by_kind.get(k, ())]

    def outgoing(self, system_id: str) -> list[Connection]:
        """Connections where the system is the consumer."""
        return self._out.get(system_id, [])

    def incoming(self, system_id: str) -> list[Connection]:
        """Connections where the system is the provider."""
        return self._in.get(system_id, [])

    def neighbours(self, system_id: str) -> set[str]:
        return {c.target for c in self.outgoing(system_id)} | {c.source for c in self.incoming(system_id)}

    def is_isolated(self, system_id: str) -> bool:
        """No connection and no flow carried (a platform named by other flows is not isolated)."""
        return self.deps.degree(system_id) == 0

    def linked(self, a: str, b: str) -> list[Connection]:
        """Connections between two systems, either direction."""
        return [c for c in self.outgoing(a) if c.target == b] + [c for c in self.incoming(a) if c.source == b]

    def platform_for(self, conn: Connection) -> str | None:
        """The platform instance carrying a connection: ``via`` if given, else the only system of the
        channel's kind, else (LGSP) the one in the consumer's province or owned by its owner."""
        if conn.via is not None:
            return conn.via
        kind = CHANNEL_KIND.get(conn.channel)
        if kind is None:
            return None
        candidates = self._by_kind.get(kind, [])
        if len(candidates) == 1:
            return candidates[0].id
        for end in (conn.source, conn.target):
            s = self.systems[end]
            for match in (lambda p: p.province is not None and p.province == s.province,
                          lambda p: p.owner == s.owner):
                found = [p.id for p in candidates if match(p)]
                if len(found) == 1:
                    return found[0]
        return None

    # -- analysis ----------------------------------------------------------------------------
    def impact(self, system_id: str) -> Impact:
        """Everything that breaks, directly or transitively, when ``system_id`` goes down."""
        self.system(system_id)
        direct = sorted(self.deps.predecessors(system_id))
        return Impact(system=system_id, direct=tuple(direct),
                      transitive=tuple(sorted(nx.ancestors(self.deps, system_id))))

    def single_points_of_failure(self, *, top: int = 10, k: int = 48, seed: int = 0) -> Spof:
        """Articulation points of the undirected dependency graph, and the systems of highest
        betweenness. Above ``BETWEENNESS_EXACT_LIMIT`` systems betweenness uses ``k`` sampled
        pivots with a fixed seed: fast on 10,000 systems, and the same answer every run."""
        und = nx.Graph(self.deps)
        und.remove_edges_from(list(nx.selfloop_edges(und)))
        arts = tuple(sorted(nx.articulation_points(und)))
        n = und.number_of_nodes()
        sampled = n > BETWEENNESS_EXACT_LIMIT
        if n == 0:
            return Spof(articulation_points=(), betweenness=(), sampled=False)
        bc = nx.betweenness_centrality(self.deps, k=min(k, n) if sampled else None, seed=seed,
                                       normalized=True)
        ranked = sorted(((node, round(score, 6)) for node, score in bc.items() if score > 0),
                        key=lambda x: (-x[1], x[0]))
        return Spof(articulation_points=arts, betweenness=tuple(ranked[:top]), sampled=sampled)

    def paths(self, a: str, b: str, *, limit: int = 10, directed: bool = True) -> list[list[str]]:
        """Up to ``limit`` simple paths from a to b, shortest first (consumer -> provider direction
        when ``directed``; either direction otherwise)."""
        self.system(a), self.system(b)
        g = nx.DiGraph(self.flows) if directed else nx.Graph(self.flows)
        try:
            return [list(p) for p in islice(nx.shortest_simple_paths(g, a, b), limit)]
        except nx.NetworkXNoPath:
            return []

    def layer_violations(self) -> list[Connection]:
        """Connections where an infrastructure or data-platform system depends on an application or
        channel system: QĐ 3090's lower layers serve the upper ones. (An application pushing to a
        channel, e.g. a dossier system syncing with DVCQG, is the normal direction.)"""
        lower = set(LAYERS[:2])
        out = []
        for c in self.connections:
            a, b = self.systems[c.source].layer, self.systems[c.target].layer
            if a in lower and b is not None and b not in lower:
                out.append(c)
        return out

    def sync_cycles(self) -> list[list[str]]:
        """One cycle per strongly connected group of synchronous dependencies (each sorted to start
        at its smallest id)."""
        g = nx.DiGraph()
        g.add_edges_from((c.source, c.target) for c in self.connections if c.sync)
        cycles = []
        for comp in nx.strongly_connected_components(g):
            if len(comp) == 1:
                node = next(iter(comp))
                if not g.has_edge(node, node):
                    continue
            sub = g.subgraph(comp)
            start = min(comp)
            cycle = [u for u, _ in nx.find_cycle(sub, source=start)]
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
        return sorted(cycles)

    # -- exports -----------------------------------------------------------------------------
    def to_node_link(self) -> dict[str, Any]:
        """Node-link JSON: every inventory field, sorted; ``from_node_link`` reverses it exactly."""
        inv = self.inventory
        nodes = [_system_dict(s) for s in sorted(inv.systems, key=lambda s: s.id)]
        links = [_connection_dict(c) for c in inv.connections]
        graph = {"name": inv.name, "as_of": inv.as_of, "mandatory_data": list(inv.mandatory_data)}
        return {"directed": True, "multigraph": True, "graph": _drop_empty(graph), "nodes": nodes, "links": links}

    def to_json(self) -> str:
        return json.dumps(self.to_node_link(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_node_link(cls, data: Any, *, path: str = "<node-link>") -> SystemGraph:
        if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
            raise InventoryError("not a node-link graph (no 'nodes' list)", file=path)
        inv_data = {**(data.get("graph") or {}), "systems": data["nodes"],
                    "connections": data.get("links") or []}
        return cls(build_inventory(inv_data, path=path, locate=lambda _p: (path, None)))

    def to_graphml(self) -> str:
        g = nx.MultiDiGraph()
        for node in self.to_node_link()["nodes"]:
            g.add_node(node["id"], **{k: _scalar(v) for k, v in node.items() if k != "id"})
        for i, link in enumerate(self.to_node_link()["links"]):
            attrs = {k: _scalar(v) for k, v in link.items() if k not in ("from", "to")}
            g.add_edge(link["from"], link["to"], key=str(i), **attrs)
        buf = io.BytesIO()
        nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True)
        return buf.getvalue().decode("utf-8")

    def to_dot(self) -> str:
        lines = ["digraph inventory {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];']
        for s in sorted(self.systems.values(), key=lambda s: s.id):
            shape = ', shape=hexagon' if s.is_platform else ""
            lines.append(f"  {_q(s.id)} [label={_q(s.name + chr(10) + s.kind)}{shape}];")
        for c in self.connections:
            style = "" if c.channel != "direct" else ", style=dashed"
            lines.append(f"  {_q(c.source)} -> {_q(c.target)} [label={_q(c.channel)}{style}];")
        lines.append("}")
        return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _scalar(v: Any) -> Any:
    return v if isinstance(v, (str, int, float, bool)) else json.dumps(v, ensure_ascii=False, sort_keys=True)


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], (), {}, False)}


def _system_dict(s: System) -> dict[str, Any]:
    d = asdict(s)
    d.pop("spec_paths"), d.pop("line")
    d["data_domains"] = [_drop_empty({"domain": x.domain, "authoritative": x.authoritative,
                                      "synced_from": x.synced_from, "class": x.data_class})
                         for x in s.data_domains]
    d["dr_attestations"] = [_drop_empty(asdict(a)) for a in s.dr_attestations]
    return _drop_empty({k: list(v) if isinstance(v, tuple) else v for k, v in d.items()})


def _connection_dict(c: Connection) -> dict[str, Any]:
    fields: Any = list(c.fields["*"]) if set(c.fields) == {"*"} else {k: list(v) for k, v in c.fields.items()}
    d = {"from": c.source, "to": c.target, "channel": c.channel, "via": c.via, "data_items": list(c.data_items),
         "sync": c.sync, "operations": list(c.operations), "fields": fields, "agreement": c.agreement}
    return _drop_empty(d)

