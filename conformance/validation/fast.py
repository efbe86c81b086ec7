"""The fast path: openapi-spec-validator's verdict without its cost, or "unsure".

Step (1), the document against the official OpenAPI schema, runs with jsonschema-rs over the
library's own schema file (``metaschemas``); the library's own validator words the errors. Step (2), the library's keyword validators, is
mirrored over plain dicts by ``_Walker``, in the same order and with the same rules, checking
schema objects against their metaschema with jsonschema-rs. It is conservative: it only ever says
"valid" when it is sure openapi-spec-validator would; anything unusual (a ``$ref`` it cannot
follow, ``$id`` on the way, very deep nesting, a ``default`` the library's validator cannot take)
makes it unsure, and the caller then lets the library itself decide (``reference``). It follows
only ``#`` references inside the document.
"""

from __future__ import annotations

import string
import urllib.parse
from collections.abc import Mapping
from typing import Any

from ..yamlio import join_pointer
from .metaschemas import OAS31_BASE_DIALECT, metaschema_validator, official_schema, schema_valid
from .reference import default_errors, dialect_error, from_jsonschema, message, root_resolver


class _Unsure(Exception):
    """The fast path cannot vouch for this document: let openapi-spec-validator decide."""


_UNSURE = object()


# Deep schema nesting makes openapi-spec-validator's recursive generators hit the recursion limit
# (a RecursionError, so "invalid"); past this depth we let it decide rather than guess.
_MAX_DEPTH = 40
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_SCHEMA_WORDS = frozenset({"allOf", "anyOf", "oneOf", "not", "items", "properties", "default"})


def fast_errors(data: dict[str, Any], family: str) -> list[tuple[str, str]] | None:
    """The errors openapi-spec-validator would find (same verdict), or None when unsure."""
    errors = [] if schema_valid(data, family) else [
        from_jsonschema(err) for err in official_schema(family).iter_errors(data)]
    walker = _Walker(data, family)
    try:
        walker.run()
    except (_Unsure, RecursionError):
        return errors or None  # with schema errors the verdict is sure; else the reference decides
    except Exception:  # a malformed document can trip the walk: only certain if already invalid
        if errors:
            return errors
        return None
    return errors + walker.errors


# A pointer, built only when an error needs it: a str, or (parent pointer, key or index).
_Ptr = Any


def _render(ptr: _Ptr) -> str:
    tokens: list[str | int] = []
    while isinstance(ptr, tuple):
        ptr, token = ptr
        tokens.append(token)
    return join_pointer(ptr, *reversed(tokens))


