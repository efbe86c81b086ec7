"""DOC005's fast example validation gives exactly jsonschema's errors, or leaves the example to it.

``checks/static/_exampleschema.fast_errors`` mirrors openapi-schema-validator for the keywords
examples meet; these tests feed generated examples to both and compare, so a library upgrade
that changes a keyword's behaviour or wording fails here rather than changing findings.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.checks.static._exampleschema import DOC_URI, fast_errors, validator_class
from conformance.checks.static.examples import _registry, _stable
from conformance.specs import SpecDocument, load_spec

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

PERSON = {
    "type": "object",
    "required": ["name", "age", "ro"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"},
        "age": {"type": "integer", "minimum": 0, "maximum": 150, "exclusiveMaximum": True},
        "score": {"type": "number", "exclusiveMinimum": True, "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}, "minItems": 1,
                 "maxItems": 3, "uniqueItems": True},
        "nick": {"type": "string", "nullable": True, "format": "email"},
        "ro": {"type": "string", "readOnly": True},
        "flag": {"type": "boolean"},
        "friend": {"$ref": "#/components/schemas/Person"},
    },
}
OAS30 = {
    "Person": PERSON,
    "Choice": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"},
                         {"$ref": "#/components/schemas/Person"}]},
    "Either": {"anyOf": [{"type": "number", "maximum": 3}, {"type": "boolean"}]},
    "Both": {"allOf": [{"$ref": "#/components/schemas/Person"},
                       {"properties": {"name": {"not": {"enum": ["bob"]}}}}]},
    "Map": {"type": "object", "additionalProperties": {"type": "integer"}, "properties": {"a": {}}},
    "Strict": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
}
OAS31 = {
    "Person": {**PERSON, "properties": {**PERSON["properties"],
                                        "age": {"type": "integer", "exclusiveMaximum": 150, "minimum": 0},
                                        "nick": {"type": ["string", "null"]},
                                        "kind": {"const": "person"},
                                        "list": {"type": "array", "items": False}}},
    "Choice": OAS30["Choice"],
    "Either": OAS30["Either"],
    "Both": OAS30["Both"],
    "Map": OAS30["Map"],
    "Strict": OAS30["Strict"],
}
NAMES = ["name", "age", "score", "tags", "nick", "ro", "flag", "friend", "kind", "list", "a", "b"]

scalars = (st.none() | st.booleans() | st.integers(-5, 200) | st.floats(-5, 200, allow_nan=False)
           | st.sampled_from(["", "a", "b", "bob", "abcdef", "Abc", "c"]))
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=3), children, max_size=6),
    max_leaves=25,
)


def _doc(tmp_path_factory: Any, openapi: str, schemas: dict[str, Any]) -> SpecDocument:
    path = tmp_path_factory.mktemp("spec") / "doc.json"
    path.write_text(json.dumps({"openapi": openapi, "info": {"title": "t", "version": "1"}, "paths": {},
                                "components": {"schemas": schemas}}))
    return load_spec(str(path))


@pytest.fixture(scope="module")
def docs(tmp_path_factory: Any) -> dict[bool, SpecDocument]:
    return {False: _doc(tmp_path_factory, "3.0.3", OAS30), True: _doc(tmp_path_factory, "3.1.0", OAS31)}


def _slow(doc: SpecDocument, ref: str, value: Any, oas31: bool) -> list[tuple[tuple[Any, ...], str]]:
    validator = validator_class(oas31)({"$ref": ref}, registry=_registry(doc))
    return [(tuple(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(value)]


def _same(doc: SpecDocument, name: str, value: Any, oas31: bool) -> bool | None:
    ref = f"{DOC_URI}#/components/schemas/{name}"
    fast = fast_errors(doc, ref, value, oas31)
    if fast is None:
        return None
    got = sorted((tuple(map(str, path)), _stable(message)) for path, message in fast)
    slow = sorted((path, _stable(message)) for path, message in _slow(doc, ref, value, oas31))
    assert got == slow, value
    return True


@SETTINGS
@given(name=st.sampled_from(sorted(OAS30)), value=values, oas31=st.booleans())
def test_fast_errors_equal_jsonschema(docs: dict[bool, SpecDocument], name: str, value: Any,
                                      oas31: bool) -> None:
    _same(docs[oas31], name, value, oas31)


def test_typical_examples_take_the_fast_path(docs: dict[bool, SpecDocument]) -> None:
    good = {"name": "ann", "age": 3, "ro": "x", "tags": ["a"], "friend": {"name": "b", "age": 1, "ro": "y"}}
    for oas31 in (False, True):
        assert _same(docs[oas31], "Person", good, oas31)
        assert _same(docs[oas31], "Person", {**good, "age": 150, "zz": 1, "name": None}, oas31)
        assert _same(docs[oas31], "Choice", 3, oas31)  # valid under integer and number: oneOf fails
        assert _same(docs[oas31], "Both", {**good, "name": "bob"}, oas31)


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "string"}], "discriminator": {"propertyName": "k"}},
        {"id": "other", "type": "string"},
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"},
        {"type": "object", "patternProperties": {"^x": {}}, "additionalProperties": False},
        {"type": "number", "multipleOf": 0.1},
        {"type": "file"},
        {"$ref": "#/components/schemas/Missing"},
    ],
)
def test_what_is_not_mirrored_is_left_to_jsonschema(tmp_path_factory: Any, schema: dict[str, Any]) -> None:
    doc = _doc(tmp_path_factory, "3.0.3", {"S": schema})
    assert fast_errors(doc, f"{DOC_URI}#/components/schemas/S", {"x": 1}, False) is None
