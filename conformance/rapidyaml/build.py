"""YAML text to Python data through rapidyaml, for ``yamlio`` to try before PyYAML.

rapidyaml (C++) parses into a flat tree; the Python data is built here with PyYAML's own YAML 1.1
resolution of plain scalars (``pyyaml_load``). It only takes documents it is sure about: anything
with anchors, aliases, tags, merge keys, empty keys, directives, several documents, YAML 1.1-only
line breaks, characters libyaml refuses, or anything ryml itself refuses answers ``SLOW``, and the
PyYAML path, which stays the reference behaviour (and words every error), decides.
``tests/unit/test_yaml_fastpath.py`` holds it to that path on the whole corpus.
"""

from __future__ import annotations

import ctypes
import re
from itertools import repeat
from operator import add, sub
from typing import Any

from ..limits import Limits
from . import SLOW, NotFast
from .binding import (
    R_KEYQUO,
    R_MAP,
    R_NONE,
    R_REFUSE,
    R_SEQ,
    R_VAL,
    R_VALNIL,
    R_VALPLAIN,
    R_VALQUO,
    available,
    parse_in_arena,
)

# Characters the fast paths (this parse, and locate.Locator) leave to libyaml: C0 controls other
# than tab/LF/CR, DEL and C1 controls (libyaml refuses most of them), NEL/LS/PS (line breaks in
# YAML 1.1, not in 1.2), BOMs and non-characters, '%' at a line start (a directive) and tabs in
# indentation (libyaml refuses them where ryml does not). Also '\r': libyaml normalises line
# breaks inside scalars; rather than trusting ryml to do the same, such files take the slow path.
YAML_FAST_REFUSE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r\u2028\u2029\ufeff"
                              "\ufffe\uffff\ud800-\udfff]")
YAML_FAST_REFUSE_LINE = re.compile("^%|^ *\t", re.M)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# A plain scalar (value or key) starting with an indicator: YAML forbids most of them, libyaml
# refuses them, ryml accepts some (e.g. ']x' in block context). Never on the fast path.
_INDICATORS = frozenset(",[]{}#&*!|>'\"%@`")


def _plain_resolver() -> Any:
    """value -> Python value for plain scalars, exactly as the PyYAML path constructs them."""
    # Imported here, not at the top: locate.py (line numbers, JSON documents too) imports this
    # module for its refusal rules and must not pull in PyYAML.
    from ..pyyaml_load import IMPLICIT_RESOLVERS, STR_TAG, scalar_constructor

    resolver = IMPLICIT_RESOLVERS  # first character -> [(tag, regexp)]
    construct = scalar_constructor()
    str_tag = STR_TAG
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
                raise NotFast("indicator")
            out: Any = value
        elif tag == _MERGE_TAG:
            raise NotFast("merge")
        else:
            out = construct(tag, value)
        cache[value] = out
        return out

    return resolve


def parse_fast(text: str, *, limits: Limits, raw: bytes | None = None) -> Any:
    """The document's data, or SLOW. ``raw``: the text as UTF-8, when the caller has it."""
    if not available() or not _layout_ok():
        return SLOW
    if raw is None:
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: libyaml words the error
            return SLOW
    if _refused_text(text, raw):
        return SLOW
    try:
        tree = parse_in_arena(raw)
    except Exception:  # ryml's errors are not PyYAML's: let the slow path word them
        return SLOW
    try:
        return _build_from_tree(tree, limits)
    except Exception:  # NotFast, a resolver/constructor error, recursion: all take the slow path
        return SLOW


# What YAML_FAST_REFUSE(_LINE) find, in a few C passes (those regexes cost more than rapidyaml's
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


# The tree is read straight from rapidyaml's memory (0.15's layout, checked once by _layout_ok):
# one SWIG call per node field cost ~3 µs a node, most of the load time of a YAML folder. A node
# is 18 words: type; key then value, each (tag, scalar, anchor) as (pointer, length); then parent,
# first child, last child, next sibling, previous sibling. Scalars point into the tree's arena.
# The Tree itself starts with: nodes, capacity, size, free list (2), arena (pointer, length),
# arena bytes used. A link past ``size`` raises IndexError, which takes the slow path.
_WORDS = 18
_TYPE, _KEY, _KEY_LEN, _VAL, _VAL_LEN, _FIRST, _NEXT = 0, 3, 4, 9, 10, 14, 16
_BAD, _PLAIN, _QUOTED, _NIL, _MAP, _SEQ = range(6)  # what a node is, for the builder


def _resolved_first() -> frozenset[str]:
    """A plain scalar whose first character is not one of these is a string as written."""
    from ..pyyaml_load import IMPLICIT_RESOLVERS

    return frozenset(IMPLICIT_RESOLVERS) | _INDICATORS

_KEY_CHECK = _INDICATORS | {"<"}  # keys needing the exact check: "<<" or an indicator


class _Kinds(dict):  # type bits -> _BAD..._SEQ, in the order the checks used to run
    def __missing__(self, ty: int) -> int:
        kind = (_BAD if ty & R_REFUSE else _MAP if ty & R_MAP else _SEQ if ty & R_SEQ
                else _QUOTED if ty & R_VALQUO else _NIL if ty & R_VALNIL
                else _PLAIN if ty & R_VALPLAIN else _BAD)
        self[ty] = kind
        return kind


def _tree_arrays(tree: Any) -> tuple[Any, bytes, int]:
    """The node array (a memoryview of words), the arena and its address."""
    head = (ctypes.c_uint64 * 8).from_address(int(tree.this))
    buf, cap, size, arena, used = head[0], head[1], head[2], head[5], head[7]
    if (cap, size, used) != (tree.capacity(), tree.size(), tree.arena_size()) or not size:
        raise NotFast("layout")
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
    resolve, special = _plain_resolver(), _resolved_first()
    NONE, max_depth = R_NONE, limits.max_depth

    def build(node: int, k: int, depth: int) -> Any:
        if depth > max_depth:
            raise NotFast("depth")
        child = first[node]
        if k == _MAP:
            out: dict[str, Any] = {}
            n = 0
            while child != NONE:
                key, k = keys[child], kind[child]
                if key[:1] in _KEY_CHECK and (key == "<<" or key[:1] in _INDICATORS) and not (
                        words[child * _WORDS] & R_KEYQUO):
                    raise NotFast("key")
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
                raise NotFast("duplicate")
            return out
        if k != _SEQ:
            raise NotFast("refused flags or scalar style")
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
    try:
        if k in (_MAP, _SEQ):
            return build(root, k, 1)
    finally:
        # ``build`` refers to itself through its closure: a cycle that would keep every key and
        # value list of the document alive until a full collection (which the engine defers).
        build = None  # type: ignore[assignment]  # noqa: F841
    if k == _BAD or not words[root * _WORDS] & R_VAL:
        raise NotFast("root type")
    return None if k == _NIL else vals[root] if k == _QUOTED else resolve(vals[root])


_layout: list[bool] = []


def _layout_ok() -> bool:
    """Once per process: does the tree in memory read as _tree_arrays expects? Checked against
    the binding's own accessors on a small document; if not, YAML takes the PyYAML path."""
    if not _layout:
        try:
            tree = parse_in_arena(b"a: 1\n'b': [x, \"y\", {c: ~}]\nd: |\n  z\n")
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


