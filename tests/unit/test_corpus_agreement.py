"""Our structural verdict equals openapi-spec-validator's on every document of the shared corpus.

The reference verdicts are precomputed in ``fixtures/corpus-verdicts.json`` (keyed by path and
sha256; ``bench/gen_corpus_verdicts.py`` regenerates them: the reference needs minutes on the
largest files). A document whose sha256 no longer matches is re-judged by the reference here.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from conformance import validation
from conformance.errors import SpecLoadError
from conformance.specs import load_spec

from ..conftest import CORPUS, FIXTURES, ROOT

VERDICTS = os.path.join(FIXTURES, "corpus-verdicts.json")
GENERATOR = os.path.join(ROOT, "bench", "gen_corpus_verdicts.py")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_corpus_verdicts", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents() -> list[str]:
    if not os.path.isdir(CORPUS):
        return []
    return _generator().corpus_files(CORPUS)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    with open(VERDICTS, encoding="utf-8") as fh:
        return json.load(fh)["files"]


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CONFORMANCE_CACHE_DIR", raising=False)
    yield
    validation.clear_cache()


def _ours(path: str) -> tuple[str, list[tuple[str, str]]]:
    try:
        doc = load_spec(path)
    except SpecLoadError:
        return "unloadable", []
    errors = list(validation.structural_errors(doc.data, doc.family, doc.version))
    return ("invalid" if errors else "valid"), errors


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason=f"corpus folder absent: {CORPUS}")
@pytest.mark.parametrize("rel", _documents() or ["<none>"])
def test_verdict_agrees_with_openapi_spec_validator(rel: str, reference: dict[str, Any]) -> None:
    path = os.path.join(CORPUS, rel)
    gen = _generator()
    expected = reference.get(rel)
    if expected is None or expected["sha256"] != gen.sha256_of(path):
        expected = gen.reference_verdict(path)  # changed or new: ask the reference itself
    verdict, errors = _ours(path)
    assert verdict == expected["verdict"], (
        f"{rel}: ours {verdict} ({errors[:3]}), openapi-spec-validator {expected['verdict']} "
        f"({expected.get('first_error')})")


def test_verdict_file_covers_corpus(reference: dict[str, Any]) -> None:
    if not os.path.isdir(CORPUS):
        pytest.skip(f"corpus folder absent: {CORPUS}")
    missing = sorted(set(_documents()) - set(reference))
    assert not missing, ("regenerate fixtures/corpus-verdicts.json (bench/gen_corpus_verdicts.py): "
                         f"{missing[:5]}")


# Small documents aimed at each semantic check openapi-spec-validator adds beyond the schema, and
# at the cases where the fast path must defer (cycles, unresolvable references, a new $id).
_OP = {"responses": {"200": {"description": "ok"}}}
_CRAFTED: dict[str, dict[str, Any]] = {
    "valid": {"paths": {"/a/{id}": {"get": {**_OP, "operationId": "a", "parameters": [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}}}},
    "duplicate operationId": {"paths": {"/a": {"get": {**_OP, "operationId": "x"}},
                                        "/b": {"get": {**_OP, "operationId": "x"}}}},
    "undeclared path parameter": {"paths": {"/a/{id}": {"get": _OP}}},
    "unbalanced brace": {"paths": {"/a/{id": {"get": _OP}}},
    "duplicate parameter": {"paths": {"/a": {"get": {**_OP, "parameters": [
        {"name": "q", "in": "query", "schema": {"type": "string"}},
        {"name": "q", "in": "query", "schema": {"type": "string"}}]}}}},
    "duplicate tag": {"tags": [{"name": "t"}, {"name": "t"}], "paths": {}},
    "bad default": {"paths": {}, "components": {"schemas": {"A": {"type": "integer", "default": "x"}}}},
    "null default not nullable": {"paths": {}, "components": {"schemas": {
        "A": {"type": "string", "default": None}}}},
    "default via $ref": {"paths": {}, "components": {"schemas": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}},
              "default": {"b": 3}}, "B": {"type": "string"}}}},
    "required not defined under allOf": {"paths": {}, "components": {"schemas": {
        "A": {"allOf": [{"type": "object"}], "required": ["x"]}}}},
    "bad regex": {"paths": {}, "components": {"schemas": {"A": {"type": "string", "pattern": "(?"}}}},
    "allOf cycle": {"paths": {}, "components": {"schemas": {
        "A": {"allOf": [{"$ref": "#/components/schemas/B"}], "required": ["x"]},
        "B": {"type": "object", "items": {"$ref": "#/components/schemas/B"}}}}},
    "unresolvable ref": {"paths": {}, "components": {"schemas": {
        "A": {"$ref": "#/components/schemas/Missing"}}}},
    "x- extension under paths": {"paths": {"x-note": "hello"}},
    "schema $id": {"paths": {}, "components": {"schemas": {
        "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"$id": "https://example.com/b", "type": "string"}}}},
}


@pytest.mark.parametrize("family", ["oas30", "oas31"])
@pytest.mark.parametrize("case", sorted(_CRAFTED))
def test_crafted_documents_agree(case: str, family: str, tmp_path: Any) -> None:
    version = "3.0.3" if family == "oas30" else "3.1.0"
    doc = {"openapi": version, "info": {"title": "t", "version": "1"}, **_CRAFTED[case]}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    expected = _generator().reference_verdict(str(path))["verdict"]
    verdict, errors = _ours(str(path))
    assert verdict == expected, f"{case}: ours {verdict} {errors[:2]}, reference {expected}"
