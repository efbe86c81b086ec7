"""Line and column of a JSON pointer in a JSON text, from a rapidyaml tree parsed in place.

JSON is YAML flow: ryml parses a 13 MB JSON text in place in ~0.09 s, where the stdlib walk (the
reference, ``SourceMap._json_offset``) decodes every sibling on the way, once per nesting level.
``tests/unit/test_json_locator.py`` holds it to that walk on the whole corpus.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import NotFast
from .binding import (
    R_KEY,
    R_MAP,
    R_NONE,
    R_REFUSE,
    R_SEQ,
    R_VALDQUO,
    R_VALPLAIN,
    available,
    low,
    parse_in_place,
)
from .locate import Locator

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
            tree = parse_in_place(buf)
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
    where one must be); what it cannot confirm returns SLOW for that pointer."""

    __slots__ = ("surrogates", "offsets", "members", "trusted")
    _TABLE_AFTER = 64  # find_child scans siblings (~30 ns each); a dict costs ~2 us per member
    surrogates: bool  # the text has surrogate escapes
    offsets: dict[int, int]  # node -> offset answered for it
    members: dict[int, Any]  # mapping -> lookups so far, or a dict of its members by name
    trusted: dict[int, bool]  # mapping -> whether a member not found there is missing

    @classmethod
    def build(cls, text: str) -> Any:
        if not available() or not _json_escapes_ok():
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
            loc = cls(parse_in_place(buf), buf, orig)
            root = loc.tree.root_id()
            ty = loc.ty(root)
            if ty & R_REFUSE or not ty & (R_MAP if orig[start] == 0x7B else R_SEQ):
                return False
        except Exception:
            return False
        loc.paths[""] = (root, ty, None)  # type: ignore[assignment]
        loc.offsets = {root: start}
        loc.members, loc.trusted = {}, {}
        loc.surrogates = _JSON_SURROGATE.search(orig) is not None
        return loc

    def _offset(self, pointer: str) -> int:  # Locator.locate calls it; SourceMap caches answers
        if pointer[:1] != "/" and pointer:
            raise NotFast("not a pointer")  # the reference answers None
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
                if ty & R_REFUSE:
                    raise NotFast("flags")
                nodes[pointer[:cut]] = (node, ty, at[2])
            nxt = pointer.find("/", cut + 1)
            if nxt < 0:
                nxt = end
            tok = pointer[cut + 1:nxt]
            if "~" in tok:
                tok = tok.replace("~1", "/").replace("~0", "~")
            if ty & R_MAP:
                name: bytes | None = tok.encode("utf-8")
                table = members.get(node, 0)  # lookups so far, or a dict of the members
                if type(table) is dict:
                    child = table.get(name, R_NONE)
                else:
                    child = self.find(node, name)
                    members[node] = table + 1
                    if table + 1 == self._TABLE_AFTER:
                        self._table(node)
                if child == R_NONE:
                    if self.surrogates and not self._missing_trusted(node):
                        raise NotFast("surrogate escapes")
                    break  # missing: the nearest found ancestor, as the reference
            elif ty & R_SEQ:
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
        key, next_sibling, tree = self.key, low.Tree_next_sibling, self.tree
        child = self.first(node)
        while child != R_NONE:
            table.setdefault(bytes(key(child)), child)  # the first, as find_child
            child = next_sibling(tree, child)
        self.members[node] = table

    def _missing_trusted(self, node: int) -> bool:
        """A member not found in ``node`` is missing, unless one of its keys was written with
        surrogate escapes (then its name here is not its name in JSON)."""
        trusted = self.trusted.get(node)
        if trusted is None:
            trusted = True
            key, next_sibling, tree = self.key, low.Tree_next_sibling, self.tree
            child = self.first(node)
            while child != R_NONE and trusted:
                trusted = not _CESU_SURROGATE.search(bytes(key(child)))
                child = next_sibling(tree, child)
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
            raise NotFast("quote")
        if name is not None:
            end = off + 1 + len(name)
            if orig.startswith(name, off + 1) and orig[end] == 0x22 and b"\\" not in name \
                    and b'"' not in name:
                return off  # written as is, without escapes: the common case
        m = _JSON_STRING_B.match(orig, off)
        if m is None or (name is not None
                         and json.loads(m.group().decode("utf-8")) != name.decode("utf-8")):
            raise NotFast("key")
        return off

    def _json_item_start(self, node: int, ty: int) -> int:
        """First character of an array item: a scalar's own; an object's '{' before its first
        key; else (an array, an empty object) the first after the '[' or ',' before the item."""
        orig = self.orig
        if ty & R_REFUSE:
            raise NotFast("flags")
        if ty & R_MAP and self.nchildren(node):
            inner = self._json_key_start(self.first(node), None)
            off = orig.rfind(b"{", 0, inner)  # only whitespace lies between them
            if off < 0 or orig[off + 1:inner].strip(b" \t\n\r"):
                raise NotFast("bracket")
            return off
        if ty & (R_MAP | R_SEQ):
            prev = low.Tree_prev_sibling(self.tree, node)
            if prev == R_NONE:
                off = self._json_value_start(low.Tree_parent(self.tree, node)) + 1
            else:
                off = _JSON_WS.match(orig, self._json_value_end(prev)).end()  # type: ignore[union-attr]
                if orig[off] != 0x2C:  # ','
                    raise NotFast("comma")
                off += 1
            off = _JSON_WS.match(orig, off).end()  # type: ignore[union-attr]
            if orig[off] != (0x7B if ty & R_MAP else 0x5B):
                raise NotFast("bracket")
            return off
        view = self.val(node)
        if view is None:
            raise NotFast("no value")
        off = self._addr(view)
        if ty & R_VALDQUO:  # unescaped in place from its first character
            off -= 1
            if off < 0 or orig[off] != 0x22 or (len(view) == 0 and orig[off + 1] != 0x22):
                raise NotFast("quote")
            return off
        if ty & R_VALPLAIN and len(view) and 0 <= off and _JSON_LITERAL.match(orig, off):
            return off
        raise NotFast("scalar")

    def _json_value_start(self, node: int) -> int:
        """First character of a node's value (a member's: past its key and ':')."""
        ty = self.ty(node)
        if not ty & R_KEY:  # the root or an item: where it starts
            off = self.offsets.get(node)
            if off is None:
                off = self.offsets[node] = self._json_item_start(node, ty)
            return off
        orig = self.orig
        m = _JSON_STRING_B.match(orig, self._json_key_start(node, None))
        off = _JSON_WS.match(orig, m.end()).end()  # type: ignore[union-attr]
        if orig[off] != 0x3A:  # ':'
            raise NotFast("colon")
        return _JSON_WS.match(orig, off + 1).end()  # type: ignore[union-attr]

    def _json_value_end(self, node: int) -> int:
        """Offset just past a node's value."""
        orig, ty = self.orig, self.ty(node)
        if ty & (R_MAP | R_SEQ):
            if self.nchildren(node) == 0:
                off = self._json_value_start(node) + 1
            else:
                off = self._json_value_end(low.Tree_last_child(self.tree, node))
            off = _JSON_WS.match(orig, off).end()  # type: ignore[union-attr]
            if orig[off] != (0x7D if ty & R_MAP else 0x5D):
                raise NotFast("closing bracket")
            return off + 1
        view = self.val(node)
        if view is None:
            raise NotFast("no value")
        off = self._addr(view)
        m = _JSON_STRING_B.match(orig, off - 1) if ty & R_VALDQUO else (
            _JSON_LITERAL.match(orig, off) if ty & R_VALPLAIN else None)
        if m is None:
            raise NotFast("scalar")
        return m.end()
