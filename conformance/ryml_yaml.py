"""The rapidyaml (C++) backend of ``yamlio``: the only module importing ``ryml``.

``yamlio`` calls ``parse_fast`` before PyYAML and ``Locator`` before composing a YAML document for
line numbers; both answer ``SLOW`` (or None/False) whenever they are not sure, and ``yamlio``'s
PyYAML path then decides. This module never widens what is accepted: it only makes the common case
fast.
"""

from __future__ import annotations

import bisect
import ctypes
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from .yamlio import _SLOW, Limits, _BaseLoader, _Loader, escape_token

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


def parse_fast(text: str, *, limits: Limits) -> Any:
    if _ryml is None or _YAML_FAST_REFUSE.search(text):
        return _SLOW
    if ("%" in text or "\t" in text) and _YAML_FAST_REFUSE_LINE.search(text):
        return _SLOW
    try:
        tree = _ryml_parse(text.encode("utf-8"))
    except Exception:  # ryml's errors are not PyYAML's: let the slow path word them
        return _SLOW
    try:
        return _build_from_tree(tree, limits)
    except Exception:  # _NotFast, a resolver/constructor error, recursion: all take the slow path
        return _SLOW


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


def _build_from_tree(tree: Any, limits: Limits) -> Any:
    # The SWIG functions themselves, not the Tree methods that wrap them: one Python frame less
    # per call, and there are five calls per node.
    from functools import partial
    low = _ryml._ryml
    rtype, first, nxt = (partial(low.Tree_type, tree), partial(low.Tree_first_child, tree),
                         partial(low.Tree_next_sibling, tree))
    rkey, rval = partial(low.Tree_key, tree), partial(low.Tree_val, tree)
    resolve = _plain_resolver()
    NONE, MAP, SEQ, VAL, VALNIL, VALQUO, VALPLAIN, KEYQUO, REFUSE = (
        _R_NONE, _R_MAP, _R_SEQ, _R_VAL, _R_VALNIL, _R_VALQUO, _R_VALPLAIN, _R_KEYQUO, _R_REFUSE)
    max_depth = limits.max_depth

    def scalar(node: int, ty: int) -> Any:
        if ty & VALQUO:
            return str(rval(node), "utf-8")
        if ty & VALNIL:
            return None
        if not ty & VALPLAIN:
            raise _NotFast("scalar style")
        return resolve(str(rval(node), "utf-8"))

    def build(node: int, ty: int, depth: int) -> Any:
        if depth > max_depth:
            raise _NotFast("depth")
        if ty & MAP:
            out: dict[str, Any] = {}
            n = 0
            child = first(node)
            while child != NONE:
                cty = rtype(child)
                if cty & REFUSE:
                    raise _NotFast("refused flags")
                key = str(rkey(child), "utf-8")
                if (key == "<<" or key[:1] in _INDICATORS) and not cty & KEYQUO:
                    raise _NotFast("key")
                if cty & (MAP | SEQ):
                    out[key] = build(child, cty, depth + 1)
                else:
                    out[key] = scalar(child, cty)
                n += 1
                child = nxt(child)
            if len(out) != n:  # a duplicate key: the slow path reports it with its line
                raise _NotFast("duplicate")
            return out
        if ty & SEQ:
            items: list[Any] = []
            append = items.append
            child = first(node)
            while child != NONE:
                cty = rtype(child)
                if cty & REFUSE:
                    raise _NotFast("refused flags")
                if cty & (MAP | SEQ):
                    append(build(child, cty, depth + 1))
                else:
                    append(scalar(child, cty))
                child = nxt(child)
            return items
        raise _NotFast("not a container")

    root = tree.root_id()
    rty = rtype(root)
    if rty & REFUSE:
        raise _NotFast("root flags")
    if rty & (MAP | SEQ):
        return build(root, rty, 1)
    if rty & VAL:
        return scalar(root, rty)
    raise _NotFast("root type")



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

    __slots__ = ("tree", "buf", "orig", "base", "line_starts", "ty", "key", "val", "find",
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
        self.line_starts: list[int] | None = None
        # pointer prefix -> (node, type, offset): findings cluster, so most walks are short
        self.paths: dict[str, tuple[int, int, int]] = {}
        self.ty, self.key, self.val = (partial(low.Tree_type, tree), partial(low.Tree_key, tree),
                                       partial(low.Tree_val, tree))
        self.find, self.child = partial(low.Tree_find_child, tree), partial(low.Tree_child, tree)
        self.nchildren = partial(low.Tree_num_children, tree)
        self.first, self.is_flow = partial(low.Tree_first_child, tree), partial(low.Tree_is_flow, tree)

    def _addr(self, view: Any) -> int:
        pb = _PyBuffer()
        if _get_buffer(ctypes.py_object(view), ctypes.byref(pb), 0) != 0:  # pragma: no cover
            raise _NotFast("buffer")
        try:
            return int(pb.buf or 0) - self.base
        finally:
            _release_buffer(ctypes.byref(pb))

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

    def locate(self, tokens: list[str]) -> Any:
        try:
            offset = self._offset(tokens)
        except Exception:
            return _SLOW
        return self._line_col(offset)

    def _offset(self, tokens: list[str]) -> int:
        paths = self.paths
        at = paths.get("")
        if at is None:
            node = self.tree.root_id()
            ty = self.ty(node)
            if ty & _R_REFUSE or not ty & _R_MAP:  # a root sequence or scalar: the old path
                raise _NotFast("root")
            at = paths[""] = (node, ty, self._item_start(node))
        node, ty, best = at
        prefix = ""
        for tok in tokens:
            prefix += "/" + escape_token(tok)
            at = paths.get(prefix)
            if at is not None:
                node, ty, best = at
                continue
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
            paths[prefix] = (node, ty, best)
        return best

    def _line_col(self, offset: int) -> tuple[int, int]:
        if self.line_starts is None:
            starts = [0]
            find = self.orig.find
            i = find(b"\n")
            while i >= 0:
                starts.append(i + 1)
                i = find(b"\n", i + 1)
            self.line_starts = starts
        idx = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[idx]
        return idx + 1, len(self.orig[start:offset].decode("utf-8")) + 1


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None


def _ryml_parse_in_place(buf: bytearray) -> Any:
    """As _ryml_parse, in place: scalars stay views into ``buf`` (the locator needs addresses)."""
    with _quiet_stderr():
        return _ryml.parse_in_place(buf)
