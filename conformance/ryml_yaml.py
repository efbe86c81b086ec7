"""The rapidyaml (C++) backend of ``yamlio``: the only module importing ``ryml``.

``yamlio`` calls ``parse_fast`` before PyYAML and ``Locator`` before composing a YAML document for
line numbers; both answer ``SLOW`` (or None/False) whenever they are not sure, and ``yamlio``'s
PyYAML path then decides. This module never widens what is accepted: it only makes the common case
fast.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import add, sub
from typing import Any

import yaml

from .yamlio import _SLOW, Limits, LineIndex, _BaseLoader, _Loader

# --------------------------------------------------------------------------------------------
# YAML fast path: rapidyaml (C++) parses into a flat tree; we build the Python data ourselves with
# PyYAML's own YAML 1.1 resolution of plain scalars. It only takes documents it is sure about:
# anything with anchors, aliases, tags, merge keys, empty keys, directives, several documents,
# YAML 1.1-only line breaks, characters libyaml refuses, or anything ryml itself refuses goes to
# the PyYAML path above, which stays the reference behaviour (and words every error).

try:  # optional: ~5x faster than libyaml + PyYAML's Python resolver/constructor
    import ryml as _ryml  # type: ignore[import-untyped]
except Exception:  # pragma: no cover - depends on the environment
    _ryml = None  # type: ignore[assignment]

if _ryml is not None:
    _R_NONE = _ryml.NONE
    _R_MAP, _R_SEQ, _R_VAL = _ryml.MAP, _ryml.SEQ, _ryml.VAL
    _R_VALNIL = _ryml.VALNIL
    _R_VALQUO = _ryml.VALQUO | _ryml.VAL_LITERAL | _ryml.VAL_FOLDED
    _R_VALPLAIN = _ryml.VAL_PLAIN
    _R_KEYQUO = _ryml.KEYQUO  # quoted keys (a quoted "<<" is no merge key)
    _R_KEYPLAIN = _ryml.KEY_PLAIN
    _R_KEYQUOTED = _ryml.KEY_SQUO | _ryml.KEY_DQUO
    # Whatever the fast path does not model: fall back to PyYAML for the whole document.
    _R_REFUSE = (_ryml.KEYREF | _ryml.VALREF | _ryml.KEYANCH | _ryml.VALANCH | _ryml.KEYTAG
                 | _ryml.VALTAG | _ryml.KEYNIL | _ryml.KEY_UNFILT | _ryml.VAL_UNFILT
                 | (_ryml.STREAM & ~_ryml.SEQ))

# Characters the fast path leaves to libyaml: C0 controls other than tab/LF/CR, DEL and C1
# controls (libyaml refuses most of them), NEL/LS/PS (line breaks in YAML 1.1, not in 1.2), BOMs
# and non-characters, '%' at a line start (a directive) and tabs in indentation (libyaml refuses
# them where ryml does not). Also '\r': libyaml normalises line
# breaks inside scalars; rather than trusting ryml to do the same, such files take the slow path.
_YAML_FAST_REFUSE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r\u2028\u2029\ufeff"
                               "\ufffe\uffff\ud800-\udfff]")
_YAML_FAST_REFUSE_LINE = re.compile("^%|^ *\t", re.M)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# A plain scalar (value or key) starting with an indicator: YAML forbids most of them, libyaml
# refuses them, ryml accepts some (e.g. ']x' in block context). Never on the fast path.
_INDICATORS = frozenset(",[]{}#&*!|>'\"%@`")


class _NotFast(Exception):
    pass


def _plain_resolver() -> Any:
    """value -> Python value for plain scalars, exactly as the PyYAML path constructs them."""
    resolver = _BaseLoader.yaml_implicit_resolvers  # type: ignore[attr-defined]  # char -> [(tag, re)]
    ctors = _Loader.yaml_constructors
    ctor = yaml.constructor.SafeConstructor()
    str_tag = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
    cache: dict[str, Any] = {}

    def resolve(value: str) -> Any:
        try:
            return cache[value]
        except KeyError:
            pass
        tag = str_tag
        for t, regexp in resolver.get(value[:1] if value else "", ()):
            if regexp.match(value):
                tag = t
                break
        if tag == str_tag:
            if value[:1] in _INDICATORS:  # libyaml refuses these plain scalars, ryml may not
                raise _NotFast("indicator")
            out: Any = value
        elif tag == _MERGE_TAG:
            raise _NotFast("merge")
        else:
            out = ctors[tag](ctor, yaml.ScalarNode(tag, value))
        cache[value] = out
        return out

    return resolve


def parse_fast(text: str, *, limits: Limits, raw: bytes | None = None) -> Any:
    """The document's data, or _SLOW. ``raw``: the text as UTF-8, when the caller has it."""
    if _ryml is None or not _layout_ok():
        return _SLOW
    if raw is None:
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: libyaml words the error
            return _SLOW
    if _refused_text(text, raw):
        return _SLOW
    try:
        tree = _ryml_parse(raw)
    except Exception:  # ryml's errors are not PyYAML's: let the slow path word them
        return _SLOW
    try:
        return _build_from_tree(tree, limits)
    except Exception:  # _NotFast, a resolver/constructor error, recursion: all take the slow path
        return _SLOW


