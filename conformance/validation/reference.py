"""openapi-spec-validator and openapi-schema-validator themselves: the reference verdict.

The slow path runs openapi-spec-validator's own validator, which decides whenever the fast walker
cannot vouch for a document, and gives the detailed messages. The walker also defers two checks
to the libraries' own code: a schema declaring another JSON Schema dialect, and a ``default``
value against its schema. Errors of either path are worded here.

Every import of these libraries is inside a function: openapi-spec-validator pulls in
pydantic-settings, requests and jsonschema-path (~0.2 s), which only an invalid or unusual
document needs.

The validator is given no reference handlers: the document arrives already bundled by ``specs``,
so any reference it cannot resolve locally is reported, never fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..yamlio import join_pointer

_MAX_MESSAGE = 300


def _offline(cls: type) -> type:
    return type("Offline" + cls.__name__, (cls,), {"resolver_handlers": {}})


def _reference_validator(family: str) -> type:
    from openapi_spec_validator.validation import validators as v

    cls = {"swagger2": v.OpenAPIV2SpecValidator, "oas30": v.OpenAPIV30SpecValidator,
           "oas31": v.OpenAPIV31SpecValidator}[family]
    return _offline(cls)


def slow_errors(data: dict[str, Any], family: str) -> Iterator[tuple[str, str]]:
    """openapi-spec-validator itself: the reference verdict, with per-error pointers."""
    validator = _reference_validator(family)(data)
    try:
        for err in validator.iter_errors():
            yield from_jsonschema(err)
    except RecursionError:
        yield "", "validation gave up: references nest too deeply"
    except Exception as exc:  # the validator raises (not yields) on unresolvable references
        yield "", _shorten(f"validation could not complete: {type(exc).__name__}: {exc}")


def from_jsonschema(err: Any) -> tuple[str, str]:
    """(pointer, message) of a jsonschema-style error."""
    path = list(getattr(err, "absolute_path", None) or getattr(err, "path", None) or ())
    # oneOf/anyOf failures say "X is not valid under any of the given schemas"; the most
    # relevant sub-error ("'description' is a required property") is what a person can fix.
    context = getattr(err, "context", None)
    if context:
        from jsonschema.exceptions import best_match

        err = best_match(context) or err
        path = list(getattr(err, "absolute_path", None) or path)
    return join_pointer("", *path), message(str(getattr(err, "message", err)))


def message(text: str) -> str:
    """First paragraph only (the rest repeats the schema), with the instance dump cut short."""
    text = text.split("\n\n")[0]
    for marker in (" is not valid under", " is not of type", " does not match", " is not one of"):
        head, sep, tail = text.partition(marker)
        if sep and len(head) > 60:
            text = head[:57] + "…" + sep + tail
            break
    return _shorten(text)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def dialect_error(schema: Any, dialect: str) -> str | None:
    """A schema object declaring a dialect other than OAS 3.1's base one, checked exactly as the
    library checks it (rare): the error to report, or None when it passes."""
    from jsonschema.validators import validator_for
    from openapi_schema_validator import oas31_format_checker

    cls = validator_for({"$schema": dialect}, default=None)
    if cls is None:
        return f"Unknown JSON Schema dialect: {dialect!r}"
    try:
        cls.check_schema(schema, format_checker=oas31_format_checker)
    except Exception as exc:
        return f"invalid schema: {getattr(exc, 'message', exc)}"
    return None


def default_errors(schema: Any, default: Any, family: str, resolver: Any) -> Iterator[str]:
    """``ValueValidator``: the messages for a ``default`` value against its schema, with the
    library's own validator class and format checker; raises where the library raises (e.g. on a
    reference it cannot resolve)."""
    from openapi_schema_validator import oas30_format_checker, oas31_format_checker
    from openapi_schema_validator.validators import OAS30Validator, OAS31Validator

    if family == "oas31":
        cls: Callable[..., Any] = OAS31Validator
        checker = oas31_format_checker
    else:
        cls, checker = OAS30Validator, oas30_format_checker
    validator = cls(schema, _resolver=resolver, format_checker=checker)
    for err in validator.iter_errors(default):
        yield err.message


def root_resolver(root: Any) -> Any:
    """What ``SchemaPath.from_dict`` builds: the document as a draft 2020-12 resource at "", so a
    ``default``'s schema resolves ``$ref`` from the document root."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry: Any = Registry().with_resource("", DRAFT202012.create_resource(root))
    return registry.resolver(base_uri="")
