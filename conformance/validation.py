"""Structural validation of OpenAPI 2.0 / 3.0 / 3.1: the only module importing openapi-spec-validator.

The verdict is openapi-spec-validator's (the corpus agreement test holds us to that), but reached
fast. openapi-spec-validator does two things: (1) it validates the document against the official
OpenAPI JSON schema (with jsonschema-rs when installed), then (2) walks the document through
``jsonschema_path.SchemaPath`` running semantic checks (duplicate operationIds and tags, path
parameters, each schema against its metaschema, ``default`` values against their schema, extra
``required`` names under ``allOf``). Step (2) is what costs: a lazy, ref-resolving path object per
access and a list lookup per schema (quadratic), about 30 s on GitHub's 13 MB description.

So the fast path runs (1) with openapi-spec-validator's own schema validator object, then mirrors
(2) over plain dicts, in the same order and with the same rules, checking metaschemas with
jsonschema-rs. It is conservative: it only ever says "valid" when it is sure openapi-spec-validator
would; anything unusual (a ``$ref`` it cannot follow, ``$id`` on the way, very deep nesting, a
metaschema or ``default`` failure) sends the document to openapi-spec-validator itself, which then
decides and gives the detailed messages. A document found valid yields nothing and costs no more.

The validator is given no reference handlers: the document arrives already bundled by ``specs``,
so any reference it cannot resolve locally is reported, never fetched. The fast path follows only
``#`` references inside the document.

Verdicts are cached per content hash: in process (LRU), and on disk when ``CONFORMANCE_CACHE_DIR``
names a folder (CI runs lint the same documents again and again).
"""

from __future__ import annotations

import hashlib
import json
import os
import string
import tempfile
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .yamlio import join_pointer

_MAX_MESSAGE = 300
_CACHE_VERSION = "1"  # bump when the verdict logic changes: on-disk entries then stop matching
_CACHE_ENV = "CONFORMANCE_CACHE_DIR"
_LRU_SIZE = 64


def _offline(cls: type) -> type:
    return type("Offline" + cls.__name__, (cls,), {"resolver_handlers": {}})


def _reference_validator(family: str) -> type:
    # Imported here: openapi-spec-validator pulls in pydantic-settings, requests and jsonschema-path
    # (~0.2 s), which only an invalid or unusual document needs.
    from openapi_spec_validator.validation import validators as v

    cls = {"swagger2": v.OpenAPIV2SpecValidator, "oas30": v.OpenAPIV30SpecValidator,
           "oas31": v.OpenAPIV31SpecValidator}[family]
    return _offline(cls)


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
    key = _content_key(data, family)
    cached = _cache_get(key) if key else None
    if cached is None:
        fast = _fast_errors(data, family)
        cached = fast if fast is not None else list(_slow_errors(data, family))
        if key:
            _cache_put(key, cached)
    yield from cached


def _slow_errors(data: dict[str, Any], family: str) -> Iterator[tuple[str, str]]:
    """openapi-spec-validator itself: the reference verdict, with per-error pointers."""
    validator = _reference_validator(family)(data)
    try:
        for err in validator.iter_errors():
            yield _from_jsonschema(err)
    except RecursionError:
        yield "", "validation gave up: references nest too deeply"
    except Exception as exc:  # the validator raises (not yields) on unresolvable references
        yield "", _shorten(f"validation could not complete: {type(exc).__name__}: {exc}")


def _from_jsonschema(err: Any) -> tuple[str, str]:
    path = list(getattr(err, "absolute_path", None) or getattr(err, "path", None) or ())
    # oneOf/anyOf failures say "X is not valid under any of the given schemas"; the most
    # relevant sub-error ("'description' is a required property") is what a person can fix.
    context = getattr(err, "context", None)
    if context:
        from jsonschema.exceptions import best_match

        err = best_match(context) or err
        path = list(getattr(err, "absolute_path", None) or path)
    return join_pointer("", *path), _message(str(getattr(err, "message", err)))


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


# --------------------------------------------------------------------------------------------
# Cache per content hash


_lru: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()


def _content_key(data: dict[str, Any], family: str) -> str | None:
    try:
        import orjson

        blob = orjson.dumps(data)
    except Exception:  # integers over 64 bits, or orjson missing: no caching, still correct
        return None
    h = hashlib.sha256(blob)
    h.update(f"\0{family}\0{_osv_version()}\0{_CACHE_VERSION}".encode())
    return h.hexdigest()


