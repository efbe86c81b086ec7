"""An offline view of the dependency map: an embeddable HTML fragment (inline SVG drawn by a small
script), and a standalone page around it.

Embeddable by construction: every class starts with ``gv-`` and every CSS selector is scoped under
the fragment's root; all JS is one IIFE reading its data from a JSON block (no globals, no inline
event handlers); ``nonce`` goes on the <style> and <script> tags so a report whose CSP allows only
its own nonce can include it. No network: no CDN, no fonts, no images.

Legible at 1,000+ systems: rows are QĐ 3090's four layers; commune-level systems collapse into one
cluster per province, agencies with many systems into one cluster per agency (click to expand);
when still too many boxes remain, every multi-system agency starts collapsed. Edges between
visible boxes are aggregated. Search highlights and expands matches; findings outline in red.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter, defaultdict
from typing import Any

from ..inventory import LAYERS
from ..model import RunResult
from ..systems import SystemGraph

AGENCY_CLUSTER_MIN = 12  # an agency with this many systems starts collapsed
MAX_VISIBLE = 250  # above this, every agency with two or more systems starts collapsed

_LAYER_LABELS = {
    "en": {"infrastructure-security": "Infrastructure & security", "data-platforms": "Data & core platforms",
           "applications-business": "Shared applications & business", "channels-measurement": "Channels & measurement",
           "": "Not placed"},
    "vi": {"infrastructure-security": "Hạ tầng số và an toàn thông tin", "data-platforms": "Dữ liệu và nền tảng cốt lõi",
           "applications-business": "Ứng dụng và nghiệp vụ dùng chung", "channels-measurement": "Kênh tương tác và đo lường",
           "": "Chưa xếp lớp"},
}
_WORDS = {
    "en": {"search": "Search systems, agencies, codes…", "only": "only with findings", "communes": "communes of",
           "systems": "systems", "expand": "click to expand", "findings": "findings", "hint":
           "Click a cluster to expand or collapse it; click a system to see its connections."},
    "vi": {"search": "Tìm hệ thống, cơ quan, mã…", "only": "chỉ hệ thống có phát hiện", "communes": "xã, phường thuộc",
           "systems": "hệ thống", "expand": "bấm để mở rộng", "findings": "phát hiện", "hint":
           "Bấm vào cụm để mở rộng/thu gọn; bấm vào hệ thống để xem các kết nối."},
}


def view_data(graph: SystemGraph, result: RunResult | None = None, *, lang: str = "en") -> dict[str, Any]:
    """The JSON the script draws: systems, clusters, connections and findings (all sorted)."""
    words = _WORDS["vi" if lang == "vi" else "en"]
    from ..codelists import province_name

    findings: dict[str, list[str]] = defaultdict(list)
    bad_edges: set[tuple[str, str]] = set()
    for f in result.findings() if result is not None else ():
        if f.location.system:
            text = f.message_vi if lang == "vi" and f.message_vi else f.message
            findings[f.location.system].append(f"{f.rule}: {text}")
            if f.location.peer:
                bad_edges.add((f.location.system, f.location.peer))
    systems = sorted(graph.systems.values(), key=lambda s: (s.province or "", s.owner, s.id))
    per_owner = Counter(s.owner for s in systems if s.level != "commune")
    clusters: dict[str, dict[str, Any]] = {}
    nodes = []
    for s in systems:
        if s.level == "commune":
            key = f"communes:{s.province or '-'}"
            label = f"{words['communes']} {province_name(s.province) or s.province or '?'}"
        elif per_owner[s.owner] >= 2:
            key, label = f"agency:{s.owner}", s.owner_name or s.owner
        else:
            key, label = "", ""
        if key:
            c = clusters.setdefault(key, {"id": key, "label": label, "layers": Counter(), "size": 0,
                                          "commune": key.startswith("communes:")})
            c["layers"][s.layer or ""] += 1
            c["size"] += 1
        nodes.append({"id": s.id, "name": s.name, "kind": s.kind, "layer": s.layer or "", "owner": s.owner,
                      "owner_name": s.owner_name, "province": s.province or "", "commune": s.commune or "",
                      "level": s.level or "", "cluster": key, "findings": sorted(findings.get(s.id, []))})
    visible = sum(1 for n in nodes if not n["cluster"]) + len(clusters)
    out_clusters = []
    for c in sorted(clusters.values(), key=lambda c: c["id"]):
        collapsed = c["commune"] or c["size"] >= AGENCY_CLUSTER_MIN or visible + sum(
            x["size"] - 1 for x in clusters.values()) > MAX_VISIBLE
        layer = sorted(c["layers"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out_clusters.append({"id": c["id"], "label": c["label"], "layer": layer, "size": c["size"],
                             "collapsed": bool(collapsed)})
    edges = [[c.source, c.target, c.channel, int((c.source, c.target) in bad_edges)] for c in graph.connections]
    return {"layers": [*LAYERS, ""], "layer_labels": _LAYER_LABELS["vi" if lang == "vi" else "en"],
            "words": words, "nodes": nodes, "clusters": out_clusters, "edges": edges}


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_view_html(graph: SystemGraph, *, result: RunResult | None = None, nonce: str | None = None,
                    lang: str = "en") -> str:
    """An HTML fragment (one <div> root with its <style> and <script>) drawing the dependency map."""
    data = _json_for_script(view_data(graph, result, lang=lang))
    uid = "gv-" + hashlib.sha256(data.encode("utf-8")).hexdigest()[:10]
    attr = f' nonce="{html.escape(nonce, quote=True)}"' if nonce else ""
    words = _WORDS["vi" if lang == "vi" else "en"]
    return (f'<div class="gv-root" id="{uid}">\n<style{attr}>{_CSS.replace(".gv-root", "#" + uid)}</style>\n'
            f'<div class="gv-bar"><input class="gv-search" type="search" placeholder="{html.escape(words["search"])}">'
            f'<label class="gv-only"><input type="checkbox" class="gv-only-box"> {html.escape(words["only"])}</label>'
            f'<span class="gv-hint">{html.escape(words["hint"])}</span></div>\n'
            f'<div class="gv-canvas"></div><div class="gv-detail" hidden></div>\n'
            f'<script type="application/json" class="gv-data">{data}</script>\n'
            f'<script{attr}>{_JS}</script>\n</div>\n')


def graph_view_page(graph: SystemGraph, *, result: RunResult | None = None, lang: str = "en") -> str:
    """A standalone page around the fragment, under a strict CSP (only its own nonce may run). The
    nonce is derived from the content so the file is reproducible; a static file has no injection
    point for a guessed nonce to help with."""
    body = graph_view_html(graph, result=result, lang=lang, nonce="N")
    nonce = hashlib.sha256(body.encode("utf-8")).hexdigest()[:24]
    body = body.replace(' nonce="N"', f' nonce="{nonce}"')
    title = html.escape(graph.inventory.name or graph.inventory.path)
    csp = f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'"
    return (f'<!DOCTYPE html>\n<html lang="{"vi" if lang == "vi" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n<title>{title}</title>\n</head>\n'
            f'<body>\n{body}</body>\n</html>\n')


_CSS = """
.gv-root{font:13px/1.3 system-ui,sans-serif;color:#1d2733;border:1px solid #d0d7de;border-radius:6px;background:#fff}
.gv-root .gv-bar{display:flex;gap:12px;align-items:center;padding:8px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
.gv-root .gv-search{width:280px;padding:4px 6px;font:inherit}
.gv-root .gv-hint{color:#57606a;font-size:12px}
.gv-root .gv-canvas{overflow:auto;max-height:860px}
.gv-root svg{display:block}
.gv-root .gv-lane{fill:#f6f8fa;stroke:#eaeef2}
.gv-root .gv-lane-label{font-weight:600;fill:#57606a;font-size:12px}
.gv-root .gv-node rect{fill:#fff;stroke:#8c959f;stroke-width:1}
.gv-root .gv-node text{font-size:11px;fill:#1d2733;pointer-events:none}
.gv-root .gv-node .gv-sub{fill:#57606a;font-size:10px}
.gv-root .gv-node{cursor:pointer}
.gv-root .gv-platform rect{fill:#ddf4ff;stroke:#0969da}
.gv-root .gv-national rect{fill:#fff8c5;stroke:#9a6700}
.gv-root .gv-cluster rect{fill:#eef1f4;stroke:#57606a;stroke-dasharray:4 2}
.gv-root .gv-bad rect{stroke:#cf222e;stroke-width:2.5}
.gv-root .gv-badge{fill:#cf222e}
.gv-root .gv-badge-text{fill:#fff;font-size:10px;font-weight:700}
.gv-root .gv-hit rect{stroke:#8250df;stroke-width:3}
.gv-root .gv-dim{opacity:.18}
.gv-root .gv-edge{fill:none;stroke:#8c959f;stroke-opacity:.35}
.gv-root .gv-edge-bad{stroke:#cf222e;stroke-opacity:.8}
.gv-root .gv-many .gv-edge{stroke-opacity:.1}
.gv-root .gv-many .gv-edge-bad{stroke-opacity:.25}
.gv-root .gv-edge-on,.gv-root .gv-many .gv-edge-on{stroke:#0969da;stroke-opacity:.9}
.gv-root .gv-detail{border-top:1px solid #d0d7de;padding:8px;max-height:220px;overflow:auto;font-size:12px}
.gv-root .gv-detail li{margin:2px 0}
"""

_JS = r"""
(function () {
  "use strict";
  var root = document.currentScript.parentNode;
  var data = JSON.parse(root.querySelector(".gv-data").textContent);
  var NS = "http://www.w3.org/2000/svg", W = 1360, NW = 212, NH = 38, GX = 10, GY = 10, LANE_PAD = 34;
  var byId = {}, clusters = {}, expanded = {}, query = "", onlyBad = false, selected = null;
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  data.clusters.forEach(function (c) { clusters[c.id] = c; expanded[c.id] = !c.collapsed; c.bad = 0; });
  data.nodes.forEach(function (n) { if (n.cluster && n.findings.length) { clusters[n.cluster].bad += 1; } });
  var canvas = root.querySelector(".gv-canvas"), detail = root.querySelector(".gv-detail");
  function el(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function matches(n) {
    if (!query) { return false; }
    return (n.id + " " + n.name + " " + n.owner + " " + n.owner_name + " " + n.commune + " " + n.kind)
      .toLowerCase().indexOf(query) >= 0;
  }
  function visibleOf(n) { return n.cluster && !expanded[n.cluster] && !matches(n) ? n.cluster : n.id; }
  function label(text, max) { return text.length > max ? text.slice(0, max - 1) + "\u2026" : text; }
  function draw() {
    canvas.textContent = "";
    var boxes = {}, lanes = {}, order = [];
    data.nodes.forEach(function (n) {
      if (onlyBad && !n.findings.length && !matches(n)) { return; }
      var v = visibleOf(n);
      if (!boxes[v]) {
        var c = clusters[v];
        boxes[v] = c ? {id: v, cluster: c, layer: c.layer, label: c.label, sub: c.size + " " + data.words.systems,
                        bad: c.bad, hit: false}
                     : {id: v, node: n, layer: n.layer, label: n.name, sub: n.kind + " \u00b7 " + n.id,
                        bad: n.findings.length, hit: matches(n)};
        order.push(boxes[v]);
        (lanes[boxes[v].layer] = lanes[boxes[v].layer] || []).push(boxes[v]);
      }
      if (boxes[v].cluster && matches(n)) { boxes[v].hit = true; }
    });
    var perRow = Math.floor((W - 24) / (NW + GX)), y = 8, svg = el("svg", {width: W, role: "img"}, null);
    var laneG = el("g", {}, svg), edgeG = el("g", {}, svg), nodeG = el("g", {}, svg);
    data.layers.forEach(function (layer) {
      var items = lanes[layer] || [];
      if (!items.length) { return; }
      var rows = Math.ceil(items.length / perRow), h = rows * (NH + GY) + LANE_PAD;
      el("rect", {x: 4, y: y, width: W - 8, height: h - 6, "class": "gv-lane"}, laneG);
      var t = el("text", {x: 12, y: y + 16, "class": "gv-lane-label"}, laneG);
      t.textContent = data.layer_labels[layer] + " (" + items.length + ")";
      items.forEach(function (b, i) {
        b.x = 14 + (i % perRow) * (NW + GX);
        b.y = y + 24 + Math.floor(i / perRow) * (NH + GY);
      });
      y += h;
    });
    svg.setAttribute("height", y + 8);
    var agg = {};
    data.edges.forEach(function (e) {
      var a = byId[e[0]], b = byId[e[1]];
      if (!a || !b) { return; }
      var va = visibleOf(a), vb = visibleOf(b);
      if (va === vb || !boxes[va] || !boxes[vb]) { return; }
      var k = va + "\u0000" + vb;
      agg[k] = agg[k] || {a: boxes[va], b: boxes[vb], n: 0, bad: 0};
      agg[k].n += 1; agg[k].bad += e[3];
    });
    var linked = {};
    if (Object.keys(agg).length > 150) { svg.setAttribute("class", "gv-many"); }
    Object.keys(agg).sort().forEach(function (k) {
      var g = agg[k], x1 = g.a.x + NW / 2, y1 = g.a.y + NH / 2, x2 = g.b.x + NW / 2, y2 = g.b.y + NH / 2;
      var on = selected && (g.a.id === selected || g.b.id === selected);
      if (on) { linked[g.a.id] = linked[g.b.id] = true; }
      var cls = "gv-edge" + (g.bad ? " gv-edge-bad" : "") + (on ? " gv-edge-on" : "");
      var mx = (x1 + x2) / 2 + (y2 - y1) * 0.15, my = (y1 + y2) / 2 - (x2 - x1) * 0.15;
      var p = el("path", {d: "M" + x1 + "," + y1 + " Q" + mx + "," + my + " " + x2 + "," + y2, "class": cls,
                          "stroke-width": Math.min(1 + Math.log(g.n) * 1.2, 6).toFixed(1)}, edgeG);
      if (selected && !on) { p.setAttribute("class", cls + " gv-dim"); }
      var tt = el("title", {}, p); tt.textContent = g.a.label + " \u2192 " + g.b.label + " (" + g.n + ")";
    });
    order.forEach(function (b) {
      var cls = "gv-node" + (b.cluster ? " gv-cluster" : "") + (b.bad ? " gv-bad" : "") + (b.hit ? " gv-hit" : "");
      if (b.node && /^(lgsp|ndxp|ndop|vxp)$/.test(b.node.kind)) { cls += " gv-platform"; }
      if (b.node && /^(dvcqg|vneid|national-database|national-general-database|codelist-service)$/.test(b.node.kind)) {
        cls += " gv-national";
      }
      if ((query && !b.hit) || (selected && !linked[b.id] && b.id !== selected)) { cls += " gv-dim"; }
      var g = el("g", {"class": cls, transform: "translate(" + b.x + "," + b.y + ")", tabindex: 0}, nodeG);
      g.dataset.id = b.id;
      el("rect", {width: NW, height: NH, rx: 5}, g);
      var t1 = el("text", {x: 6, y: 15}, g); t1.textContent = label((b.cluster ? (expanded[b.id] ? "\u25be " : "\u25b8 ") : "") + b.label, 34);
      var t2 = el("text", {x: 6, y: 30, "class": "gv-sub"}, g); t2.textContent = label(b.sub, 40);
      if (b.bad) {
        el("circle", {cx: NW - 4, cy: 2, r: b.bad > 9 ? 11 : 8, "class": "gv-badge"}, g);
        var bt = el("text", {x: NW - 4, y: 5.5, "text-anchor": "middle", "class": "gv-badge-text"}, g);
        bt.textContent = b.bad > 99 ? "99+" : String(b.bad);
      }
      var tip = el("title", {}, g);
      tip.textContent = b.label + (b.cluster ? " (" + data.words.expand + ")" : "\n" + b.node.id);
    });
    canvas.appendChild(svg);
  }
  function show(id) {
    var n = byId[id];
    if (!n) { detail.hidden = true; return; }
    detail.hidden = false; detail.textContent = "";
    var h = document.createElement("strong"); h.textContent = n.name + " (" + n.id + ")"; detail.appendChild(h);
    var p = document.createElement("div");
    p.textContent = [n.kind, n.level, n.owner_name || n.owner, n.province, n.commune].filter(Boolean).join(" \u00b7 ");
    detail.appendChild(p);
    if (n.findings.length) {
      var ul = document.createElement("ul");
      n.findings.forEach(function (f) { var li = document.createElement("li"); li.textContent = f; ul.appendChild(li); });
      detail.appendChild(ul);
    }
  }
  canvas.addEventListener("click", function (ev) {
    var g = ev.target.closest ? ev.target.closest(".gv-node") : null;
    if (!g) { selected = null; detail.hidden = true; draw(); return; }
    var id = g.dataset.id;
    if (clusters[id]) { expanded[id] = !expanded[id]; selected = null; }
    else { selected = selected === id ? null : id; show(selected); }
    draw();
  });
  canvas.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.dataset && ev.target.dataset.id) { ev.target.dispatchEvent(new MouseEvent("click", {bubbles: true})); }
  });
  root.querySelector(".gv-search").addEventListener("input", function (ev) {
    query = ev.target.value.trim().toLowerCase(); draw();
  });
  root.querySelector(".gv-only-box").addEventListener("change", function (ev) { onlyBad = ev.target.checked; draw(); });
  draw();
})();
"""
