"""Systems inventory: the input of the dependency map (graph rules, impact analysis, exports).

Three equivalent forms, all validated by ``builtin/schemas/inventory.schema.json``:

* one YAML or JSON file (``systems:`` and ``connections:`` lists);
* a folder holding ``systems.csv`` and ``connections.csv`` (for spreadsheet keepers);
* an explicit pair of those two CSV files.

A connection's ``from`` consumes (calls) ``to``: the consumer depends on the provider. Every error
is an ``InventoryError`` naming the file and the line (YAML/JSON) or row (CSV).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import codelists, yamlio
from .errors import InventoryError, SpecLoadError
from .schemas import fast_valid, load_schema, schema_errors

LAYERS = ("infrastructure-security", "data-platforms", "applications-business", "channels-measurement")
CHANNELS = ("NDXP", "LGSP", "NDOP", "VXP", "direct")
# Platform kinds that carry other systems' flows (a flow through them is not point to point).
PLATFORM_KINDS = frozenset({"lgsp", "ndxp", "ndop", "vxp"})
# National shared platforms run once, centrally (QĐ 3090: what is done centrally is not redone).
NATIONAL_PLATFORM_KINDS = frozenset({"ndxp", "ndop", "dvcqg", "vneid", "vxp"})
CHANNEL_KIND = {"NDXP": "ndxp", "LGSP": "lgsp", "NDOP": "ndop", "VXP": "vxp"}
SYSTEMS_CSV, CONNECTIONS_CSV = "systems.csv", "connections.csv"
LINE_NUMBER_ROWS = 5000
_SCHEMA = "inventory.schema.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class DataDomain:
    domain: str
    authoritative: bool = False
    synced_from: str | None = None
    data_class: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DrAttestation:
    plan_ref: str
    last_drill: str | None = None  # ISO date


@dataclass(frozen=True, slots=True, kw_only=True)
class System:
    id: str
    name: str
    owner: str
    kind: str
    owner_name: str = ""
    level: str | None = None
    layer: str | None = None
    security_level: int | None = None
    data_domains: tuple[DataDomain, ...] = ()
    specs: tuple[str, ...] = ()  # as written (relative to the inventory file)
    spec_paths: tuple[str, ...] = ()  # resolved against the inventory's folder
    base_urls: tuple[str, ...] = ()
    registry_id: str | None = None
    log_retention_days: int | None = None
    dr_attestations: tuple[DrAttestation, ...] = ()
    province: str | None = None
    commune: str | None = None
    parent: str | None = None
    capabilities: tuple[str, ...] = ()
    citizen_facing: bool = False
    uses_admin_codes: bool = False
    redirects_to_dvcqg: bool = False
    justification: str | None = None
    disposition: str | None = None
    line: int | None = None  # where it is written, for messages

    @property
    def is_platform(self) -> bool:
        return self.kind in PLATFORM_KINDS


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    index: int  # position in the inventory: a stable key (two connections may join the same pair)
    source: str  # consumer ("from")
    target: str  # provider ("to")
    channel: str
    via: str | None = None
    data_items: tuple[str, ...] = ()
    sync: bool = False
    operations: tuple[str, ...] = ()
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "*" = every operation
    agreement: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    path: str
    systems: tuple[System, ...]
    connections: tuple[Connection, ...]
    name: str = ""
    as_of: str | None = None
    mandatory_data: tuple[str, ...] = ()
    sha256: str = ""

    def by_id(self) -> dict[str, System]:
        return {s.id: s for s in self.systems}


def schema() -> dict[str, Any]:
    return load_schema(_SCHEMA)


# ----------------------------------------------------------------------------------------------
# Loading


def load_inventory(path: str, connections: str | None = None, *,
                   limits: yamlio.Limits = yamlio.DEFAULT_LIMITS) -> Inventory:
    """Load an inventory from a YAML/JSON file, a folder with the two CSVs, or a CSV pair."""
    if connections is not None or path.lower().endswith(".csv"):
        systems_csv = path
        conns_csv = connections or os.path.join(os.path.dirname(path), CONNECTIONS_CSV)
        return _load_csv(systems_csv, conns_csv, limits)
    if os.path.isdir(path):
        systems_csv = os.path.join(path, SYSTEMS_CSV)
        if not os.path.isfile(systems_csv):
            raise InventoryError(f"folder holds no {SYSTEMS_CSV} (or give a .yaml/.json inventory)", file=path)
        return _load_csv(systems_csv, os.path.join(path, CONNECTIONS_CSV), limits)
    try:
        loaded = yamlio.load_file(path, limits=limits)
    except SpecLoadError as exc:
        raise InventoryError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    return build_inventory(loaded.data, path=path, locate=_yaml_locator(loaded), sha256=loaded.sha256)


def parse_inventory(text: str, *, path: str = "<inventory>.yaml") -> Inventory:
    """Build an inventory from YAML/JSON text (spec paths resolve against ``path``'s folder)."""
    try:
        data = yamlio.parse(text, path=path)
    except SpecLoadError as exc:
        raise InventoryError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    loaded = yamlio.LoadedFile(path=path, text=text, fmt=yamlio.guess_format(path, text), data=data, sha256="")
    return build_inventory(data, path=path, locate=_yaml_locator(loaded))


Locator = Any  # Callable[[str], tuple[str, int | None]]: pointer -> (file, line)


def _yaml_locator(loaded: yamlio.LoadedFile) -> Locator:
    def locate(pointer: str) -> tuple[str, int | None]:
        pos = loaded.locate(pointer)
        return loaded.path, (pos[0] if pos else None)
    return locate


def _where(pointer: str, data: Any) -> str:
    """'systems[3] (id X)' for a pointer into the inventory: names the row a person can find."""
    parts = yamlio.split_pointer(pointer)
    if len(parts) >= 2 and parts[0] in ("systems", "connections") and parts[1].isdigit():
        idx = int(parts[1])
        label = f"{parts[0]}[{idx}]"
        try:
            row = data[parts[0]][idx]
        except (KeyError, IndexError, TypeError):
            row = None
        if isinstance(row, dict):
            if parts[0] == "systems" and isinstance(row.get("id"), str):
                label += f" id {row['id']}"
            elif parts[0] == "connections":
                label += f" {row.get('from')} -> {row.get('to')}"
        rest = "/".join(parts[2:])
        return label + (f" field {rest}" if rest else "")
    return "/".join(parts) or "top level"


def build_inventory(data: Any, *, path: str, locate: Locator, sha256: str = "") -> Inventory:
    def fail(message: str, pointer: str) -> InventoryError:
        file, line = locate(pointer)
        return InventoryError(message, file=file, line=line, where=_where(pointer, data))

    # jsonschema takes ~14 s on 60,000 rows; the Rust validator decides, and jsonschema runs only
    # when it rejects, to word the error the same way.
    err = None if fast_valid(_SCHEMA, data) else min(
        schema_errors(schema(), data),
        key=lambda e: (list(map(str, e.absolute_path)), e.message), default=None)
    if err is not None:
        message = err.message if len(err.message) < 160 else err.message[:160] + "…"
        raise fail(f"invalid inventory: {message}", yamlio.join_pointer("", *err.absolute_path))
    base = os.path.dirname(path)
    # Row line numbers are for people reading small inventories; mapping 60,000 rows costs seconds.
    rows = len(data["systems"]) + len(data.get("connections") or ())

    def line_of(pointer: str) -> int | None:
        return locate(pointer)[1] if rows <= LINE_NUMBER_ROWS else None

    systems: list[System] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["systems"]):
        pointer = f"/systems/{i}"
        sid = raw["id"]
        if sid in seen:
            first = locate(f"/systems/{seen[sid]}")[1]
            raise fail(f"duplicate system id {sid!r} (first defined at line {first})"
                       if first else f"duplicate system id {sid!r}", pointer + "/id")
        seen[sid] = i
        for key, check in (("province", codelists.is_province_code), ("commune", codelists.is_commune_code)):
            if key in raw and not check(raw[key]):
                raise fail(f"{key} code {raw[key]!r} is not in the QĐ 19/2025 list", f"{pointer}/{key}")
        systems.append(_system(raw, base, line_of(pointer)))
    by_id = {s.id: s for s in systems}
    conns: list[Connection] = []
    for i, raw in enumerate(data.get("connections") or []):
        pointer = f"/connections/{i}"
        for key in ("from", "to", "via"):
            ref = raw.get(key)
            if ref is not None and ref not in by_id:
                raise fail(f"connection {key} names unknown system {ref!r}{_suggest(ref, by_id)}",
                           f"{pointer}/{key}")
        conns.append(_connection(i, raw, line_of(pointer)))
    for s in systems:
        for d in s.data_domains:
            if d.synced_from is not None and d.synced_from not in by_id:
                i = seen[s.id]
                raise fail(f"data domain {d.domain!r} synced_from names unknown system "
                           f"{d.synced_from!r}{_suggest(d.synced_from, by_id)}", f"/systems/{i}/data_domains")
    return Inventory(path=path, systems=tuple(systems), connections=tuple(conns), name=str(data.get("name", "")),
                     as_of=data.get("as_of"), mandatory_data=tuple(data.get("mandatory_data") or ()),
                     sha256=sha256)