def _cache_get(key: str) -> list[tuple[str, str]] | None:
    if key in _lru:
        _lru.move_to_end(key)
        return _lru[key]
    folder = os.environ.get(_CACHE_ENV)
    if not folder:
        return None
    try:
        with open(os.path.join(folder, f"structure-{key}.json"), encoding="utf-8") as fh:
            value = [(str(p), str(m)) for p, m in json.load(fh)]
    except (OSError, ValueError, TypeError):
        return None
    _remember(key, value)
    return value


def _cache_put(key: str, value: list[tuple[str, str]]) -> None:
    _remember(key, value)
    folder = os.environ.get(_CACHE_ENV)
    if not folder:
        return
    try:  # write-then-rename, so a concurrent reader never sees half a file
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False)
        os.replace(tmp, os.path.join(folder, f"structure-{key}.json"))
    except OSError:
        pass  # a cache that cannot be written is only a slower run


def _remember(key: str, value: list[tuple[str, str]]) -> None:
    _lru[key] = value
    _lru.move_to_end(key)
    while len(_lru) > _LRU_SIZE:
        _lru.popitem(last=False)


def clear_cache() -> None:
    """Forget in-process verdicts (tests, benchmarks)."""
    _lru.clear()


# --------------------------------------------------------------------------------------------
# Fast path


class _Unsure(Exception):
    """The fast path cannot vouch for this document: let openapi-spec-validator decide."""


_UNSURE = object()


# Deep schema nesting makes openapi-spec-validator's recursive generators hit the recursion limit
# (a RecursionError, so "invalid"); past this depth we let it decide rather than guess.
_MAX_DEPTH = 40
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_OAS31_BASE_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
_SCHEMA_WORDS = frozenset({"allOf", "anyOf", "oneOf", "not", "items", "properties", "default"})


def _fast_errors(data: dict[str, Any], family: str) -> list[tuple[str, str]] | None:
    """The errors openapi-spec-validator would find (same verdict), or None when unsure."""
    errors = [] if _schema_valid(data, family) else [
        _from_jsonschema(err) for err in _official_schema(family).iter_errors(data)]
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


_official: dict[str, Any] = {}
_SCHEMA_VERSIONS = {"swagger2": "2.0", "oas30": "3.0", "oas31": "3.1"}


def _official_schema(family: str) -> Any:
    """openapi-spec-validator's step (1) validator (jsonschema-rs when installed), made as it makes
    its own: its factory, its schema file. That file is JSON, which it reads with a YAML loader
    (~50 ms a version, once per process: 10 % of the whole validation of GitHub's description), so
    it is read here with ``json``; tests/unit hold the two readings equal."""
    validator = _official.get(family)
    if validator is None:
        from openapi_spec_validator import schemas

        try:
            validator = schemas.get_validator_for(_official_schema_content(family))
        except Exception:  # a layout this does not know: its own (lazily made) object
            validator = {"swagger2": schemas.openapi_v2_schema_validator,
                         "oas30": schemas.openapi_v30_schema_validator,
                         "oas31": schemas.openapi_v31_schema_validator}[family]
        _official[family] = validator
    return validator


def _official_schema_content(family: str) -> Any:
    return _package_json("openapi_spec_validator", f"resources/schemas/v{_SCHEMA_VERSIONS[family]}/schema.json")


_rs_official: dict[str, Any] = {}


def _schema_valid(data: Any, family: str) -> bool:
    """Step (1)'s verdict without importing openapi-spec-validator: the validator its factory makes
    with jsonschema-rs (``validator_cls_for(schema)(schema)`` over the same file). False means
    "not valid, or cannot tell": the library's own object then gives the errors."""
    validator = _rs_official.get(family)
    if validator is None:
        try:
            import jsonschema_rs

            schema = _official_schema_content(family)
            validator = jsonschema_rs.validator_cls_for(schema)(schema)
        except Exception:
            validator = False
        _rs_official[family] = validator
    try:
        return bool(validator and validator.is_valid(data))
    except Exception:  # values the Rust side cannot take (e.g. huge integers)
        return False