# What _YAML_FAST_REFUSE(_LINE) find, in a few C passes (those regexes cost more than rapidyaml's
# parse): ASCII controls by deleting every other byte, C1 controls by their UTF-8 form, the other
# refused characters one by one (a one-character search is a memchr), directives, tab indents.
_ASCII_REFUSED = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x0D])
_NOT_REFUSED = bytes(b for b in range(256) if b not in _ASCII_REFUSED)
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")
_NON_ASCII_REFUSED = "\u2028\u2029\ufeff\ufffe\uffff"
_TAB_INDENT, _TAB_FIRST = re.compile(r"\n *\t"), re.compile(r" *\t")


def _refused_text(text: str, raw: bytes) -> bool:
    if raw.translate(None, _NOT_REFUSED):
        return True
    if not raw.isascii() and ((b"\xc2" in raw and _C1_CONTROL.search(raw)) or any(
            c in text for c in _NON_ASCII_REFUSED)):
        return True
    if text.startswith("%") or "\n%" in text:
        return True
    return "\t" in text and (_TAB_FIRST.match(text) is not None or _TAB_INDENT.search(text) is not None)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """ryml's C++ error handler prints to the process's stderr before it raises, and the Python
    binding cannot replace it: silence file descriptor 2 for a parse (the slow path reports)."""
    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _ryml_parse(buf: bytes) -> Any:
    with _quiet_stderr():
        return _ryml.parse_in_arena(buf)


# The tree is read straight from rapidyaml's memory (0.15's layout, checked once by _layout_ok):
# one SWIG call per node field cost ~3 µs a node, most of the load time of a YAML folder. A node
# is 18 words: type; key then value, each (tag, scalar, anchor) as (pointer, length); then parent,
# first child, last child, next sibling, previous sibling. Scalars point into the tree's arena.
# The Tree itself starts with: nodes, capacity, size, free list (2), arena (pointer, length),
# arena bytes used. A link past ``size`` raises IndexError, which takes the slow path.
_WORDS = 18
_TYPE, _KEY, _KEY_LEN, _VAL, _VAL_LEN, _FIRST, _NEXT = 0, 3, 4, 9, 10, 14, 16
_BAD, _PLAIN, _QUOTED, _NIL, _MAP, _SEQ = range(6)  # what a node is, for the builder
# A plain scalar whose first character is not one of these is a string as written.
_RESOLVED_FIRST = frozenset(_BaseLoader.yaml_implicit_resolvers) | _INDICATORS  # type: ignore[attr-defined]
_KEY_CHECK = _INDICATORS | {"<"}  # keys needing the exact check: "<<" or an indicator


class _Kinds(dict):  # type bits -> _BAD..._SEQ, in the order the checks used to run
    def __missing__(self, ty: int) -> int:
        kind = (_BAD if ty & _R_REFUSE else _MAP if ty & _R_MAP else _SEQ if ty & _R_SEQ
                else _QUOTED if ty & _R_VALQUO else _NIL if ty & _R_VALNIL
                else _PLAIN if ty & _R_VALPLAIN else _BAD)
        self[ty] = kind
        return kind