def _suggest(name: str, known: Mapping[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _system(raw: Mapping[str, Any], base: str, line: int | None) -> System:
    specs = tuple(raw.get("specs") or ())
    return System(
        id=raw["id"], name=raw.get("name") or raw["id"], owner=raw["owner"], kind=raw["kind"],
        owner_name=raw.get("owner_name", ""), level=raw.get("level"), layer=raw.get("layer"),
        security_level=raw.get("security_level"),
        data_domains=tuple(DataDomain(domain=d["domain"], authoritative=bool(d.get("authoritative", False)),
                                      synced_from=d.get("synced_from"), data_class=d.get("class"))
                           for d in raw.get("data_domains") or ()),
        specs=specs, spec_paths=tuple(os.path.normpath(os.path.join(base, p)) for p in specs),
        base_urls=tuple(raw.get("base_urls") or ()), registry_id=raw.get("registry_id") or None,
        log_retention_days=raw.get("log_retention_days"),
        dr_attestations=tuple(DrAttestation(plan_ref=a["plan_ref"], last_drill=a.get("last_drill"))
                              for a in raw.get("dr_attestations") or ()),
        province=raw.get("province"), commune=raw.get("commune"), parent=raw.get("parent"),
        capabilities=tuple(raw.get("capabilities") or ()), citizen_facing=bool(raw.get("citizen_facing")),
        uses_admin_codes=bool(raw.get("uses_admin_codes")),
        redirects_to_dvcqg=bool(raw.get("redirects_to_dvcqg")), justification=raw.get("justification") or None,
        disposition=raw.get("disposition"), line=line)


def _connection(index: int, raw: Mapping[str, Any], line: int | None) -> Connection:
    fields_raw = raw.get("fields") or {}
    fields = {"*": tuple(fields_raw)} if isinstance(fields_raw, list) else \
        {k: tuple(v) for k, v in sorted(fields_raw.items())}
    return Connection(index=index, source=raw["from"], target=raw["to"], channel=raw["channel"],
                      via=raw.get("via"), data_items=tuple(raw.get("data_items") or ()),
                      sync=bool(raw.get("sync", False)), operations=tuple(raw.get("operations") or ()),
                      fields=fields, agreement=raw.get("agreement") or None, line=line)


# ----------------------------------------------------------------------------------------------
# CSV: one row per system / connection; lists are ';'-separated. A data domain cell item is
# ``domain`` (a copy), ``domain*`` (authoritative) or ``domain<source`` (a copy synced from source),
# optionally followed by ``@class``.

_LIST = {"specs", "base_urls", "capabilities", "data_items", "operations", "fields", "mandatory_data"}
_INT = {"security_level", "log_retention_days"}
_BOOL = {"citizen_facing", "uses_admin_codes", "redirects_to_dvcqg", "sync"}
_TRUE, _FALSE = {"true", "yes", "1", "x", "có"}, {"false", "no", "0", "", "không"}


def _load_csv(systems_csv: str, connections_csv: str, limits: yamlio.Limits) -> Inventory:
    rows_s, lines_s, sha = _read_csv(systems_csv, limits)
    rows_c, lines_c, _ = _read_csv(connections_csv, limits) if os.path.isfile(connections_csv) else ([], [], "")
    data: dict[str, Any] = {"systems": [_csv_system(r, systems_csv, ln) for r, ln in zip(rows_s, lines_s)],
                            "connections": [_csv_cells(r, connections_csv, ln) for r, ln in zip(rows_c, lines_c)]}

    def locate(pointer: str) -> tuple[str, int | None]:
        parts = yamlio.split_pointer(pointer)
        if len(parts) >= 2 and parts[1].isdigit():
            idx = int(parts[1])
            if parts[0] == "systems" and idx < len(lines_s):
                return systems_csv, lines_s[idx]
            if parts[0] == "connections" and idx < len(lines_c):
                return connections_csv, lines_c[idx]
        return (connections_csv if parts[:1] == ["connections"] else systems_csv), None

    return build_inventory(data, path=systems_csv, locate=locate, sha256=sha)


def _read_csv(path: str, limits: yamlio.Limits) -> tuple[list[dict[str, str]], list[int], str]:
    try:
        text, sha = yamlio.read_text(path, limits=limits)
    except SpecLoadError as exc:
        raise InventoryError(exc.message, file=exc.file, line=exc.line) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows, lines = [], []
    try:
        for row in reader:
            if None in row:
                raise InventoryError("row has more cells than the header", file=path, line=reader.line_num)
            if any((v or "").strip() for v in row.values()):
                rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k})
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise InventoryError(f"malformed CSV: {exc}", file=path, line=reader.line_num) from None
    return rows, lines, sha


