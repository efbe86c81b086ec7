"""The schemas structural validation checks against, and the validators built over them.

The official OpenAPI schema of each version (openapi-spec-validator's step (1)) and the JSON Schema
metaschemas it checks schema objects against. All are JSON files of installed packages, read here
directly: importing openapi-spec-validator or openapi-schema-validator to reach them costs ~0.2 s
each, which a clean document should not pay. The libraries' own objects are the fallback when a
package's layout is not the one expected; tests/unit hold the two readings equal.
"""

from __future__ import annotations

import json
import os
from typing import Any

SCHEMA_VERSIONS = {"swagger2": "2.0", "oas30": "3.0", "oas31": "3.1"}
OAS31_BASE_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
_DRAFT4 = "http://json-schema.org/draft-04/schema#"
_OAS31_VOCAB = "https://spec.openapis.org/oas/3.1/meta/base"
# Where openapi-schema-validator's registry (``_specifications.REGISTRY``) gets these documents;
# read directly, since importing that package costs ~0.2 s. tests/unit hold them equal.
METASCHEMA_FILES = {
    _DRAFT4: ("jsonschema_specifications", "schemas/draft4/metaschema.json"),
    OAS31_BASE_DIALECT: ("openapi_schema_validator", "schemas/oas3.1/metaschema.json"),
    _OAS31_VOCAB: ("openapi_schema_validator", "schemas/oas3.1/vocabularies/base"),
}

_official: dict[str, Any] = {}
_rs_official: dict[str, Any] = {}
_meta_cache: dict[str, Any] = {}


def official_schema(family: str) -> Any:
    """openapi-spec-validator's step (1) validator (jsonschema-rs when installed), made as it makes
    its own: its factory, its schema file. That file is JSON, which it reads with a YAML loader
    (~50 ms a version, once per process: 10 % of the whole validation of GitHub's description), so
    it is read here with ``json``; tests/unit hold the two readings equal."""
    validator = _official.get(family)
    if validator is None:
        from openapi_spec_validator import schemas

        try:
            validator = schemas.get_validator_for(official_schema_content(family))
        except Exception:  # a layout this does not know: its own (lazily made) object
            validator = {"swagger2": schemas.openapi_v2_schema_validator,
                         "oas30": schemas.openapi_v30_schema_validator,
                         "oas31": schemas.openapi_v31_schema_validator}[family]
        _official[family] = validator
    return validator


def official_schema_content(family: str) -> Any:
    return package_json("openapi_spec_validator", f"resources/schemas/v{SCHEMA_VERSIONS[family]}/schema.json")


def schema_valid(data: Any, family: str) -> bool:
    """Step (1)'s verdict without importing openapi-spec-validator: the validator its factory makes
    with jsonschema-rs (``validator_cls_for(schema)(schema)`` over the same file). False means
    "not valid, or cannot tell": the library's own object then gives the errors."""
    validator = _rs_official.get(family)
    if validator is None:
        try:
            import jsonschema_rs

            schema = official_schema_content(family)
            validator = jsonschema_rs.validator_cls_for(schema)(schema)
        except Exception:
            validator = False
        _rs_official[family] = validator
    try:
        return bool(validator and validator.is_valid(data))
    except Exception:  # values the Rust side cannot take (e.g. huge integers)
        return False


def package_json(package: str, relative: str) -> Any:
    """A JSON data file of an installed package, found without importing the package (importing
    openapi-spec-validator or openapi-schema-validator costs ~0.2 s each)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(package)
    with open(os.path.join(list(spec.submodule_search_locations)[0], relative), encoding="utf-8") as fh:
        return json.load(fh)


def _metaschema(uri: str) -> Any:
    try:
        return package_json(*METASCHEMA_FILES[uri])
    except (OSError, ValueError, KeyError):  # another layout: ask the library's registry
        from openapi_schema_validator._specifications import REGISTRY

        return REGISTRY.contents(uri)


def _always(_: str) -> bool:
    return True


def is_valid_regex(pattern: str) -> bool:
    """openapi-schema-validator's ``is_valid_regex``: ECMA ``regress`` when installed, else ``re``."""
    try:
        from regress import Regex, RegressError
    except ImportError:
        import re

        try:
            re.compile(pattern)
        except re.error:
            return False
        return True
    try:
        Regex(pattern)
    except RegressError:
        return False
    return True


def metaschema_validator(family: str) -> Any:
    """jsonschema-rs validator of schema objects against the metaschema openapi-spec-validator uses:
    draft-04 for 2.0/3.0 (``OAS30Validator.check_schema``), the OAS 3.1 base dialect for 3.1.
    Formats as its format checkers judge them: of those the metaschemas name, only ``regex`` is
    checked there (with Python's ``re``, or ECMA ``regress`` when installed: the same function is
    called here); ``uri`` and ``uri-reference`` are not checked at all."""
    if family in _meta_cache:
        return _meta_cache[family]
    import jsonschema_rs

    formats = {"regex": is_valid_regex, "uri": _always, "uri-reference": _always}
    validator: Any
    if family == "oas31":
        validator = jsonschema_rs.Draft202012Validator(
            _metaschema(OAS31_BASE_DIALECT), formats=formats, validate_formats=True,
            registry=jsonschema_rs.Registry([(_OAS31_VOCAB, _metaschema(_OAS31_VOCAB))]))
    else:
        validator = jsonschema_rs.Draft4Validator(_metaschema(_DRAFT4), formats=formats,
                                                  validate_formats=True)
    _meta_cache[family] = validator
    return validator
