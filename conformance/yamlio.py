"""The only module that parses YAML or JSON text.

Safe by construction: PyYAML's safe loader only (unknown tags such as ``!!python/object`` are
errors), duplicate keys rejected, alias expansion bounded, size and nesting bounded, strict UTF-8,
and NaN/Infinity/oversized integers refused. JSON is parsed as JSON (PyYAML is ~37x slower on the
same text). Mapping keys stay strings as written: plain PyYAML turns ``200:`` into an int, which
breaks OpenAPI response codes.

Line and column numbers are computed only when a finding needs them (``SourceMap``), so the common
path pays nothing for them. In JSON they come from a rapidyaml tree of the text (JSON is YAML
flow), checked against the text; the stdlib walk stays the reference and the fallback
(``tests/unit/test_json_locator.py``).

YAML has a fast path: rapidyaml (C++) parses, and the data is built here with PyYAML's own YAML
1.1 resolution of plain scalars; any document it does not model exactly (tags, anchors, aliases,
merge keys, duplicates, errors, ...) goes to the PyYAML path, which stays the reference. Locations
in YAML come from the same parser, falling back to libyaml's marks pointer by pointer.
``tests/unit/test_yaml_fastpath.py`` holds both to the reference on the whole corpus.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import Any

import yaml

from .errors import SpecLoadError

try:  # optional: a Rust JSON serialiser, for a fast depth check (_check_depth_fast)
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None  # type: ignore[assignment]

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for untrusted documents. Every one is configurable (CLI ``--max-*`` options)."""

    max_bytes: int = 128 * 1024 * 1024
    max_depth: int = 400
    max_aliases: int = 10_000
    max_expanded_nodes: int = 5_000_000


DEFAULT_LIMITS = Limits()


# --------------------------------------------------------------------------------------------
# Reading text


