"""Property-based tests: loaders raise only their documented errors, whatever they are fed."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import yamlio
from conformance.errors import InventoryError, ProfileError, SpecLoadError
from conformance.profiles import resolve_profile
from conformance.specs import load_spec

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30)

yamlish = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!#|>'\" \n\t,?%@`0123456789.~\\")), max_size=200)


@SETTINGS
@given(st.binary(max_size=300))
def test_bytes_give_data_or_spec_load_error(tmp_path, raw):
    path = tmp_path / "doc.yaml"
    path.write_bytes(raw)
    try:
        yamlio.load_file(str(path))
    except SpecLoadError as exc:
        assert "\n" not in str(exc)


@SETTINGS
@given(yamlish)
def test_yaml_text_gives_data_or_spec_load_error(tmp_path, text):
    try:
        yamlio.parse(text, path="x.yaml", fmt="yaml")
    except SpecLoadError:
        pass


@SETTINGS
@given(json_values)
def test_any_json_document_loads_and_lints_without_crashing(tmp_path, value):
    from conformance.engine.static import check_document
    from conformance.model import Status

    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"openapi": "3.0.3", "paths": value} if isinstance(value, dict) else value))
    try:
        doc = load_spec(str(path))
    except SpecLoadError:
        return
    rules = list(resolve_profile("vn-full").rules.values())
    for outcome in check_document(doc, rules, raise_errors=True):
        assert outcome.status is not Status.ERROR


@SETTINGS
@given(json_values)
def test_profile_files_give_profile_or_profile_error(tmp_path, value):
    path = tmp_path / "p.yaml"
    data = value if not isinstance(value, dict) else {"profile": "p", "version": "1", **value}
    path.write_text(json.dumps(data))
    try:
        resolve_profile(str(path))
    except ProfileError as exc:
        assert "\n" not in str(exc)


def test_inventory_loader_if_present(tmp_path):
    """The inventory loader raises only InventoryError (its own property test lives with it)."""
    try:
        from conformance.inventory import load_inventory
    except ImportError:  # pragma: no cover - the dependency map is part of the package
        return
    path = tmp_path / "inv.yaml"
    for text in ["", "[]", "systems: 3", "systems: [{id: 1}]", "systems: [{}]\nconnections: [{from: x}]", "\x00"]:
        path.write_text(text)
        try:
            load_inventory(str(path))
        except InventoryError:
            pass
    assert os.path.exists(path)