def _tree_arrays(tree: Any) -> tuple[Any, bytes, int]:
    """The node array (a memoryview of words), the arena and its address."""
    head = (ctypes.c_uint64 * 8).from_address(int(tree.this))
    buf, cap, size, arena, used = head[0], head[1], head[2], head[5], head[7]
    if (cap, size, used) != (tree.capacity(), tree.size(), tree.arena_size()) or not size:
        raise _NotFast("layout")
    words = memoryview((ctypes.c_uint64 * (size * _WORDS)).from_address(buf)).cast("B").cast("Q")
    return words, ctypes.string_at(arena, used), arena


def _scalars(words: Any, at: int, arena: bytes, base: int, text: str | None) -> list[str]:
    """Every node's key (or value) as a str, in C loops; '' where it has none."""
    lens = words[at + 1::_WORDS]
    starts = list(map(sub, words[at::_WORDS], repeat(base, len(lens))))
    cuts = map(slice, starts, map(add, starts, lens))
    if text is not None:  # ASCII: offsets in bytes are offsets in characters
        return list(map(text.__getitem__, cuts))
    return list(map(bytes.decode, map(arena.__getitem__, cuts)))


def _build_from_tree(tree: Any, limits: Limits) -> Any:
    words, arena, base = _tree_arrays(tree)
    text = arena.decode("ascii") if arena.isascii() else None
    keys, vals = _scalars(words, _KEY, arena, base, text), _scalars(words, _VAL, arena, base, text)
    kind = list(map(_Kinds().__getitem__, words[_TYPE::_WORDS]))
    first, nxt = words[_FIRST::_WORDS].tolist(), words[_NEXT::_WORDS].tolist()
    resolve, special = _plain_resolver(), _RESOLVED_FIRST
    NONE, max_depth = _R_NONE, limits.max_depth

    def build(node: int, k: int, depth: int) -> Any:
        if depth > max_depth:
            raise _NotFast("depth")
        child = first[node]
        if k == _MAP:
            out: dict[str, Any] = {}
            n = 0
            while child != NONE:
                key, k = keys[child], kind[child]
                if key[:1] in _KEY_CHECK and (key == "<<" or key[:1] in _INDICATORS) and not (
                        words[child * _WORDS] & _R_KEYQUO):
                    raise _NotFast("key")
                if k == _PLAIN:
                    v = vals[child]
                    out[key] = resolve(v) if v[:1] in special else v
                elif k == _QUOTED:
                    out[key] = vals[child]
                elif k == _NIL:
                    out[key] = None
                else:
                    out[key] = build(child, k, depth + 1)
                n += 1
                child = nxt[child]
            if len(out) != n:  # a duplicate key: the slow path reports it with its line
                raise _NotFast("duplicate")
            return out
        if k != _SEQ:
            raise _NotFast("refused flags or scalar style")
        items: list[Any] = []
        append = items.append
        while child != NONE:
            k = kind[child]
            if k == _PLAIN:
                v = vals[child]
                append(resolve(v) if v[:1] in special else v)
            elif k == _QUOTED:
                append(vals[child])
            elif k == _NIL:
                append(None)
            else:
                append(build(child, k, depth + 1))
            child = nxt[child]
        return items

    root = tree.root_id()
    k = kind[root]
    if k in (_MAP, _SEQ):
        return build(root, k, 1)
    if k == _BAD or not words[root * _WORDS] & _R_VAL:
        raise _NotFast("root type")
    return None if k == _NIL else vals[root] if k == _QUOTED else resolve(vals[root])


_layout: list[bool] = []