def _csv_cells(row: Mapping[str, str], file: str, line: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value == "" and key not in _BOOL:
            continue
        if key in _LIST:
            out[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key in _INT:
            try:
                out[key] = int(value)
            except ValueError:
                raise InventoryError(f"column {key}: {value!r} is not a whole number", file=file,
                                     line=line) from None
        elif key in _BOOL:
            low = value.lower()
            if low not in _TRUE | _FALSE:
                raise InventoryError(f"column {key}: {value!r} is not true/false", file=file, line=line)
            if low in _TRUE:
                out[key] = True
        else:
            out[key] = value
    return out


def _csv_system(row: Mapping[str, str], file: str, line: int) -> dict[str, Any]:
    cells = dict(row)
    domains, plan, drill = cells.pop("data_domains", ""), cells.pop("dr_plan_ref", ""), cells.pop("dr_last_drill", "")
    out = _csv_cells(cells, file, line)
    if domains:
        out["data_domains"] = [_csv_domain(item.strip()) for item in domains.split(";") if item.strip()]
    if plan:
        out["dr_attestations"] = [{"plan_ref": plan, **({"last_drill": drill} if drill else {})}]
    return out


def _csv_domain(item: str) -> dict[str, Any]:
    item, _, cls = item.partition("@")
    out: dict[str, Any] = {}
    if cls:
        out["class"] = cls.strip()
    name, sep, source = item.partition("<")
    if sep:
        out["synced_from"] = source.strip()
    if name.endswith("*"):
        name, out["authoritative"] = name[:-1], True
    return {"domain": name.strip(), **out}


def to_csv(inventory: Inventory) -> tuple[str, str]:
    """The two CSV texts of an inventory (systems, connections), for exports and round-trip tests."""
    s_cols = ["id", "name", "owner", "owner_name", "level", "kind", "layer", "security_level", "province",
              "commune", "parent", "data_domains", "specs", "base_urls", "registry_id", "log_retention_days",
              "dr_plan_ref", "dr_last_drill", "capabilities", "citizen_facing", "uses_admin_codes",
              "redirects_to_dvcqg", "justification", "disposition"]
    c_cols = ["from", "to", "channel", "via", "data_items", "sync", "operations", "fields", "agreement"]

    def cell(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else ""
        if isinstance(v, (list, tuple)):
            return ";".join(v)
        return "" if v is None else str(v)

    buf_s, buf_c = io.StringIO(), io.StringIO()
    ws, wc = csv.writer(buf_s, lineterminator="\n"), csv.writer(buf_c, lineterminator="\n")
    ws.writerow(s_cols)
    for s in inventory.systems:
        dom = ";".join(d.domain + ("*" if d.authoritative else "") + (f"<{d.synced_from}" if d.synced_from else "")
                       + (f"@{d.data_class}" if d.data_class else "") for d in s.data_domains)
        dr = s.dr_attestations[0] if s.dr_attestations else None
        values = {**{k: getattr(s, k, None) for k in s_cols if hasattr(s, k)}, "data_domains": dom,
                  "dr_plan_ref": dr.plan_ref if dr else "", "dr_last_drill": (dr.last_drill or "") if dr else ""}
        ws.writerow([cell(values.get(k)) for k in s_cols])
    wc.writerow(c_cols)
    for c in inventory.connections:
        values = {"from": c.source, "to": c.target, "channel": c.channel, "via": c.via, "data_items": c.data_items,
                  "sync": c.sync, "operations": c.operations, "fields": c.fields.get("*", ()), "agreement": c.agreement}
        wc.writerow([cell(values[k]) for k in c_cols])
    return buf_s.getvalue(), buf_c.getvalue()

