"""Structural validation of OpenAPI 2.0 / 3.0 / 3.1: the only module importing openapi-spec-validator.

The validator is given no reference handlers: the document arrives already bundled by ``specs``,
so any reference it cannot resolve locally is reported, never fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import best_match
from openapi_spec_validator.validation import validators as _v

from .yamlio import join_pointer

_MAX_MESSAGE = 300


def _offline(cls: type) -> type:
    return type("Offline" + cls.__name__, (cls,), {"resolver_handlers": {}})


_VALIDATORS = {
    "swagger2": _offline(_v.OpenAPIV2SpecValidator),
    "oas30": _offline(_v.OpenAPIV30SpecValidator),
    "oas31": _offline(_v.OpenAPIV31SpecValidator),
}


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
    validator = _VALIDATORS[family](data)
    try:
        for err in validator.iter_errors():
            path = list(getattr(err, "absolute_path", None) or getattr(err, "path", None) or ())
            # oneOf/anyOf failures say "X is not valid under any of the given schemas"; the most
            # relevant sub-error ("'description' is a required property") is what a person can fix.
            context = getattr(err, "context", None)
            if context:
                err = best_match(context) or err
                path = list(getattr(err, "absolute_path", None) or path)
            yield join_pointer("", *path), _message(str(getattr(err, "message", err)))
    except RecursionError:
        yield "", "validation gave up: references nest too deeply"
    except Exception as exc:  # the validator raises (not yields) on unresolvable references
        yield "", _shorten(f"validation could not complete: {type(exc).__name__}: {exc}")


def _message(message: str) -> str:
    """First paragraph only (the rest repeats the schema), with the instance dump cut short."""
    message = message.split("\n\n")[0]
    for marker in (" is not valid under", " is not of type", " does not match", " is not one of"):
        head, sep, tail = message.partition(marker)
        if sep and len(head) > 60:
            message = head[:57] + "…" + sep + tail
            break
    return _shorten(message)


def _shorten(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"