def _layout_ok() -> bool:
    """Once per process: does the tree in memory read as _tree_arrays expects? Checked against
    the binding's own accessors on a small document; if not, YAML takes the PyYAML path."""
    if not _layout:
        try:
            tree = _ryml_parse(b"a: 1\n'b': [x, \"y\", {c: ~}]\nd: |\n  z\n")
            words, arena, base = _tree_arrays(tree)
            text = arena.decode("ascii")
            keys, vals = _scalars(words, _KEY, arena, base, text), _scalars(words, _VAL, arena, base, text)
            ok = tree.size() == 8
            for i in range(tree.size()):
                at = i * _WORDS
                ok = ok and (words[at + _TYPE], words[at + _FIRST], words[at + _NEXT]) == (
                    tree.type(i), tree.first_child(i), tree.next_sibling(i))
                ok = ok and (not tree.has_key(i) or keys[i] == bytes(tree.key(i)).decode())
                ok = ok and (not tree.has_val(i) or vals[i] == bytes(tree.val(i) or b"").decode())
            _layout.append(ok)
        except Exception:
            _layout.append(False)
    return _layout[0]


class _PyBuffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


class Locator:
    """Line and column of a JSON pointer in a YAML text, from a rapidyaml tree parsed in place.

    Plain scalars are views into the parsed buffer, quoted ones are unescaped in place from their
    first character, so a key's address minus the buffer's is its byte offset (one more for the
    opening quote). It answers what libyaml's start marks answer (the old path, below, stays the
    reference) and only where that is certain: a key, a plain or quoted sequence item, a block
    mapping item (its first key). Anything else (anchors, aliases, tags, flow collections, block
    scalars, explicit keys, nested sequences, empty items) returns _SLOW for that pointer."""

    __slots__ = ("tree", "buf", "orig", "base", "pb", "pbref", "lines", "ty", "key", "val", "find",
                 "child", "nchildren", "first", "is_flow", "paths")

    @classmethod
    def build(cls, text: str) -> Any:
        if _ryml is None or _YAML_FAST_REFUSE.search(text) or (
                ("%" in text or "\t" in text) and _YAML_FAST_REFUSE_LINE.search(text)):
            return False
        orig = text.encode("utf-8")
        if not orig.strip():
            return False
        buf = bytearray(orig)
        try:
            return cls(_ryml_parse_in_place(buf), buf, orig)
        except Exception:
            return False

    def __init__(self, tree: Any, buf: bytearray, orig: bytes) -> None:
        from functools import partial

        low = _ryml._ryml
        self.tree, self.buf, self.orig = tree, buf, orig
        self.base = ctypes.addressof(ctypes.c_char.from_buffer(buf))
        self.pb = _PyBuffer()
        self.pbref = ctypes.byref(self.pb)
        self.lines: LineIndex | None = None
        # pointer prefix -> (node, type, offset): findings cluster, so most walks are short
        self.paths: dict[str, tuple[int, int, int]] = {}
        self.ty, self.key, self.val = (partial(low.Tree_type, tree), partial(low.Tree_key, tree),
                                       partial(low.Tree_val, tree))
        self.find, self.child = partial(low.Tree_find_child, tree), partial(low.Tree_child, tree)
        self.nchildren = partial(low.Tree_num_children, tree)
        self.first, self.is_flow = partial(low.Tree_first_child, tree), partial(low.Tree_is_flow, tree)

    def _addr(self, view: Any) -> int:
        if _VIEW_BUF is not None and type(view) is memoryview:
            return ctypes.c_size_t.from_address(id(view) + _VIEW_BUF).value - self.base
        ref = self.pbref  # one Py_buffer per locator, filled and released at once
        if _get_buffer(view, ref, 0) != 0:  # pragma: no cover
            raise _NotFast("buffer")
        addr = self.pb.buf or 0
        _release_buffer(ref)
        return addr - self.base

    def _key_start(self, node: int, ty: int) -> int:
        if ty & _R_KEYPLAIN:
            off = self._addr(self.key(node))
        elif ty & _R_KEYQUOTED:  # single or double quoted: the mark is the opening quote
            off = self._addr(self.key(node)) - 1
            if not 0 <= off < len(self.orig) or self.orig[off] not in b"'\"":
                raise _NotFast("quote")
        else:
            raise _NotFast("key style")
        if not 0 <= off < len(self.orig):
            raise _NotFast("offset")
        back = off - 1  # an explicit key ("? k") starts a mapping at the '?', not at the key
        while back >= 0 and self.orig[back] == 0x20:
            back -= 1
        if back >= 0 and self.orig[back] == 0x3F:
            raise _NotFast("explicit key")
        return off

    def _item_start(self, node: int) -> int:
        ty = self.ty(node)
        if ty & _R_REFUSE:
            raise _NotFast("flags")
        if ty & _R_MAP:
            if self.is_flow(node) or self.nchildren(node) == 0:
                raise _NotFast("flow or empty mapping")
            first = self.first(node)
            fty = self.ty(first)
            if fty & _R_REFUSE:
                raise _NotFast("flags")
            return self._key_start(first, fty)
        if ty & _R_SEQ or ty & _R_VALNIL:
            raise _NotFast("sequence or empty item")
        view = self.val(node)
        if view is None:
            raise _NotFast("empty")
        if ty & _R_VALPLAIN:
            return self._addr(view)
        if ty & (_R_VALQUO & ~(_ryml.VAL_LITERAL | _ryml.VAL_FOLDED)):
            off = self._addr(view) - 1
            if not 0 <= off < len(self.orig) or self.orig[off] not in b"'\"":
                raise _NotFast("quote")
            return off
        raise _NotFast("scalar style")

    def locate(self, pointer: str) -> Any:
        """(line, column) of a JSON pointer (empty, or starting with "/"), or _SLOW."""
        try:
            offset = self._offset(pointer)
        except Exception:
            return _SLOW
        return self._line_col(offset)

    def _offset(self, pointer: str) -> int:
        paths = self.paths  # pointer prefix as written -> (node, type, offset)
        if "" not in paths:
            node = self.tree.root_id()
            ty = self.ty(node)
            if ty & _R_REFUSE or not ty & _R_MAP:  # a root sequence or scalar: the old path
                raise _NotFast("root")
            paths[""] = (node, ty, self._item_start(node))
        cut, end = len(pointer), len(pointer)
        at = paths.get(pointer)
        while at is None:  # the longest prefix walked before: findings cluster
            cut = pointer.rfind("/", 0, cut)
            at = paths.get(pointer[:cut])
        node, ty, best = at
        while cut < end:
            nxt = pointer.find("/", cut + 1)
            if nxt < 0:
                nxt = end
            tok = pointer[cut + 1:nxt]
            if "~" in tok:
                tok = tok.replace("~1", "/").replace("~0", "~")
            if ty & _R_MAP:
                child = self.find(node, tok.encode("utf-8"))
                if child == _R_NONE:
                    return best
                cty = self.ty(child)
                if cty & _R_REFUSE:
                    raise _NotFast("flags")
                best, node, ty = self._key_start(child, cty), child, cty
            elif ty & _R_SEQ and tok.isdigit() and int(tok) < self.nchildren(node):
                node = self.child(node, int(tok))
                ty = self.ty(node)
                best = self._item_start(node)
            else:
                return best
            paths[pointer[:nxt]] = (node, ty, best)
            cut = nxt
        return best

    def _line_col(self, offset: int) -> tuple[int, int]:
        if self.lines is None:
            self.lines = LineIndex(self.orig)
        return self.lines.line_col(offset)


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None