def read_text(path: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    """Read a file as strict UTF-8 (a leading BOM is dropped). Returns (text, sha256 of bytes)."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise SpecLoadError("no such file", file=path) from None
    except OSError as exc:
        raise SpecLoadError(f"cannot read: {exc.strerror}", file=path) from None
    if os.path.isdir(path):
        raise SpecLoadError("is a folder, not a document", file=path)
    if size > limits.max_bytes:
        raise SpecLoadError(f"file is {size:,} bytes, over the limit of {limits.max_bytes:,} "
                            "(raise it with --max-bytes)", file=path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise SpecLoadError(f"cannot read: {exc.strerror}", file=path) from None
    if len(raw) > limits.max_bytes:  # grew since stat, or a special file
        raise SpecLoadError(f"file is over the limit of {limits.max_bytes:,} bytes", file=path)
    digest = hashlib.sha256(raw).hexdigest()
    return decode_utf8(raw, path=path), digest


def decode_utf8(raw: bytes, *, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecLoadError(f"text is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                            f"{exc.start}); save the file as UTF-8", file=path, line=line,
                            column=col) from None


# --------------------------------------------------------------------------------------------
# Parsing


def guess_format(path: str, text: str) -> str:
    lower = path.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def parse(text: str, *, path: str, fmt: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse JSON or YAML text into plain Python data (dict, list, str, int, float, bool, None).
    The cyclic collector is off meanwhile: parsing makes up to millions of containers, none of
    them garbage, and the collections they would trigger cost ~10 % of a YAML parse."""
    fmt = fmt or guess_format(path, text)
    collecting = gc.isenabled()
    gc.disable()
    try:
        if fmt == "json":
            return _parse_json(text, path=path, limits=limits)
        return _parse_yaml(text, path=path, limits=limits)
    finally:
        if collecting:
            gc.enable()


def load_file(path: str, *, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    text, digest = read_text(path, limits=limits)
    fmt = guess_format(path, text)
    data = parse(text, path=path, fmt=fmt, limits=limits)
    return LoadedFile(path=path, text=text, fmt=fmt, data=data, sha256=digest)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_json_decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)


def _parse_json(text: str, *, path: str, limits: Limits) -> Any:
    """The stdlib decoder: without its duplicate-key hook when _parse_json_fast can vouch for the
    result, else with it (the reference, which words every error)."""
    data = _parse_json_fast(text, limits=limits)
    if data is not _SLOW:
        return data
    try:
        data = _json_decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise SpecLoadError(f"invalid JSON: {exc.msg}", file=path, line=exc.lineno,
                            column=exc.colno) from None
    except _DuplicateKey as exc:
        line, col = _locate_json_duplicate(text, exc.key)
        raise SpecLoadError(f"duplicate key {exc.key!r}", file=path, line=line, column=col) from None
    except RecursionError:
        raise SpecLoadError(f"nesting is deeper than the parser allows (limit {limits.max_depth})",
                            file=path) from None
    except ValueError as exc:  # NaN/Infinity, integers over Python's digit limit
        raise SpecLoadError(f"invalid JSON value: {exc}", file=path) from None
    _check_depth_fast(data, path=path, limits=limits)
    return data


_SLOW = object()
_plain_json_decoder = json.JSONDecoder(parse_constant=_refuse_constant)


def _parse_json_fast(text: str, *, limits: Limits) -> Any:
    """The C decoder without the duplicate-key hook (whose ~80k Python calls on GitHub's 13 MB
    cost as much as the parse), then orjson's serialisation, in C, settles the rest. Depth: it
    succeeds only on data no deeper than _orjson_depth(). Duplicates: it writes ':' only between
    keys and values and inside strings, so its ':' count equals the text's exactly when no key was
    repeated (a repeated key drops a member, with its ':'), given no colon is escaped ("\\u003a").
    orjson was tried as the parser too, but it reads integers over 64 bits as floats, and finding
    them cost more than this. Anything else (errors, big integers, deep data): _SLOW."""
    if _orjson is None or limits.max_depth < _orjson_depth() or "\\u003" in text:
        return _SLOW
    try:
        data = _plain_json_decoder.decode(text)
        blob = _orjson.dumps(data)
    except Exception:  # invalid text, NaN, integers over 64 bits, lone surrogates, depth
        return _SLOW
    return data if blob.count(b":") == text.count(":") else _SLOW


def _check_depth_fast(data: Any, *, path: str, limits: Limits) -> None:
    """_check_depth's verdict, mostly from orjson (in C, ~7x faster): it refuses to serialise data
    nested deeper than ``_orjson_depth()``, so when it succeeds under a limit at least that deep,
    nothing is too deep. Otherwise (integers over 64 bits, deeper data) _check_depth decides."""
    if _orjson is not None and limits.max_depth >= _orjson_depth():
        try:
            _orjson.dumps(data)
            return
        except Exception:
            pass
    _check_depth(data, path=path, limits=limits)


_orjson_depths: list[int] = []
_ORJSON_DEPTH = 254  # orjson 3 refuses to serialise data nested deeper (its recursion limit)


def _orjson_depth() -> int:
    """The deepest nesting orjson serialises: _ORJSON_DEPTH, checked once with nested lists, maps
    and both alternating; when that does not hold, a depth no limit reaches (the check is off)."""
    if not _orjson_depths:
        def serialises(kinds: str, depth: int) -> bool:
            node: Any = []  # ``depth`` containers nested, as _check_depth counts them
            for level in range(1, depth):
                node = [node] if kinds[level % len(kinds)] == "l" else {"k": node}
            try:
                _orjson.dumps(node)
                return True
            except Exception:
                return False

        ok = all(serialises(k, _ORJSON_DEPTH) and not serialises(k, _ORJSON_DEPTH + 1)
                 for k in ("l", "m", "lm"))
        _orjson_depths.append(_ORJSON_DEPTH if ok else 1 << 62)
    return _orjson_depths[0]


def _locate_json_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    needle = json.dumps(key)
    first = text.find(needle + ":") if needle + ":" in text else text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    if second < 0:
        return None, None
    return _line_col(text, second)


def _check_depth(data: Any, *, path: str, limits: Limits) -> int:
    """Iterative depth check: parsers bound recursion, but our own walks must not meet a surprise.
    Returns the number of mapping members (the JSON path's duplicate check uses it). Level by
    level, so the walk allocates one list per level rather than a tuple per node."""
    limit = limits.max_depth
    level = [data] if isinstance(data, (dict, list)) else []
    depth, members = 1, 0
    while level:
        if depth > limit:
            raise SpecLoadError(f"nesting deeper than {limit} levels (raise it with --max-depth)",
                                file=path)
        below: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                members += len(node)
                below += [v for v in node.values() if isinstance(v, (dict, list))]
            else:
                below += [v for v in node if isinstance(v, (dict, list))]
        level = below
        depth += 1
    return members


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader: string keys as written, no duplicates, counted aliases, YAML 1.1 quirks tamed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_hits = 0
        self.max_aliases = DEFAULT_LIMITS.max_aliases

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            self.alias_hits += 1
            if self.alias_hits > self.max_aliases:
                raise yaml.constructor.ConstructorError(
                    None, None, f"more than {self.max_aliases} alias references", node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        self.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value  # as written: "200" stays "200", "true" stays "true"
            else:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "mapping keys must be plain strings", key_node.start_mark)
            if key in result:
                raise _YamlDuplicate(key, key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=deep)
        return result

    def construct_yaml_map(self, node: yaml.Node) -> Iterator[dict[str, Any]]:
        data: dict[str, Any] = {}
        yield data
        data.update(self.construct_mapping(node))


class _YamlDuplicate(Exception):
    def __init__(self, key: str, mark: Any) -> None:
        self.key = key
        self.mark = mark


def _construct_raw_scalar(loader: _Loader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
# Dates stay strings, as they are in JSON; OpenAPI validators expect strings.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_raw_scalar)
# A bare "=" is YAML 1.1's value tag; js-yaml and the OpenAPI world read it as the string "=".
_Loader.add_constructor("tag:yaml.org,2002:value", _construct_raw_scalar)


def _parse_yaml(text: str, *, path: str, limits: Limits) -> Any:
    try:
        raw: bytes | None = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: libyaml words the error
        raw = None
    _check_flow_depth(text, path=path, limits=limits, raw=raw)
    from .ryml_yaml import parse_fast  # deferred: the backend imports this module

    data = parse_fast(text, limits=limits, raw=raw) if raw is not None else _SLOW
    if data is not _SLOW:
        return data  # no _check_depth: the fast path refuses (to PyYAML) past the same depth
    loader = _Loader(text)
    loader.max_aliases = limits.max_aliases
    try:
        data = loader.get_single_data()
    except _YamlDuplicate as exc:
        raise SpecLoadError(f"duplicate key {exc.key!r}", file=path, line=exc.mark.line + 1,
                            column=exc.mark.column + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = problem.replace("could not determine a constructor for the tag",
                                      "tag not allowed:")
        raise SpecLoadError(f"invalid YAML: {problem}", file=path,
                            line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"invalid YAML: {exc}", file=path) from None
    except RecursionError:
        raise SpecLoadError(f"nesting deeper than {limits.max_depth} levels", file=path) from None
    except ValueError as exc:  # e.g. integers over Python's digit limit
        raise SpecLoadError(f"invalid value: {exc}", file=path) from None
    finally:
        loader.dispose()
    if loader.alias_hits:
        _check_expansion(data, path=path, limits=limits)
    _check_depth(data, path=path, limits=limits)
    return data


_FLOW_CHARS = re.compile(r"[\[\]{}]")


_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _check_flow_depth(text: str, *, path: str, limits: Limits, raw: bytes | None = None) -> None:
    """libyaml composes flow collections recursively in C; refuse absurd nesting before it does.

    Cheap over-approximation: brackets inside quoted strings also count, which only matters for
    documents that are already absurd."""
    if text.count("[") + text.count("{") < limits.max_depth:
        return
    if raw is not None:  # the loop below in C: running sums of +1/-1 over the brackets alone
        depths = list(accumulate(memoryview(raw.translate(_BRACKET_STEPS, _NOT_BRACKETS)).cast("b")))
        if min(depths, default=0) >= 0 and max(depths, default=0) <= limits.max_depth:
            return  # never below 0 (where the loop clamps) and never too deep: the loop agrees
    depth = 0
    for m in _FLOW_CHARS.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > limits.max_depth:
            line, col = _line_col(text, m.start())
            raise SpecLoadError(f"nesting deeper than {limits.max_depth} levels "
                                "(raise it with --max-depth)", file=path, line=line, column=col)
        if depth < 0:
            depth = 0


def _check_expansion(data: Any, *, path: str, limits: Limits) -> None:
    """Aliases share objects; a walk of the document would visit each share again (a "billion
    laughs" bomb). Count the expanded size with memoisation, so the check itself stays linear."""
    sizes: dict[int, int] = {}
    limit = limits.max_expanded_nodes

    def size(node: Any, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > limits.max_depth:
            raise SpecLoadError(f"nesting deeper than {limits.max_depth} levels", file=path)
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            if isinstance(child, (dict, list)):
                total += size(child, depth + 1)
            else:
                total += 1
            if total > limit:
                break
        sizes[key] = total
        if total > limit:
            raise SpecLoadError(f"aliases expand to more than {limit:,} nodes (alias bomb?)",
                                file=path)
        return total

    if isinstance(data, (dict, list)):
        size(data, 1)


# --------------------------------------------------------------------------------------------
# Loaded files and their source maps


@dataclass(slots=True)
class LoadedFile:
    path: str
    text: str
    fmt: str
    data: Any
    sha256: str
    _map: SourceMap | None = field(default=None, repr=False)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """(line, column), both 1-based, of the member named by a JSON pointer; computed lazily."""
        if self._map is None:
            self._map = SourceMap(self.text, self.fmt)
        return self._map.locate(pointer)


def split_pointer(pointer: str) -> list[str]:
    if not pointer or pointer == "/":
        return [] if not pointer else [""]
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def escape_token(token: str) -> str:
    if "~" in token or "/" in token:  # most tokens need no escaping; skip the two replaces
        return token.replace("~", "~0").replace("/", "~1")
    return token


def join_pointer(base: str, *tokens: str | int) -> str:
    # Hot on large documents (one call per schema node): avoid a generator per call.
    out = base
    for t in tokens:
        out += "/" + escape_token(t if isinstance(t, str) else str(t))
    return out


class LineIndex:
    """(line, column), both 1-based, of offsets into a text (str) or its UTF-8 bytes; columns
    count characters either way. A list of every line start costs ~0.1 s on a 13 MB text, so this
    keeps, per 2 KiB chunk, the number of newlines before it and the last one: building is a few
    C calls per chunk, and a lookup scans at most one chunk (for bytes, also the line before)."""

    __slots__ = ("text", "nl", "counts", "last", "utf8", "chars")
    CHUNK = 2048

    def __init__(self, text: str | bytes) -> None:
        self.text = text
        nl: Any = "\n" if isinstance(text, str) else b"\n"
        self.nl = nl
        size = self.CHUNK
        starts = range(0, len(text) + 1, size)
        ends = range(size, len(text) + 1 + size, size)
        # before chunk k: counts[k] newlines, the last at last[k] (-1: none)
        self.counts = [0, *accumulate(map(text.count, repeat(nl), starts, ends))]
        self.last = [-1, *accumulate(map(text.rfind, repeat(nl), starts, ends), max)]
        self.utf8 = isinstance(text, bytes) and not text.isascii()  # bytes are not characters
        self.chars: list[int] | None = None  # bytes: characters before each chunk (long lines)

    def line_col(self, offset: int) -> tuple[int, int]:
        text, nl = self.text, self.nl
        k = min(offset // self.CHUNK, len(self.counts) - 1)
        a = k * self.CHUNK
        q = text.rfind(nl, a, offset)
        if q >= 0:
            line, start = self.counts[k] + text.count(nl, a, q) + 2, q + 1
        else:
            line, start = self.counts[k] + 1, self.last[k] + 1
        if not self.utf8:
            return line, offset - start + 1
        if offset - start <= self.CHUNK:
            return line, len(text[start:offset].decode("utf-8")) + 1  # type: ignore[union-attr]
        return line, self._chars_before(offset) - self._chars_before(start) + 1  # a long line

    def _chars_before(self, offset: int) -> int:
        """Characters in text[:offset] (bytes; offset at a character start)."""
        text: Any = self.text
        size = self.CHUNK
        if self.chars is None:
            self.chars = [0, *accumulate(self._starts(text, a, a + size)
                                         for a in range(0, len(text) + 1, size))]
        k = min(offset // size, len(self.chars) - 1)
        return self.chars[k] + self._starts(text, k * size, offset)

    @staticmethod
    def _starts(text: bytes, a: int, b: int) -> int:
        """Characters starting in text[a:b]: b moves past continuation bytes so the slice ends on
        a character's end, and 'ignore' drops the continuation bytes it may start with."""
        while b < len(text) and 0x80 <= text[b] < 0xC0:
            b += 1
        return len(text[a:b].decode("utf-8", "ignore"))


class SourceMap:
    """Maps JSON pointers to (line, column). Built on first use; caches what it scanned."""

    def __init__(self, text: str, fmt: str) -> None:
        self.text = text
        self.fmt = fmt
        self._lines: LineIndex | None = None
        self._yaml_root: yaml.Node | None = None
        self._json_children: dict[int, dict[str, tuple[int, int]]] = {}
        self._ryml_loc: Any = None  # ryml_yaml.Locator, or False when the document is not for it
        self._json_loc: Any = None  # ryml_yaml.JsonLocator, or False likewise
        self._results: dict[str, tuple[int, int] | None] = {}

    def locate(self, pointer: str) -> tuple[int, int] | None:
        # Findings repeat pointers (one schema, several rules): answer each pointer once.
        try:
            return self._results[pointer]
        except KeyError:
            pass
        found = self._locate(pointer)
        self._results[pointer] = found
        return found

    def _locate(self, pointer: str) -> tuple[int, int] | None:
        if self.fmt != "yaml":
            fast = self._json_line_col_fast(pointer)
            if fast is not _SLOW:
                return fast  # type: ignore[return-value]
        elif pointer[:1] == "/" or not pointer:
            fast = self._yaml_line_col_fast(pointer)
            if fast is not _SLOW:
                return fast  # type: ignore[return-value]
        try:
            tokens = split_pointer(pointer)
        except ValueError:
            return None
        offset = self._yaml_offset(tokens) if self.fmt == "yaml" else self._json_offset(tokens)
        return None if offset is None else self._offset_to_line_col(offset)

    def _offset_to_line_col(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.line_col(offset)

    # JSON, fast: locate through a rapidyaml tree of the text (JSON is YAML flow); a pointer it
    # cannot place exactly as the walk below would goes to that walk.
    def _json_line_col_fast(self, pointer: str) -> tuple[int, int] | object:
        loc = self._json_loc
        if loc is None:
            from .ryml_yaml import JsonLocator

            loc = self._json_loc = JsonLocator.build(self.text)
        if loc is False:
            return _SLOW
        return loc.locate(pointer)

    # YAML, fast: locate through a rapidyaml tree parsed in place, whose scalars point into our
    # copy of the text; a pointer it cannot place exactly as libyaml's marks would goes below.
    def _yaml_line_col_fast(self, pointer: str) -> tuple[int, int] | None | object:
        loc = self._ryml_loc
        if loc is None:
            from .ryml_yaml import Locator

            loc = self._ryml_loc = Locator.build(self.text)
        if loc is False:
            return _SLOW
        return loc.locate(pointer)

    # YAML: libyaml's composer keeps marks; composing is far cheaper than constructing.
    def _yaml_offset(self, tokens: list[str]) -> int | None:
        if self._yaml_root is None:
            try:
                self._yaml_root = yaml.compose(self.text, Loader=_BaseLoader)
            except yaml.YAMLError:
                return None
        node = self._yaml_root
        if node is None:
            return None
        best = node.start_mark.index
        for tok in tokens:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == tok:
                        best, node = k.start_mark.index, v
                        break
                else:
                    return best
            elif isinstance(node, yaml.SequenceNode) and tok.isdigit() and int(tok) < len(node.value):
                node = node.value[int(tok)]
                best = node.start_mark.index
            else:
                return best
        return best

    # JSON, exact: walk the text, skipping sibling values with the C decoder; cache each
    # container's children so many findings in one area cost one scan. The reference for the fast
    # path (tests/unit/test_json_locator.py) and its fallback; on big texts it decodes the document
    # about once per nesting level.
    _WS = re.compile(r"[ \t\n\r]*")

    def _skip_ws(self, pos: int) -> int:
        m = self._WS.match(self.text, pos)
        return m.end() if m else pos

    def _children(self, start: int) -> dict[str, tuple[int, int]]:
        cached = self._json_children.get(start)
        if cached is not None:
            return cached
        text, dec = self.text, _plain_decoder
        out: dict[str, tuple[int, int]] = {}
        pos = self._skip_ws(start + 1)
        try:
            if text[start] == "{":
                while text[pos] != "}":
                    key, end = dec.raw_decode(text, pos)
                    key_pos = pos
                    pos = self._skip_ws(self._skip_ws(end) + 1)  # past ':'
                    out.setdefault(str(key), (key_pos, pos))
                    _, end = dec.raw_decode(text, pos)
                    pos = self._skip_ws(end)
                    if text[pos] == ",":
                        pos = self._skip_ws(pos + 1)
            else:
                index = 0
                while text[pos] != "]":
                    out[str(index)] = (pos, pos)
                    _, end = dec.raw_decode(text, pos)
                    pos = self._skip_ws(end)
                    if text[pos] == ",":
                        pos = self._skip_ws(pos + 1)
                    index += 1
        except (ValueError, IndexError):
            pass
        self._json_children[start] = out
        return out

    def _json_offset(self, tokens: list[str]) -> int | None:
        pos = self._skip_ws(0)
        best = pos
        for tok in tokens:
            if pos >= len(self.text) or self.text[pos] not in "{[":
                return best
            child = self._children(pos).get(tok)
            if child is None:
                return best
            best, pos = child
        return best


_plain_decoder = json.JSONDecoder()