class _Walker:
    """openapi-spec-validator's keyword validators (validation/keywords.py), over plain data.

    Same traversal order, same dedupe (by object identity), same checks; an error it would yield
    is collected here (with a pointer it does not give); where it would raise, or where we cannot
    be sure to agree (see ``_Unsure``), we stop and the caller lets it decide. ``SchemaPath``
    resolves a ``$ref`` (a mapping whose ``$ref`` is a string) at every step; ``_d`` does too."""

    def __init__(self, data: dict[str, Any], family: str) -> None:
        self.root = data
        self.family = family
        self.swagger = family == "swagger2"
        self.errors: list[tuple[str, str]] = []
        self.operation_ids: set[Any] = set()
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()  # ids are stable: every object lives in ``root``
        self._resolver: Any = None
        self.targets: dict[str, Any] = {}  # $ref -> (target, pointer) or _UNSURE
        self.names: list[str] = []  # path parameter names of the list ``names_of`` (_operation)
        self.names_of: Any = None
        self.meta = metaschema_validator(family)

    # -- SchemaPath semantics --------------------------------------------------------------
    def _d(self, node: Any, ptr: _Ptr = "") -> Any:
        return self._dp(node, ptr)[0]

    def _dp(self, node: Any, ptr: _Ptr) -> tuple[Any, _Ptr]:
        """Follow references as jsonschema-path does (``#`` pointers only; else unsure)."""
        if type(node) is not dict or "$ref" not in node:  # the common case, kept cheap
            return node, ptr
        hops = 0
        while isinstance(node, dict) and isinstance(ref := node.get("$ref"), str):
            if hops > 32:
                raise _Unsure
            hit = self.targets.get(ref)
            if hit is None:
                hit = self.targets[ref] = self._target(ref)
            if hit is _UNSURE:
                raise _Unsure
            node, ptr = hit
            hops += 1
        return node, ptr

    def _target(self, ref: str) -> Any:
        """What a reference points at, and the pointer (once per reference: see _dp)."""
        if not ref.startswith("#"):
            return _UNSURE
        fragment = urllib.parse.unquote(ref[1:])
        target: Any = self.root
        if fragment:
            if not fragment.startswith("/"):
                return _UNSURE  # an anchor
            for seg in fragment[1:].split("/"):
                if isinstance(target, list):
                    try:
                        target = target[int(seg)]
                    except (ValueError, IndexError):
                        return _UNSURE
                elif isinstance(target, dict):
                    seg = seg.replace("~1", "/").replace("~0", "~")
                    if seg not in target:
                        return _UNSURE
                    target = target[seg]
                else:
                    return _UNSURE
                if isinstance(target, dict) and "$id" in target:
                    return _UNSURE  # a new base URI: relative references change meaning
        return target, fragment

    @staticmethod
    def _has(node: Any, key: str) -> bool:
        return isinstance(node, dict) and key in node

    def _get(self, node: dict[str, Any], key: str, ptr: _Ptr) -> tuple[Any, _Ptr]:
        return self._dp(node[key], (ptr, key))

    def _items(self, node: Any, ptr: _Ptr) -> list[tuple[str, Any, _Ptr]]:
        if not isinstance(node, dict):
            raise _Unsure  # lists give int keys (an assertion fails); scalars raise KeyError
        dp, out = self._dp, []
        for k, v in node.items():
            if not isinstance(k, str):
                raise _Unsure
            out.append((k, *dp(v, (ptr, k))) if type(v) is dict and "$ref" in v else (k, v, (ptr, k)))
        return out

    def _iter(self, node: Any, ptr: _Ptr) -> list[tuple[Any, _Ptr]]:
        if not isinstance(node, list):
            raise _Unsure
        dp = self._dp
        return [dp(v, (ptr, i)) for i, v in enumerate(node)]

    def _str(self, node: Any, key: str) -> str:
        if not isinstance(node, dict) or key not in node:
            raise _Unsure
        value = self._d(node[key])
        if not isinstance(value, str):
            raise _Unsure
        return value

    def _error(self, ptr: _Ptr, text: str) -> None:
        self.errors.append((_render(ptr), message(text)))

    # -- RootValidator and below -----------------------------------------------------------
    def run(self) -> None:
        root = self._d(self.root)
        if self._has(root, "tags"):
            seen: set[str] = set()
            for tag, ptr in self._iter(*self._get(root, "tags", "")):
                name = self._str(tag, "name")
                if name in seen:
                    self._error(ptr, f"Duplicate tag name '{name}'")
                seen.add(name)
        if self._has(root, "paths"):
            for url, item, ptr in self._items(*self._get(root, "paths", "")):
                self._path(url, item, ptr)
        if self._has(root, "components"):
            components, ptr = self._get(root, "components", "")
            if self._has(components, "schemas"):
                for _, schema, s_ptr in self._items(*self._get(components, "schemas", ptr)):
                    self._schema(schema, s_ptr)

    def _path(self, url: str, item: Any, ptr: _Ptr) -> None:
        parameters = None
        if self._has(item, "parameters"):
            parameters = self._parameters(*self._get(item, "parameters", ptr))
        for field, operation, o_ptr in self._items(item, ptr):
            if field in _METHODS:
                self._operation(url, field, operation, o_ptr, parameters)

    def _parameters(self, parameters: Any, ptr: _Ptr) -> list[tuple[Any, _Ptr]]:
        """Checks a parameter list; returns it resolved, for _path_names."""
        seen: set[tuple[Any, Any]] = set()
        resolved = self._iter(parameters, ptr)
        for parameter, p_ptr in resolved:
            if self._has(parameter, "schema"):
                self._schema(*self._get(parameter, "schema", p_ptr))
            if self.swagger and self._has(parameter, "default"):
                self._default(parameter, self._get(parameter, "default", p_ptr)[0], p_ptr)
            if not isinstance(parameter, dict) or "name" not in parameter or "in" not in parameter:
                raise _Unsure
            key = (parameter["name"], parameter["in"])
            try:
                if key in seen:
                    self._error(p_ptr, f"Duplicate parameter '{parameter['name']}'")
                seen.add(key)
            except TypeError:  # unhashable: the reference would raise
                raise _Unsure from None
        return resolved

    def _operation(self, url: str, method: str, operation: Any, ptr: _Ptr,
                   path_parameters: list[tuple[Any, _Ptr]] | None) -> None:
        if self._has(operation, "operationId"):
            op_id, id_ptr = self._get(operation, "operationId", ptr)
            try:
                if op_id is not None and op_id in self.operation_ids:
                    self._error(id_ptr, f"Operation ID '{op_id}' for '{method}' in '{url}' is not unique")
                self.operation_ids.add(op_id)
            except TypeError:
                raise _Unsure from None
        if self._has(operation, "responses"):
            for _, response, r_ptr in self._items(*self._get(operation, "responses", ptr)):
                if self.swagger:
                    if self._has(response, "schema"):
                        self._schema(*self._get(response, "schema", r_ptr))
                elif self._has(response, "content"):
                    for _, media, m_ptr in self._items(*self._get(response, "content", r_ptr)):
                        if self._has(media, "schema"):
                            self._schema(*self._get(media, "schema", m_ptr))
        names: list[str] = []
        if self._has(operation, "parameters"):
            names += self._path_names(self._parameters(*self._get(operation, "parameters", ptr)))
        if path_parameters is not None:  # the path's own list: the same for all its operations
            if self.names_of is not path_parameters:
                self.names, self.names_of = self._path_names(path_parameters), path_parameters
            names += self.names
        try:
            in_url = {f[1] for f in string.Formatter().parse(url) if f[1]}
        except ValueError:
            raise _Unsure from None  # unbalanced braces: the reference raises
        declared = set(names)
        for name in sorted(in_url - declared) + sorted(declared - in_url):
            self._error(ptr, f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved")

    def _path_names(self, resolved: list[tuple[Any, _Ptr]]) -> list[str]:
        return [self._str(p, "name") for p, _ in resolved if self._str(p, "in") == "path"]

    # -- SchemaValidator -------------------------------------------------------------------
    def _schema(self, value: Any, ptr: _Ptr, require_properties: bool = True,
                meta_checked: bool = False, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            raise _Unsure
        if type(value) is not dict and not isinstance(value, (Mapping, bool)):  # (ABCs are slow)
            self._error(ptr, f"{value!r} is not of type 'object', 'boolean'")
            return
        sid = id(value)
        if not meta_checked and sid not in self.meta_checked:
            self.meta_checked.add(sid)
            if not self._meta_check(value, ptr):
                return
        if sid in self.visited:
            return
        self.visited.add(sid)
        if not isinstance(value, dict) or _SCHEMA_WORDS.isdisjoint(value):
            return  # most schemas: nothing below to check
        nested: set[Any] = set()
        depth += 1
        if "allOf" in value:
            for inner, i_ptr in self._iter(*self._get(value, "allOf", ptr)):
                self._schema(inner, i_ptr, False, True, depth)
                nested |= self._collect(inner, ())
        for key in ("anyOf", "oneOf"):
            if key in value:
                for inner, i_ptr in self._iter(*self._get(value, key, ptr)):
                    self._schema(inner, i_ptr, False, True, depth)
        for key in ("not", "items"):
            if key in value:
                self._schema(*self._get(value, key, ptr), False, True, depth)
        if "properties" in value:
            visited = self.visited
            for _, prop, p_ptr in self._items(*self._get(value, "properties", ptr)):
                if type(prop) is dict and depth <= _MAX_DEPTH and _SCHEMA_WORDS.isdisjoint(prop):
                    visited.add(id(prop))  # what _schema does with a leaf (most properties)
                else:
                    self._schema(prop, p_ptr, False, True, depth)
        if "allOf" in value and require_properties:
            required = self._d(value["required"]) if "required" in value else None
            props = self._d(value["properties"]) if "properties" in value else None
            try:
                extra = list(set(required or []) - set(props.keys() if isinstance(props, dict) else [])
                             - nested)
            except TypeError:
                raise _Unsure from None
            if extra:
                self._error(ptr, f"Required list has not defined properties: {extra}")
        if "default" in value:
            default = self._d(value["default"])
            nullable = self._d(value["nullable"]) if "nullable" in value else False
            if default is not None or nullable is not True:
                self._default(value, default, ptr)

    def _collect(self, value: Any, stack: tuple[int, ...]) -> set[Any]:
        """``_collect_properties``: the reference recurses without a cycle check (a cycle means a
        RecursionError there); so does this, but it notices the cycle and defers."""
        if id(value) in stack or len(stack) > _MAX_DEPTH:
            raise _Unsure
        stack = (*stack, id(value))
        props: set[Any] = set()
        if not isinstance(value, dict):
            return props
        if "properties" in value:
            sub = self._d(value["properties"])
            if isinstance(sub, dict):
                props.update(sub.keys())
            elif isinstance(sub, list):
                props.update(range(len(sub)))
            else:
                raise _Unsure
        for kw in ("allOf", "anyOf", "oneOf"):
            if kw in value:
                for sub, _ in self._iter(self._d(value[kw]), ""):
                    props |= self._collect(sub, stack)
        for kw in ("items", "not"):
            if kw in value:
                props |= self._collect(self._d(value[kw]), stack)
        return props


    def _meta_check(self, value: Any, ptr: _Ptr) -> bool:
        if self.family == "oas31":
            dialect = self._dialect(value, ptr)
            if dialect is None:
                return False
            if dialect != OAS31_BASE_DIALECT:
                return self._meta_check_other(value, dialect, ptr)
        if self.meta.is_valid(value):
            return True
        err = next(iter(self.meta.iter_errors(value)))
        where = join_pointer(_render(ptr), *getattr(err, "instance_path", ()))
        self._error(where, f"invalid schema: {err.message}")
        return False

    def _dialect(self, value: Any, ptr: _Ptr) -> str | None:
        if isinstance(value, Mapping) and "$schema" in value:
            dialect = value["$schema"]
            if not isinstance(dialect, str):
                self._error(ptr, f"Unknown JSON Schema dialect: {dialect!r}")
                return None
            return dialect
        if "jsonSchemaDialect" in self.root:
            dialect = self._d(self.root["jsonSchemaDialect"])
            if not isinstance(dialect, str):
                raise _Unsure
            return dialect
        return OAS31_BASE_DIALECT

    def _meta_check_other(self, value: Any, dialect: str, ptr: _Ptr) -> bool:
        """A dialect other than OAS 3.1's base one: exactly the reference's own check (rare)."""
        problem = dialect_error(value, dialect)
        if problem is not None:
            self._error(ptr, problem)
        return problem is None

    def _default(self, schema: Any, default: Any, ptr: _Ptr) -> None:
        """``ValueValidator``: the default against its schema, with the reference's own validator
        class and format checker, resolving ``$ref`` from the document root."""
        try:
            for problem in default_errors(schema, default, self.family, self._root_resolver()):
                self._error((ptr, "default"), f"default value: {problem}")
        except RecursionError:
            raise
        except Exception:  # e.g. a reference it cannot resolve: the reference raises too
            raise _Unsure from None

    def _root_resolver(self) -> Any:
        if self._resolver is None:
            self._resolver = root_resolver(self.root)
        return self._resolver