def _view_buf_offset() -> int | None:
    """Where a memoryview object keeps its buffer's address (CPython's layout): reading it there
    costs a fifth of PyObject_GetBuffer + PyBuffer_Release. Found and checked on two views of
    this interpreter; None (the buffer API) if no word inside the object holds it."""
    data = bytearray(16)
    base = ctypes.addressof(ctypes.c_char.from_buffer(data))
    one, two = memoryview(data)[3:], memoryview(data)[5:]
    size = ctypes.sizeof(ctypes.c_size_t)
    for at in range(0, sys.getsizeof(one) - size + 1, size):
        if ctypes.c_size_t.from_address(id(one) + at).value == base + 3 \
                and ctypes.c_size_t.from_address(id(two) + at).value == base + 5:
            return at
    return None  # pragma: no cover - another interpreter


_VIEW_BUF = _view_buf_offset()


def _ryml_parse_in_place(buf: bytearray) -> Any:
    """As _ryml_parse, in place: scalars stay views into ``buf`` (the locator needs addresses)."""
    with _quiet_stderr():
        return _ryml.parse_in_place(buf)


# --------------------------------------------------------------------------------------------
# JSON locations. JSON is YAML flow: ryml parses a 13 MB JSON text in place in ~0.09 s, where the
# stdlib walk (SourceMap._json_offset) decodes every sibling on the way, once per nesting level.

