"""Validating an example against its schema: openapi-schema-validator's verdict, reached fast.

DOC005 reports what openapi-schema-validator (on jsonschema) says about each example. That library
builds a validator object per subschema visited, which makes it the slowest static rule on large
documents (GitHub: 1,400 examples, 60,000 subschema visits). So ``fast_errors`` mirrors it for the
keywords examples meet (type, properties, required, enum, items, allOf/anyOf/oneOf, $ref, bounds,
pattern ...) and returns the same errors: the same instance paths and messages.

It is conservative: anything it does not mirror exactly (an unknown keyword handler, ``id``/``$id``
or ``$schema`` in a schema, a ``discriminator``, a reference it cannot follow, deep nesting, any
exception) makes it return None, and the caller asks jsonschema, which then decides, raises or
gives its messages as before. Which keywords are mirrored is decided by the identity of the
functions in the jsonschema validator class, so a library that wires a keyword differently
falls back to the library (``tests/unit/test_example_validation.py`` compares the two).
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Iterator, Sized
from functools import partial
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from ...patterns import pattern_accepts
from ...specs import SpecDocument
from ._util import doc_memo

DOC_URI = "urn:conformance:document"
_MAX_DEPTH = 64  # subschema visits; jsonschema uses ~3 stack frames per visit, far below the limit

Error = tuple[tuple[Any, ...], str]  # (instance path, message)


class _Bail(Exception):
    """Something the fast path does not mirror: jsonschema decides."""


def _bounded_pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """The spec's `pattern`, matched in bounded time (see conformance.patterns): a vendor's regex
    must not be able to hang the linter through its own examples."""
    import jsonschema

    if validator.is_type(instance, "string") and pattern_accepts(pattern, instance) is False:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=2)
def validator_class(oas31: bool) -> Any:
    """The jsonschema validator class DOC005 uses (imported on first use: ~0.4 s)."""
    import jsonschema
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    base = OAS31Validator if oas31 else OAS30Validator
    return jsonschema.validators.extend(base, {"pattern": _bounded_pattern})


# --- the mirror --------------------------------------------------------------------------------

def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


_TYPES_30: dict[str, Callable[[Any], bool]] = {  # oas30_type_checker
    "string": lambda x: isinstance(x, str), "number": _is_number, "boolean": lambda x: isinstance(x, bool),
    "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
    "array": lambda x: isinstance(x, list), "object": lambda x: isinstance(x, dict),
}
_TYPES_2020 = {  # draft202012_type_checker: 1.0 is an integer, and there is null
    **_TYPES_30, "null": lambda x: x is None,
    "integer": lambda x: _TYPES_30["integer"](x) or (isinstance(x, float) and x.is_integer()),
}


class _Run:
    """One example against one schema; ``path`` is the instance path of the current visit."""

    def __init__(self, mirror: _Mirror) -> None:
        self.m = mirror
        self.path: list[Any] = []

    def fail(self, out: list[Error], message: str) -> None:
        out.append((tuple(self.path), message))

    def visit(self, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        """jsonschema's ``descend``: every keyword of the schema, errors appended to ``out``."""
        if schema is True:
            return
        if schema is False:
            self.fail(out, f"False schema does not allow {instance!r}")
            return
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            raise _Bail
        handlers = self.m.handlers
        for key, value in schema.items():
            handler = handlers.get(key)
            if handler is not None:
                handler(self, value, instance, schema, out, depth + 1)

    def child(self, key: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        self.path.append(key)
        self.visit(instance, schema, out, depth)
        self.path.pop()

    def valid(self, instance: Any, schema: Any, depth: int) -> bool:
        errors: list[Error] = []
        self.visit(instance, schema, errors, depth)
        return not errors

    # keyword handlers: (run, keyword value, instance, schema, out, depth), as jsonschema's

    def k_bail(self, *_: Any) -> None:
        raise _Bail

    def k_ref(self, ref: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        self.visit(instance, self.m.target(ref), out, depth)

    def k_properties(self, props: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if isinstance(instance, dict):
            path, visit = self.path, self.visit  # the hottest loop: `child` inlined
            for name, sub in props.items():
                if name in instance:
                    path.append(name)
                    visit(instance[name], sub, out, depth)
                    path.pop()

    def k_items_30(self, items: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if isinstance(instance, list):
            for index, item in enumerate(instance):
                self.child(index, item, items, out, depth)

    def k_items_2020(self, items: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(instance, list) or not instance:
            return
        if "prefixItems" in schema:
            raise _Bail
        if items is False:
            extra = len(instance)
            rest = instance if extra != 1 else instance[0]
            self.fail(out, f"Expected at most 0 items but found {extra} extra: {rest!r}")
        else:
            for index, item in enumerate(instance):
                self.child(index, item, items, out, depth)

    def k_required_30(self, required: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(instance, dict):
            return
        if not isinstance(required, list):
            raise _Bail
        for name in required:
            if name not in instance:
                prop = schema.get("properties", {}).get(name)
                # openapi-schema-validator lets a readOnly or writeOnly property be absent
                if prop and (prop.get("readOnly", False) or prop.get("writeOnly", False)):
                    continue
                self.fail(out, f"{name!r} is a required property")

    def k_required(self, required: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if isinstance(instance, dict):
            if not isinstance(required, list):
                raise _Bail
            for name in required:
                if name not in instance:
                    self.fail(out, f"{name!r} is a required property")

    def k_type_30(self, kind: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if kind == "string" and isinstance(instance, str):
            return  # the commonest case, decided without a lookup
        check = _TYPES_30.get(kind) if isinstance(kind, str) else None
        if check is None:
            raise _Bail  # jsonschema raises UnknownType (or TypeError)
        if instance is None:
            if schema.get("nullable") is True:
                return
            self.fail(out, "None for not nullable")
        if kind == "string" and schema.get("format") == "binary" and isinstance(instance, bytes):
            return  # openapi-schema-validator accepts bytes there (YAML !!binary)
        if not check(instance):
            self.fail(out, f"{instance!r} is not of type {kind!r}")

    def k_type_2020(self, kinds: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not isinstance(kinds, list) or not all(isinstance(k, str) and k in _TYPES_2020 for k in kinds):
            raise _Bail
        if not any(_TYPES_2020[k](instance) for k in kinds):
            self.fail(out, f"{instance!r} is not of type {', '.join(repr(k) for k in kinds)}")

    def k_enum(self, enums: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(enums, list):
            raise _Bail
        if all(not self.m.equal(each, instance) for each in enums):
            self.fail(out, f"{instance!r} is not one of {enums!r}")

    def k_const(self, const: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not self.m.equal(instance, const):
            self.fail(out, f"{const!r} was expected")

    def _extras(self, instance: dict[str, Any], schema: dict[str, Any]) -> set[Any]:
        if "patternProperties" in schema:
            raise _Bail  # matched with Python's re by jsonschema
        props = schema.get("properties", {})
        return {name for name in instance if name not in props}

    def k_additional_30(self, extra: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(instance, dict):
            return
        extras = self._extras(instance, schema)
        if not extras:
            return
        if isinstance(extra, dict):
            for name in extras:
                self.child(name, instance[name], extra, out, depth)
        elif extra is False:
            self.fail(out, _not_allowed(extras))

    def k_additional(self, extra: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(instance, dict):
            return
        extras = self._extras(instance, schema)
        if isinstance(extra, dict):
            for name in extras:
                self.child(name, instance[name], extra, out, depth)
        elif not extra and extras:
            self.fail(out, _not_allowed(sorted(extras, key=str)))

    def k_all_of(self, subs: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(subs, list):
            raise _Bail
        for sub in subs:
            self.visit(instance, sub, out, depth)

    def k_any_of(self, subs: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(subs, list):
            raise _Bail
        for sub in subs:
            if self.valid(instance, sub, depth):
                return
        self.fail(out, f"{instance!r} is not valid under any of the given schemas")

    def k_one_of(self, subs: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if not isinstance(subs, list):
            raise _Bail
        valid = [sub for sub in subs if self.valid(instance, sub, depth)]
        if not valid:
            self.fail(out, f"{instance!r} is not valid under any of the given schemas")
        elif len(valid) > 1:  # jsonschema names the later valid ones, then the first
            reprs = ", ".join(repr(sub) for sub in [*valid[1:], valid[0]])
            self.fail(out, f"{instance!r} is valid under each of {reprs}")

    def k_not(self, sub: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if self.valid(instance, sub, depth):
            self.fail(out, f"{instance!r} should not be valid under {sub!r}")

    def k_pattern(self, pattern: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if isinstance(instance, str) and pattern_accepts(pattern, instance) is False:
            self.fail(out, f"{instance!r} does not match {pattern!r}")

    def k_unique(self, unique: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if unique and isinstance(instance, list) and not self.m.uniq(instance):
            self.fail(out, f"{instance!r} has non-unique elements")

    def k_size(self, limit: Any, instance: Any, schema: Any, out: list[Error], depth: int, *,
               kind: type[Sized], short: bool) -> None:
        """minLength/maxLength (``kind`` str), minItems/maxItems (list)."""
        if not isinstance(instance, kind):
            return
        if short and len(instance) < limit:
            self.fail(out, f"{instance!r} {'should be non-empty' if limit == 1 else 'is too short'}")
        elif not short and len(instance) > limit:
            self.fail(out, f"{instance!r} {'is expected to be empty' if limit == 0 else 'is too long'}")

    def k_bound(self, bound: Any, instance: Any, schema: Any, out: list[Error], depth: int, *,
                low: bool, exclusive: bool | None) -> None:
        """minimum/maximum and the 2020-12 exclusive ones; ``exclusive`` None: draft 4's boolean sibling."""
        if not _is_number(instance):
            return
        if exclusive is None:
            exclusive = bool(schema.get("exclusiveMinimum" if low else "exclusiveMaximum", False))
        if low:
            failed, cmp = instance <= bound if exclusive else instance < bound, "less than"
        else:
            failed, cmp = instance >= bound if exclusive else instance > bound, "greater than"
        cmp += " or equal to" if exclusive else ""
        if failed:
            self.fail(out, f"{instance!r} is {cmp} the {'minimum' if low else 'maximum'} of {bound!r}")


def _undiscriminated(handler: Callable[..., None]) -> Callable[..., None]:
    """openapi-schema-validator's allOf/anyOf/oneOf follow a ``discriminator`` instead, if any."""

    def mirror(run: _Run, subs: Any, instance: Any, schema: Any, out: list[Error], depth: int) -> None:
        if "discriminator" in schema:
            raise _Bail
        handler(run, subs, instance, schema, out, depth)

    return mirror


def _not_allowed(extras: Any) -> str:
    names, verb = ", ".join(repr(extra) for extra in extras), "was" if len(extras) == 1 else "were"
    return f"Additional properties are not allowed ({names} {verb} unexpected)"


@functools.lru_cache(maxsize=2)
def _handlers(oas31: bool) -> dict[str, Callable[..., None]] | None:
    """keyword -> mirror, for the keywords the jsonschema class acts on; None if its type checker is
    not the expected one. A keyword wired to a function not listed here is a bail."""
    from jsonschema import _keywords as K
    from jsonschema import _legacy_keywords as L
    from jsonschema import _types
    from openapi_schema_validator import _keywords as O
    from openapi_schema_validator import _types as otypes

    cls = validator_class(oas31)
    expected = _types.draft202012_type_checker if oas31 else otypes.oas30_type_checker
    if cls.TYPE_CHECKER is not expected:
        return None
    mirrors: dict[Any, Callable[..., None] | None] = {
        K.ref: _Run.k_ref, K.properties: _Run.k_properties, O.items: _Run.k_items_30,
        K.items: _Run.k_items_2020, O.required: _Run.k_required_30, K.required: _Run.k_required,
        O.type: _Run.k_type_30, K.type: _Run.k_type_2020, K.enum: _Run.k_enum, K.const: _Run.k_const,
        O.additionalProperties: _Run.k_additional_30, K.additionalProperties: _Run.k_additional,
        O.allOf: _undiscriminated(_Run.k_all_of), O.anyOf: _undiscriminated(_Run.k_any_of),
        O.oneOf: _undiscriminated(_Run.k_one_of), K.allOf: _Run.k_all_of, K.anyOf: _Run.k_any_of,
        K.oneOf: _Run.k_one_of, K.not_: _Run.k_not,
        _bounded_pattern: _Run.k_pattern, K.uniqueItems: _Run.k_unique,
        K.minLength: partial(_Run.k_size, kind=str, short=True),
        K.maxLength: partial(_Run.k_size, kind=str, short=False),
        K.minItems: partial(_Run.k_size, kind=list, short=True),
        K.maxItems: partial(_Run.k_size, kind=list, short=False),
        L.minimum_draft3_draft4: partial(_Run.k_bound, low=True, exclusive=None),
        L.maximum_draft3_draft4: partial(_Run.k_bound, low=False, exclusive=None),
        K.minimum: partial(_Run.k_bound, low=True, exclusive=False),
        K.maximum: partial(_Run.k_bound, low=False, exclusive=False),
        K.exclusiveMinimum: partial(_Run.k_bound, low=True, exclusive=True),
        K.exclusiveMaximum: partial(_Run.k_bound, low=False, exclusive=True),
        # no-ops (not even called): annotations, and `format` (the validator has no format checker)
        O.not_implemented: None, O.format: None, K.format: None,
    }
    wired = ((key, mirrors.get(func, _Run.k_bail)) for key, func in cls.VALIDATORS.items())
    handlers = {key: h for key, h in wired if h is not None}
    # A schema that sets its own base URI or dialect changes how jsonschema resolves and validates.
    for key in ("$id", "$schema") if oas31 else ("id", "$schema"):
        handlers[key] = _Run.k_bail
    return handlers


class _Mirror:
    """Per document and dialect: the keyword handlers and the targets of local references."""

    def __init__(self, data: Any, oas31: bool, handlers: dict[str, Callable[..., None]]) -> None:
        from jsonschema._utils import equal, uniq

        self.data = data
        self.handlers = handlers
        self.id_key = "$id" if oas31 else "id"
        self.equal, self.uniq = equal, uniq
        self._targets: dict[str, Any] = {}
        self.judged: dict[tuple[int, int], tuple[Any, Any, list[Error] | None]] = {}

    def target(self, ref: Any) -> Any:
        """What a reference resolves to, as referencing would find it (memoised): a ``#/...`` one in
        the document, or the validator's root ``{"$ref": "urn:...#/..."}`` (base URI "")."""
        if not isinstance(ref, str):
            raise _Bail
        if ref not in self._targets:
            uri, fragment = ("", ref[1:]) if ref.startswith("#") else urldefrag(urljoin("", ref))
            self._targets[ref] = self._pointer(fragment) if uri in ("", DOC_URI) else _Bail
        found = self._targets[ref]
        if found is _Bail:
            raise _Bail
        return found

    def _pointer(self, fragment: str) -> Any:
        if not fragment.startswith("/") or isinstance(self.data, dict) and "$schema" in self.data:
            return _Bail  # the whole document, an anchor, or a document with its own dialect
        contents = self.data
        for segment in unquote(fragment[1:]).split("/"):
            try:
                if isinstance(contents, list):
                    contents = contents[int(segment)]
                elif isinstance(contents, dict):
                    contents = contents[segment.replace("~1", "/").replace("~0", "~")]
                else:
                    return _Bail
            except (LookupError, ValueError):
                return _Bail
            if isinstance(contents, dict) and self.id_key in contents:
                return _Bail  # may move the base URI on the way
        return contents if isinstance(contents, (dict, bool)) else _Bail


def _mirror(doc: SpecDocument, oas31: bool) -> _Mirror | None:
    memo = doc_memo(doc, "examples.mirror")
    if oas31 not in memo:
        handlers = _handlers(oas31)
        memo[oas31] = _Mirror(doc.data, oas31, handlers) if handlers is not None else None
    mirror: _Mirror | None = memo[oas31]
    return mirror


def fast_errors(doc: SpecDocument, schema_ref: str, instance: Any, oas31: bool) -> list[Error] | None:
    """Every error jsonschema would report for ``instance`` against ``{"$ref": schema_ref}``, as
    (instance path, message); None when only jsonschema itself can tell."""
    mirror = _mirror(doc, oas31)
    if mirror is None:
        return None
    hops = 0  # bare `$ref`s followed first (they add no path): shared targets are then recognised
    try:
        schema = mirror.target(schema_ref)
        while isinstance(schema, dict) and len(schema) == 1 and "$ref" in schema:
            hops += 1
            if hops > _MAX_DEPTH:
                return None
            schema = mirror.target(schema["$ref"])
    except _Bail:
        return None
    # A shared example under a shared schema (one in five on GitHub) is judged once. The memo keeps
    # both objects, so their ids stay theirs; the list is shared, callers must not modify it.
    key = (id(schema), id(instance))
    judged = mirror.judged.get(key)
    if judged is None:
        out: list[Error] = []
        try:
            _Run(mirror).visit(instance, schema, out, hops)
            judged = (schema, instance, out)
        except Exception:  # _Bail, or anything jsonschema might meet differently: let it decide
            judged = (schema, instance, None)
        mirror.judged[key] = judged
    return judged[2]
