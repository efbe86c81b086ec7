"""The systems of a batch: one task per system, from a folder of specs or an inventory.

A FOLDER gives one system per OpenAPI document, with agency and province "unknown"; an INVENTORY
(``inventory.load_inventory``) gives its systems with their specs, owner agency, province and
base URLs. Tasks are plain frozen data, so they pickle to worker processes and Dask workers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError

UNKNOWN = "unknown"
Record = dict[str, Any]  # {"id", "result": result dict} or {"id", "error": one line}


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemTask:
    id: str
    specs: tuple[str, ...]  # as shown in results (relative to where the batch was started)
    abs_specs: tuple[str, ...]  # what workers open (they may run elsewhere, in another folder)
    name: str = ""
    agency: str = UNKNOWN
    agency_name: str = ""
    province: str = UNKNOWN
    kind: str = ""
    tier: str = ""
    base_urls: tuple[str, ...] = ()  # inventory only: where the system runs, for --live


def tasks_from_folder(folder: str) -> list[SystemTask]:
    from ..api import collect_specs

    # No name: the row takes the spec's own title once it has been read.
    return [SystemTask(id=p, specs=(p,), abs_specs=(os.path.abspath(p),))
            for p in collect_specs([folder])]


def tasks_from_inventory(path: str) -> list[SystemTask]:
    from ..inventory import load_inventory

    inv = load_inventory(path)
    return [SystemTask(id=s.id, name=s.name, specs=s.spec_paths,
                       abs_specs=tuple(os.path.abspath(p) for p in s.spec_paths),
                       agency=s.owner or UNKNOWN, agency_name=s.owner_name, province=s.province or UNKNOWN,
                       kind=s.kind, tier=s.level or "", base_urls=tuple(s.base_urls))
            for s in sorted(inv.systems, key=lambda s: s.id)]


def load_tasks(source: str) -> list[SystemTask]:
    """A folder of CSVs (systems.csv) or a YAML/JSON/CSV file is an inventory; any other folder
    is a folder of specs, and a single OpenAPI document is a queue of one."""
    from ..api import _looks_like_openapi

    if os.path.isdir(source) and not os.path.isfile(os.path.join(source, "systems.csv")):
        return tasks_from_folder(source)
    if not os.path.exists(source):
        raise UsageError("no such file or folder", file=source)
    if os.path.isfile(source) and not source.lower().endswith(".csv") and _looks_like_openapi(source):
        return tasks_from_folder(source)
    return tasks_from_inventory(source)
