"""Line and column of a JSON pointer in a YAML text, from a rapidyaml tree parsed in place (the
``Locator``); ``json_locate`` builds its JSON counterpart on it. The reference it must agree with
is libyaml's marks (``sourcemap``, ``tests/unit/test_yaml_fastpath.py``)."""

from __future__ import annotations

import ctypes
import sys
from functools import partial
from typing import Any

from ..lineindex import LineIndex
from . import SLOW, NotFast
from .binding import (
    R_KEYPLAIN,
    R_KEYQUOTED,
    R_MAP,
    R_NONE,
    R_REFUSE,
    R_SEQ,
    R_VALBLOCK,
    R_VALNIL,
    R_VALPLAIN,
    R_VALQUO,
    available,
    low,
    parse_in_place,
)
from .build import YAML_FAST_REFUSE, YAML_FAST_REFUSE_LINE


class _PyBuffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


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


class Locator:
    """Line and column of a JSON pointer in a YAML text, from a rapidyaml tree parsed in place.

    Plain scalars are views into the parsed buffer, quoted ones are unescaped in place from their
    first character, so a key's address minus the buffer's is its byte offset (one more for the
    opening quote). It answers what libyaml's start marks answer (in ``sourcemap``, the reference)
    and only where that is certain: a key, a plain or quoted sequence item, a block mapping item
    (its first key). Anything else (anchors, aliases, tags, flow collections, block scalars,
    explicit keys, nested sequences, empty items) returns SLOW for that pointer."""

    __slots__ = ("tree", "buf", "orig", "base", "pb", "pbref", "lines", "ty", "key", "val", "find",
                 "child", "nchildren", "first", "is_flow", "paths")

    @classmethod
    def build(cls, text: str) -> Any:
        if not available() or YAML_FAST_REFUSE.search(text) or (
                ("%" in text or "\t" in text) and YAML_FAST_REFUSE_LINE.search(text)):
            return False
        orig = text.encode("utf-8")
        if not orig.strip():
            return False
        buf = bytearray(orig)
        try:
            return cls(parse_in_place(buf), buf, orig)
        except Exception:
            return False

    def __init__(self, tree: Any, buf: bytearray, orig: bytes) -> None:
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
            raise NotFast("buffer")
        addr = self.pb.buf or 0
        _release_buffer(ref)
        return addr - self.base

    def _key_start(self, node: int, ty: int) -> int:
        if ty & R_KEYPLAIN:
            off = self._addr(self.key(node))
        elif ty & R_KEYQUOTED:  # single or double quoted: the mark is the opening quote
            off = self._addr(self.key(node)) - 1
            if not 0 <= off < len(self.orig) or self.orig[off] not in b"'\"":
                raise NotFast("quote")
        else:
            raise NotFast("key style")
        if not 0 <= off < len(self.orig):
            raise NotFast("offset")
        back = off - 1  # an explicit key ("? k") starts a mapping at the '?', not at the key
        while back >= 0 and self.orig[back] == 0x20:
            back -= 1
        if back >= 0 and self.orig[back] == 0x3F:
            raise NotFast("explicit key")
        return off

    def _item_start(self, node: int) -> int:
        ty = self.ty(node)
        if ty & R_REFUSE:
            raise NotFast("flags")
        if ty & R_MAP:
            if self.is_flow(node) or self.nchildren(node) == 0:
                raise NotFast("flow or empty mapping")
            first = self.first(node)
            fty = self.ty(first)
            if fty & R_REFUSE:
                raise NotFast("flags")
            return self._key_start(first, fty)
        if ty & R_SEQ or ty & R_VALNIL:
            raise NotFast("sequence or empty item")
        view = self.val(node)
        if view is None:
            raise NotFast("empty")
        if ty & R_VALPLAIN:
            return self._addr(view)
        if ty & (R_VALQUO & ~R_VALBLOCK):
            off = self._addr(view) - 1
            if not 0 <= off < len(self.orig) or self.orig[off] not in b"'\"":
                raise NotFast("quote")
            return off
        raise NotFast("scalar style")

    def locate(self, pointer: str) -> Any:
        """(line, column) of a JSON pointer (empty, or starting with "/"), or SLOW."""
        try:
            offset = self._offset(pointer)
        except Exception:
            return SLOW
        return self._line_col(offset)

    def _offset(self, pointer: str) -> int:
        paths = self.paths  # pointer prefix as written -> (node, type, offset)
        if "" not in paths:
            node = self.tree.root_id()
            ty = self.ty(node)
            if ty & R_REFUSE or not ty & R_MAP:  # a root sequence or scalar: the old path
                raise NotFast("root")
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
            if ty & R_MAP:
                child = self.find(node, tok.encode("utf-8"))
                if child == R_NONE:
                    return best
                cty = self.ty(child)
                if cty & R_REFUSE:
                    raise NotFast("flags")
                best, node, ty = self._key_start(child, cty), child, cty
            elif ty & R_SEQ and tok.isdigit() and int(tok) < self.nchildren(node):
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
