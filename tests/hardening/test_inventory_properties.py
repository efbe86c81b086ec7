"""Property-based tests of the inventory loader: whatever YAML, JSON or CSV it is fed, the only
exception that escapes is InventoryError (one line, naming the file)."""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.errors import InventoryError
from conformance.inventory import LAYERS, load_inventory, parse_inventory

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=12,
)
KEYS = [
    "id",
    "name",
    "owner",
    "kind",
    "layer",
    "specs",
    "from",
    "to",
    "channel",
    "data_domains",
    "citizen_facing",
    "province",
    "sync",
    "dr_attestations",
    "class",
    "domain",
]
system = st.dictionaries(
    st.sampled_from(KEYS), scalars | st.sampled_from(LAYERS) | st.lists(scalars, max_size=2), max_size=8
)
inventories = st.fixed_dictionaries(
    {},
    optional={
        "systems": st.lists(system, max_size=4) | values,
        "connections": st.lists(system, max_size=4) | values,
        "version": scalars,
    },
)


def _ok(inv: Any) -> None:
    assert hasattr(inv, "systems")


def _one_line(exc: InventoryError) -> None:
    assert "\n" not in str(exc).strip()


@SETTINGS
@given(inventories | values)
def test_json_documents(tmp_path: Any, data: Any) -> None:
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(data))
    try:
        _ok(load_inventory(str(path)))
    except InventoryError as exc:
        _one_line(exc)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("systemconecid:-[]{}&*!#|>'\" \n\t,?%@`019.~\\")), max_size=200))
def test_yaml_text(tmp_path: Any, text: str) -> None:
    try:
        _ok(parse_inventory(text, path=str(tmp_path / "inv.yaml")))
    except InventoryError as exc:
        _one_line(exc)


@SETTINGS
@given(st.binary(max_size=300))
def test_raw_bytes(tmp_path: Any, raw: bytes) -> None:
    path = tmp_path / "inv.yaml"
    path.write_bytes(raw)
    try:
        _ok(load_inventory(str(path)))
    except InventoryError as exc:
        _one_line(exc)


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10) | st.sampled_from(
    ["true", "no", "x", "có", "7", "-1", "a;b", "d*<s@c", "", '"', "\r\n"]
)
headers = st.lists(
    st.sampled_from(KEYS + ["layer", "dr_plan_ref", "dr_last_drill", "extra"]),
    min_size=1,
    max_size=6,
    unique=True,
)


@SETTINGS
@given(
    headers,
    st.lists(st.lists(cells, max_size=7), max_size=4),
    headers,
    st.lists(st.lists(cells, max_size=7), max_size=3),
    st.booleans(),
)
def test_csv_pairs(
    tmp_path: Any, h1: list[str], rows1: list[list[str]], h2: list[str], rows2: list[list[str]], folder: bool
) -> None:
    def write(name: str, header: list[str], rows: list[list[str]]) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(rows)
        (tmp_path / name).write_text(buf.getvalue(), encoding="utf-8")

    write("systems.csv", h1, rows1)
    write("connections.csv", h2, rows2)
    try:
        _ok(load_inventory(str(tmp_path) if folder else str(tmp_path / "systems.csv")))
    except InventoryError as exc:
        _one_line(exc)


@SETTINGS
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_csv_bytes(tmp_path: Any, a: bytes, b: bytes) -> None:
    (tmp_path / "systems.csv").write_bytes(a)
    (tmp_path / "connections.csv").write_bytes(b)
    try:
        _ok(load_inventory(os.path.join(str(tmp_path), "systems.csv")))
    except InventoryError as exc:
        _one_line(exc)
