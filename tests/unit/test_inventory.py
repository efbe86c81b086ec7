"""Inventory loading: YAML/JSON, CSV folder and pair, and clear one-line errors naming file and row."""

from __future__ import annotations

import filecmp
import os

import pytest

from conformance.errors import InventoryError
from conformance.inventory import load_inventory, parse_inventory, schema, to_csv
from conformance.schemas import fast_valid
from tests.conftest import ROOT

INV = os.path.join(ROOT, "fixtures", "inventories")
SAMPLE = os.path.join(INV, "sample-province", "inventory.yaml")
BAD = os.path.join(INV, "bad")


def test_sample_province_loads_with_real_communes() -> None:
    from conformance import codelists

    inv = load_inventory(SAMPLE)
    communes = [s for s in inv.systems if s.level == "commune"]
    assert len(communes) >= 100
    assert all(codelists.commune_province(s.commune) == s.province for s in communes)
    kinds = {s.kind for s in inv.systems}
    assert {"ndxp", "ndop", "dvcqg", "vneid", "vxp", "lgsp", "dossier-system", "document-management"} <= kinds
    assert sum(s.kind == "national-database" for s in inv.systems) >= 4


def test_packaged_example_matches_fixture() -> None:
    pkg = os.path.join(ROOT, "conformance", "builtin", "examples")
    assert filecmp.cmp(SAMPLE, os.path.join(pkg, "sample-province.yaml"), shallow=False)
    for name in os.listdir(os.path.join(INV, "sample-province", "specs")):
        assert filecmp.cmp(os.path.join(INV, "sample-province", "specs", name),
                           os.path.join(pkg, "specs", name), shallow=False), name


def test_spec_paths_resolve_against_inventory_folder() -> None:
    inv = load_inventory(SAMPLE)
    paths = [p for s in inv.systems for p in s.spec_paths]
    assert paths and all(os.path.isfile(p) for p in paths)


def test_csv_folder_and_pair_are_equivalent() -> None:
    folder = os.path.join(INV, "small-csv")
    a = load_inventory(folder)
    b = load_inventory(os.path.join(folder, "systems.csv"), os.path.join(folder, "connections.csv"))
    assert a.systems == b.systems and a.connections == b.connections
    by_id = a.by_id()
    dc = by_id["dan-cu"].data_domains[0]
    assert (dc.domain, dc.authoritative, dc.data_class) == ("population", True, "master")
    assert by_id["tthc-33"].data_domains[0].synced_from == "dan-cu"
    assert by_id["cong-33"].citizen_facing is True
    assert a.connections[1].operations == ("traCuuCongDan",) and a.connections[1].sync is True


def test_csv_round_trip(tmp_path: pytest.TempPathFactory) -> None:
    inv = load_inventory(os.path.join(INV, "small-csv"))
    s_text, c_text = to_csv(inv)
    d = tmp_path  # type: ignore[assignment]
    (d / "systems.csv").write_text(s_text, encoding="utf-8")  # type: ignore[operator]
    (d / "connections.csv").write_text(c_text, encoding="utf-8")  # type: ignore[operator]
    again = load_inventory(str(d))
    strip = lambda s: (s.id, s.name, s.owner, s.kind, s.layer, s.security_level, s.data_domains,  # noqa: E731
                       s.citizen_facing, s.dr_attestations)
    assert [strip(s) for s in again.systems] == [strip(s) for s in inv.systems]
    assert [(c.source, c.target, c.channel, c.operations, c.sync) for c in again.connections] == \
        [(c.source, c.target, c.channel, c.operations, c.sync) for c in inv.connections]


@pytest.mark.parametrize(("name", "line", "words"), [
    ("unknown-system.yaml", 6, ["connections[1]", "unknown system 'bb-typo'"]),
    ("duplicate-ids.yaml", 4, ["duplicate system id 'a'", "line 2"]),
    ("wrong-types.yaml", 3, ["security_level", "not of type 'integer'"]),
    ("unknown-kind.json", 1, ["kind", "'lgps' is not one of"]),
    ("csv-unknown-system", 3, ["connections.csv", "unknown system 'zz'"]),
    ("csv-wrong-type", 3, ["systems.csv", "security_level", "'three'"]),
])
def test_bad_inventories_name_file_and_row(name: str, line: int, words: list[str]) -> None:
    with pytest.raises(InventoryError) as info:
        load_inventory(os.path.join(BAD, name))
    text = str(info.value)
    assert "\n" not in text
    assert f":{line}" in text and os.path.basename(name.split("/")[-1]) in text or name in text
    for w in words:
        assert w in text, text


def test_unknown_province_code_is_rejected() -> None:
    with pytest.raises(InventoryError, match="QĐ 19/2025"):
        parse_inventory("systems: [{id: a, owner: x, kind: portal, province: '99'}]")


@pytest.mark.parametrize("doc", [
    {"systems": [{"id": "a", "owner": "o", "kind": "portal", "security_level": True}]},
    {"systems": [{"id": "a", "owner": "o", "kind": "portal", "extra": 1}]},
    {"systems": [{"id": "a b", "owner": "o", "kind": "portal"}]},
    {"systems": [], "connections": [{"from": "a", "to": "b", "channel": "x"}]},
    {"systems": [], "connections": [{"from": "a", "to": "b", "channel": "NDXP", "fields": {"op": [1]}}]},
])
def test_fast_validator_agrees_with_jsonschema(doc: dict[str, object]) -> None:
    import jsonschema

    assert fast_valid("inventory.schema.json", doc) == jsonschema.Draft202012Validator(schema()).is_valid(doc)
