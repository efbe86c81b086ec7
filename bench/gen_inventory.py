"""Generate a large synthetic inventory (default 10,000 systems, 50,000 connections) for benchmarks.

Deterministic for a given seed. Shape: the national platforms and databases, one LGSP, dossier
system and document system per current province, real commune codes as commune systems, and the
rest as provincial/ministerial applications; connections go mostly through the platforms, with a
small share of violations (direct cross-owner links, unsynced copies, low security levels).

    python bench/gen_inventory.py -o /tmp/big.json [--systems 10000 --connections 50000 --seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

from conformance import codelists

DOMAINS = ["population", "enterprise", "land", "civil-status", "insurance", "vehicles", "health", "education"]
LAYERS = ["infrastructure-security", "data-platforms", "applications-business", "channels-measurement"]


def generate(n_systems: int = 10_000, n_connections: int = 50_000, seed: int = 1) -> dict[str, Any]:
    rnd = random.Random(seed)
    systems: list[dict[str, Any]] = []
    conns: list[dict[str, Any]] = []

    def add(**kw: Any) -> str:
        kw.setdefault("security_level", rnd.choice([2, 3, 3, 4]))
        kw.setdefault("log_retention_days", rnd.choice([30, 90, 180, 365]))
        kw.setdefault("layer", "applications-business")
        systems.append(kw)
        return str(kw["id"])

    for kind in ("ndxp", "ndop", "dvcqg", "vneid", "vxp"):
        add(id=kind, owner=f"G-{kind}", kind=kind, level="central", layer="data-platforms", registry_id=kind)
    add(id="ngd", owner="G-BCA", kind="national-general-database", level="central", layer="data-platforms")
    add(id="dmdc", owner="G-BKHCN", kind="codelist-service", level="central", layer="data-platforms")
    dbs = []
    for d in DOMAINS:
        dbs.append(add(id=f"db-{d}", owner=f"G-{d}", kind="national-database", level="ministry", layer="data-platforms",
                       data_domains=[{"domain": d, "authoritative": True, "class": "master"}], registry_id=f"V-{d}"))
    provinces = sorted(codelists.province_codes())
    lgsp, tthc = {}, {}
    for p in provinces:
        lgsp[p] = add(id=f"lgsp-{p}", owner=f"H{p}", kind="lgsp", level="province", province=p, layer="data-platforms")
        tthc[p] = add(id=f"tthc-{p}", owner=f"H{p}", kind="dossier-system", level="province", province=p,
                      uses_admin_codes=True, registry_id=f"V-tthc-{p}")
        add(id=f"qlvb-{p}", owner=f"H{p}", kind="document-management", level="province", province=p)
        conns.append({"from": lgsp[p], "to": "ndxp", "channel": "direct"})
        conns.append({"from": tthc[p], "to": "dvcqg", "channel": "NDXP",
                      "operations": ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"]})
    communes = sorted(codelists.commune_codes())
    i = 0
    while len(systems) < n_systems:
        if i < len(communes):
            code = communes[i]
            p = codelists.commune_province(code) or provinces[0]
            add(id=f"xa-{code}", owner=f"X{code}", kind="internal-app", level="commune", province=p, commune=code,
                security_level=rnd.choice([1, 2, 2, 3]))
        else:
            p = provinces[i % len(provinces)]
            doms = [{"domain": rnd.choice(DOMAINS), **({"synced_from": f"db-{DOMAINS[0]}"} if rnd.random() < .5 else {})}] \
                if rnd.random() < .1 else []
            add(id=f"app-{i:05d}", owner=f"H{p}-S{rnd.randrange(20):02d}", kind="internal-app",
                level="province", province=p, layer=rnd.choice(LAYERS), data_domains=doms)
        i += 1
    ids = [s["id"] for s in systems]
    by_id = {s["id"]: s for s in systems}
    while len(conns) < n_connections:
        a = by_id[rnd.choice(ids)]
        r = rnd.random()
        if r < .35:
            b = by_id[rnd.choice(dbs)]
        elif r < .55 and a.get("province"):
            b = by_id[tthc[a["province"]]]
        else:
            b = by_id[rnd.choice(ids)]
        if a["id"] == b["id"]:
            continue
        cross = a["owner"] != b["owner"]
        channel = "direct" if not cross or rnd.random() < .02 else ("LGSP" if a.get("province") else "NDXP")
        conn = {"from": a["id"], "to": b["id"], "channel": channel, "sync": rnd.random() < .3,
                "data_items": [rnd.choice(["citizen-record", "dossier", "report", "official-document"])]}
        if channel == "LGSP":
            conn["via"] = lgsp[a["province"]]
        conns.append(conn)
    return {"inventory_version": 1, "name": f"synthetic {n_systems}/{n_connections} seed {seed}",
            "as_of": "2026-03-01", "mandatory_data": ["citizen-record"], "systems": systems, "connections": conns}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True, help="file to write (.json)")
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--connections", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    data = generate(args.systems, args.connections, args.seed)
    with open(args.output, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    print(f"wrote {args.output}: {len(data['systems'])} systems, {len(data['connections'])} connections", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