def _package_json(package: str, relative: str) -> Any:
    """A JSON data file of an installed package, found without importing the package (importing
    openapi-spec-validator or openapi-schema-validator costs ~0.2 s each)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(package)
    with open(os.path.join(list(spec.submodule_search_locations)[0], relative), encoding="utf-8") as fh:
        return json.load(fh)


def _osv_version() -> str:
    from importlib.metadata import version

    return version("openapi-spec-validator")


_meta_cache: dict[str, Any] = {}


def _always(_: str) -> bool:
    return True


_DRAFT4 = "http://json-schema.org/draft-04/schema#"
_OAS31_VOCAB = "https://spec.openapis.org/oas/3.1/meta/base"
# Where openapi-schema-validator's registry (``_specifications.REGISTRY``) gets these documents;
# read directly, since importing that package costs ~0.2 s. tests/unit hold them equal.
_METASCHEMA_FILES = {
    _DRAFT4: ("jsonschema_specifications", "schemas/draft4/metaschema.json"),
    "https://spec.openapis.org/oas/3.1/dialect/base": ("openapi_schema_validator",
                                                       "schemas/oas3.1/metaschema.json"),
    _OAS31_VOCAB: ("openapi_schema_validator", "schemas/oas3.1/vocabularies/base"),
}


def _metaschema(uri: str) -> Any:
    try:
        return _package_json(*_METASCHEMA_FILES[uri])
    except (OSError, ValueError, KeyError):  # another layout: ask the library's registry
        from openapi_schema_validator._specifications import REGISTRY

        return REGISTRY.contents(uri)


def _is_valid_regex(pattern: str) -> bool:
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


def _metaschema_validator(family: str) -> Any:
    """jsonschema-rs validator of schema objects against the metaschema openapi-spec-validator uses:
    draft-04 for 2.0/3.0 (``OAS30Validator.check_schema``), the OAS 3.1 base dialect for 3.1.
    Formats as its format checkers judge them: of those the metaschemas name, only ``regex`` is
    checked there (with Python's ``re``, or ECMA ``regress`` when installed: the same function is
    called here); ``uri`` and ``uri-reference`` are not checked at all."""
    if family in _meta_cache:
        return _meta_cache[family]
    import jsonschema_rs

    formats = {"regex": _is_valid_regex, "uri": _always, "uri-reference": _always}
    validator: Any
    if family == "oas31":
        validator = jsonschema_rs.Draft202012Validator(
            _metaschema(_OAS31_BASE_DIALECT), formats=formats, validate_formats=True,
            registry=jsonschema_rs.Registry([(_OAS31_VOCAB, _metaschema(_OAS31_VOCAB))]))
    else:
        validator = jsonschema_rs.Draft4Validator(_metaschema(_DRAFT4), formats=formats,
                                                  validate_formats=True)
    _meta_cache[family] = validator
    return validator


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
        self.meta = _metaschema_validator(family)

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

    def _error(self, ptr: _Ptr, message: str) -> None:
        self.errors.append((_render(ptr), _message(message)))

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
            if dialect != _OAS31_BASE_DIALECT:
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
        return _OAS31_BASE_DIALECT

    def _meta_check_other(self, value: Any, dialect: str, ptr: _Ptr) -> bool:
        """A dialect other than OAS 3.1's base one: exactly the reference's own check (rare)."""
        from jsonschema.validators import validator_for
        from openapi_schema_validator import oas31_format_checker

        cls = validator_for({"$schema": dialect}, default=None)
        if cls is None:
            self._error(ptr, f"Unknown JSON Schema dialect: {dialect!r}")
            return False
        try:
            cls.check_schema(value, format_checker=oas31_format_checker)
        except Exception as exc:
            self._error(ptr, f"invalid schema: {getattr(exc, 'message', exc)}")
            return False
        return True

    def _default(self, schema: Any, default: Any, ptr: _Ptr) -> None:
        """``ValueValidator``: the default against its schema, with the reference's own validator
        class and format checker, resolving ``$ref`` from the document root."""
        from openapi_schema_validator import oas30_format_checker, oas31_format_checker
        from openapi_schema_validator.validators import OAS30Validator, OAS31Validator

        if self.family == "oas31":
            cls: Callable[..., Any] = OAS31Validator
            checker = oas31_format_checker
        else:
            cls, checker = OAS30Validator, oas30_format_checker
        try:
            validator = cls(schema, _resolver=self._root_resolver(), format_checker=checker)
            for err in validator.iter_errors(default):
                self._error((ptr, "default"), f"default value: {err.message}")
        except RecursionError:
            raise
        except Exception:  # e.g. a reference it cannot resolve: the reference raises too
            raise _Unsure from None

    def _root_resolver(self) -> Any:
        # What ``SchemaPath.from_dict`` builds: the document as a draft 2020-12 resource at "".
        if self._resolver is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012

            registry: Any = Registry().with_resource("", DRAFT202012.create_resource(self.root))
            self._resolver = registry.resolver(base_uri="")
        return self._resolver
