"""Structural validation of OpenAPI 2.0 / 3.0 / 3.1, giving openapi-spec-validator's verdict.

The verdict is openapi-spec-validator's (the corpus agreement test holds us to that), but reached
fast. openapi-spec-validator does two things: (1) it validates the document against the official
OpenAPI JSON schema (with jsonschema-rs when installed), then (2) walks the document through
``jsonschema_path.SchemaPath`` running semantic checks (duplicate operationIds and tags, path
parameters, each schema against its metaschema, ``default`` values against their schema, extra
``required`` names under ``allOf``). Step (2) is what costs: a lazy, ref-resolving path object per
access and a list lookup per schema (quadratic), about 30 s on GitHub's 13 MB description.

So ``fast`` runs (1) with jsonschema-rs over the library's own schema file, then mirrors (2) over
plain dicts; when it cannot vouch for a document, ``reference`` runs openapi-spec-validator itself,
which then decides and gives the detailed messages. A document found valid yields nothing and
costs no more.

- ``fast``: the walker mirroring step (2); says "valid" only when sure the library would.
- ``reference``: openapi-spec-validator and openapi-schema-validator themselves (the slow path,
  the checks the walker defers to them, the wording of errors).
- ``metaschemas``: the official OpenAPI schemas and the JSON Schema metaschemas, read from the
  packages' files without importing them (the libraries' own objects when the layout differs),
  and the validators over them: jsonschema-rs for verdicts, the library's own for step (1)'s errors.
- ``cache``: verdicts per content hash, in process and optionally on disk.

openapi-spec-validator, openapi-schema-validator and jsonschema are imported only inside the
functions that use them (openapi-spec-validator alone costs ~0.2 s): only an invalid or unusual
document, or one with ``default`` values, needs them (tests/unit/test_load_fastpaths.py checks
that a clean lint imports none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import cache
from .cache import clear_cache
from .fast import fast_errors
from .reference import slow_errors

__all__ = ["clear_cache", "structural_errors"]


def structural_errors(data: Any, family: str | None, version: str | None) -> Iterator[tuple[str, str]]:
    """Yields (JSON pointer, message) for every structural error; nothing for a valid document."""
    if not isinstance(data, dict):
        yield "", "document is not a mapping (object)"
        return
    if family is None:
        if version is None:
            yield "", "no `openapi` or `swagger` field: not an OpenAPI document"
        else:
            yield "", f"unsupported OpenAPI version {version!r} (2.0, 3.0.x and 3.1.x are supported)"
        return
    key = cache.content_key(data, family)
    cached = cache.get(key) if key else None
    if cached is None:
        fast = fast_errors(data, family)
        cached = fast if fast is not None else list(slow_errors(data, family))
        if key:
            cache.put(key, cached)
    yield from cached