# ryml unescapes each half of a surrogate pair on its own (CESU-8: bytes ED A0..BF ..), so a key
# written with such escapes is not found under its name. Where the text has any, a member not
# found is trusted only if no key of that object holds such bytes.
_JSON_SURROGATE = re.compile(rb"\\u[dD][89abAB]")
_CESU_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
_JSON_WS = re.compile(rb"[ \t\n\r]*")
_JSON_STRING_B = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_LITERAL = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")
_json_escapes: list[bool] = []


def _json_escapes_ok() -> bool:
    """Whether this ryml unescapes JSON's escapes as JSON does (checked once): members are found
    by their unescaped names."""
    if not _json_escapes:
        sample = rb'{"\/\"\\\b\f\n\r\t\u00e9\u00C9\u0041\u0000\u20ac x":0}'
        buf = bytearray(sample)  # alive while the tree's views are read
        try:
            tree = _ryml_parse_in_place(buf)
            key = bytes(tree.key(tree.first_child(tree.root_id())))
        except Exception:  # pragma: no cover - depends on the ryml build
            key = b""
        _json_escapes.append(key == '/"\\\b\f\n\r\t\u00e9\u00c9A\x00\u20ac x'.encode())
    return _json_escapes[0]


class JsonLocator(Locator):
    """Line and column of a JSON pointer in a JSON text, from a rapidyaml tree parsed in place.

    It answers what ``SourceMap._json_offset`` (the reference) answers: a member's key (its opening
    quote), an array item's first character, the nearest found ancestor for a missing member. The
    text is valid JSON (a LoadedFile with fmt "json" was parsed as JSON), on which YAML flow builds
    the same tree with members in the text's order, so of duplicate keys the first is found, as in
    the reference. Every offset answered is checked against the text (a quote, a bracket, a comma
    where one must be); what it cannot confirm returns _SLOW for that pointer."""

    __slots__ = ("surrogates", "results", "offsets", "members", "trusted")
    _TABLE_AFTER = 64  # find_child scans siblings (~30 ns each); a dict costs ~2 us per member
    surrogates: bool  # the text has surrogate escapes
    results: dict[str, tuple[int, int]]  # pointer -> (line, column)
    offsets: dict[int, int]  # node -> offset answered for it
    members: dict[int, Any]  # mapping -> lookups so far, or a dict of its members by name
    trusted: dict[int, bool]  # mapping -> whether a member not found there is missing

    @classmethod
    def build(cls, text: str) -> Any:
        if _ryml is None or not _json_escapes_ok():
            return False
        try:
            orig = text.encode("utf-8")
        except UnicodeEncodeError:
            return False
        start = _JSON_WS.match(orig).end()  # type: ignore[union-attr]
        if orig[start:start + 1] not in (b"{", b"["):  # a scalar document: the walk is as cheap
            return False
        buf = bytearray(orig)
        try:
            loc = cls(_ryml_parse_in_place(buf), buf, orig)
            root = loc.tree.root_id()
            ty = loc.ty(root)
            if ty & _R_REFUSE or not ty & (_R_MAP if orig[start] == 0x7B else _R_SEQ):
                return False
        except Exception:
            return False
        loc.paths[""] = (root, ty, None)  # type: ignore[assignment]
        loc.offsets = {root: start}
        loc.results, loc.members, loc.trusted = {}, {}, {}
        loc.surrogates = _JSON_SURROGATE.search(orig) is not None
        return loc

    def locate(self, pointer: str) -> Any:  # type: ignore[override]
        """(line, column) of a JSON pointer given as written (findings repeat pointers: answers
        are cached by it), or _SLOW."""
        hit = self.results.get(pointer)
        if hit is None:
            try:
                offset = self._pointer_offset(pointer)
            except Exception:
                return _SLOW
            hit = self.results[pointer] = self._line_col(offset)
        return hit

    def _pointer_offset(self, pointer: str) -> int:
        if pointer[:1] != "/" and pointer:
            raise _NotFast("not a pointer")  # the reference answers None
        # pointer prefix as written -> (node, type or -1 until needed, key's UTF-8 or None)
        nodes: dict[str, tuple[int, int, bytes | None]] = self.paths  # type: ignore[assignment]
        cut = len(pointer)
        at = nodes.get(pointer)
        while at is None:  # the longest prefix walked before: findings cluster
            cut = pointer.rfind("/", 0, cut)
            at = nodes.get(pointer[:cut])
        end = len(pointer)
        node, ty = at[0], at[1]
        members = self.members
        while cut < end:
            if ty < 0:
                ty = self.ty(node)
                if ty & _R_REFUSE:
                    raise _NotFast("flags")
                nodes[pointer[:cut]] = (node, ty, at[2])
            nxt = pointer.find("/", cut + 1)
            if nxt < 0:
                nxt = end
            tok = pointer[cut + 1:nxt]
            if "~" in tok:
                tok = tok.replace("~1", "/").replace("~0", "~")
            if ty & _R_MAP:
                name: bytes | None = tok.encode("utf-8")
                table = members.get(node, 0)  # lookups so far, or a dict of the members
                if type(table) is dict:
                    child = table.get(name, _R_NONE)
                else:
                    child = self.find(node, name)
                    members[node] = table + 1
                    if table + 1 == self._TABLE_AFTER:
                        self._table(node)
                if child == _R_NONE:
                    if self.surrogates and not self._missing_trusted(node):
                        raise _NotFast("surrogate escapes")
                    break  # missing: the nearest found ancestor, as the reference
            elif ty & _R_SEQ:
                # the reference matches str(index): no sign, no leading zero, ASCII digits only
                if not (tok.isascii() and tok.isdigit()) or str(int(tok)) != tok \
                        or int(tok) >= self.nchildren(node):
                    break
                child, name = self.child(node, int(tok)), None
            else:
                break
            nodes[pointer[:nxt]] = at = (child, -1, name)
            node, ty, cut = child, -1, nxt
        return self._start(at)

    def _table(self, node: int) -> None:
        """A dict of a big mapping's members, once it is looked up often (paths, schemas)."""
        if self.nchildren(node) < 4 * self._TABLE_AFTER:
            return
        table: dict[bytes, int] = {}
        key, low, tree = self.key, _ryml._ryml, self.tree
        child = self.first(node)
        while child != _R_NONE:
            table.setdefault(bytes(key(child)), child)  # the first, as find_child
            child = low.Tree_next_sibling(tree, child)
        self.members[node] = table

    def _missing_trusted(self, node: int) -> bool:
        """A member not found in ``node`` is missing, unless one of its keys was written with
        surrogate escapes (then its name here is not its name in JSON)."""
        trusted = self.trusted.get(node)
        if trusted is None:
            trusted = True
            key, low, tree = self.key, _ryml._ryml, self.tree
            child = self.first(node)
            while child != _R_NONE and trusted:
                trusted = not _CESU_SURROGATE.search(bytes(key(child)))
                child = low.Tree_next_sibling(tree, child)
            self.trusted[node] = trusted
        return trusted

    def _start(self, at: tuple[int, int, bytes | None]) -> int:
        """Offset of a walked node: the document's first character, a member's key or an item."""
        node, ty, name = at
        off = self.offsets.get(node)
        if off is None:
            if name is not None:
                off = self._json_key_start(node, name)
            else:
                off = self._json_item_start(node, ty if ty >= 0 else self.ty(node))
            self.offsets[node] = off
        return off

    def _json_key_start(self, node: int, name: bytes | None) -> int:
        """The opening quote of a member's key, checked to be one and, given its ``name``, that
        the key written there is that name."""
        orig = self.orig
        off = self._addr(self.key(node)) - 1
        if off < 0 or orig[off] != 0x22:
            raise _NotFast("quote")
        if name is not None:
            end = off + 1 + len(name)
            if orig.startswith(name, off + 1) and orig[end] == 0x22 and b"\\" not in name \
                    and b'"' not in name:
                return off  # written as is, without escapes: the common case
        m = _JSON_STRING_B.match(orig, off)
        if m is None or (name is not None
                         and json.loads(m.group().decode("utf-8")) != name.decode("utf-8")):
            raise _NotFast("key")
        return off

    def _json_item_start(self, node: int, ty: int) -> int:
        """First character of an array item: a scalar's own; an object's '{' before its first
        key; else (an array, an empty object) the first after the '[' or ',' before the item."""
        orig = self.orig
        if ty & _R_REFUSE:
            raise _NotFast("flags")
        if ty & _R_MAP and self.nchildren(node):
            inner = self._json_key_start(self.first(node), None)
            off = orig.rfind(b"{", 0, inner)  # only whitespace lies between them
            if off < 0 or orig[off + 1:inner].strip(b" \t\n\r"):
                raise _NotFast("bracket")
            return off
        if ty & (_R_MAP | _R_SEQ):
            low = _ryml._ryml
            prev = low.Tree_prev_sibling(self.tree, node)
            if prev == _R_NONE:
                off = self._json_value_start(low.Tree_parent(self.tree, node)) + 1
            else:
                off = _JSON_WS.match(orig, self._json_value_end(prev)).end()  # type: ignore[union-attr]
                if orig[off] != 0x2C:  # ','
                    raise _NotFast("comma")
                off += 1
            off = _JSON_WS.match(orig, off).end()  # type: ignore[union-attr]
            if orig[off] != (0x7B if ty & _R_MAP else 0x5B):
                raise _NotFast("bracket")
            return off
        view = self.val(node)
        if view is None:
            raise _NotFast("no value")
        off = self._addr(view)
        if ty & _ryml.VAL_DQUO:  # unescaped in place from its first character
            off -= 1
            if off < 0 or orig[off] != 0x22 or (len(view) == 0 and orig[off + 1] != 0x22):
                raise _NotFast("quote")
            return off
        if ty & _R_VALPLAIN and len(view) and 0 <= off and _JSON_LITERAL.match(orig, off):
            return off
        raise _NotFast("scalar")

    def _json_value_start(self, node: int) -> int:
        """First character of a node's value (a member's: past its key and ':')."""
        ty = self.ty(node)
        if not ty & _ryml.KEY:  # the root or an item: where it starts
            off = self.offsets.get(node)
            if off is None:
                off = self.offsets[node] = self._json_item_start(node, ty)
            return off
        orig = self.orig
        m = _JSON_STRING_B.match(orig, self._json_key_start(node, None))
        off = _JSON_WS.match(orig, m.end()).end()  # type: ignore[union-attr]
        if orig[off] != 0x3A:  # ':'
            raise _NotFast("colon")
        return _JSON_WS.match(orig, off + 1).end()  # type: ignore[union-attr]

    def _json_value_end(self, node: int) -> int:
        """Offset just past a node's value."""
        orig, ty = self.orig, self.ty(node)
        if ty & (_R_MAP | _R_SEQ):
            if self.nchildren(node) == 0:
                off = self._json_value_start(node) + 1
            else:
                off = self._json_value_end(_ryml._ryml.Tree_last_child(self.tree, node))
            off = _JSON_WS.match(orig, off).end()  # type: ignore[union-attr]
            if orig[off] != (0x7D if ty & _R_MAP else 0x5D):
                raise _NotFast("closing bracket")
            return off + 1
        view = self.val(node)
        if view is None:
            raise _NotFast("no value")
        off = self._addr(view)
        m = _JSON_STRING_B.match(orig, off - 1) if ty & _ryml.VAL_DQUO else (
            _JSON_LITERAL.match(orig, off) if ty & _R_VALPLAIN else None)
        if m is None:
            raise _NotFast("scalar")
        return m.end()
