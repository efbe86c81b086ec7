"""Line and column of a JSON pointer in a loaded document's text (``LoadedFile.locate``).

Built on a document's first finding that needs a location, so the common path pays nothing. The
rapidyaml locators answer first: in JSON a tree of the text (JSON is YAML flow), checked against
the text; in YAML a tree parsed in place. A pointer they cannot place exactly goes to the
reference: in JSON a walk of the text with the stdlib decoder, in YAML libyaml's marks.
``tests/unit/test_json_locator.py`` and ``tests/unit/test_yaml_fastpath.py`` hold the locators to
the references.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .lineindex import LineIndex
from .pointers import split_pointer
from .rapidyaml import SLOW


class SourceMap:
    """Maps JSON pointers to (line, column). Built on first use; caches what it scanned."""

    def __init__(self, text: str, fmt: str) -> None:
        self.text = text
        self.fmt = fmt
        self._lines: LineIndex | None = None
        self._yaml_root: Any = None  # libyaml's composed tree, for the reference YAML walk
        self._json_children: dict[int, dict[str, tuple[int, int]]] = {}
        self._ryml_loc: Any = None  # rapidyaml's Locator, or False when the text is not for it
        self._json_loc: Any = None  # rapidyaml's JsonLocator, or False likewise
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
            if fast is not SLOW:
                return fast  # type: ignore[return-value]
        elif pointer[:1] == "/" or not pointer:
            fast = self._yaml_line_col_fast(pointer)
            if fast is not SLOW:
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
            from .rapidyaml.json_locate import JsonLocator

            loc = self._json_loc = JsonLocator.build(self.text)
        if loc is False:
            return SLOW
        return loc.locate(pointer)

    # YAML, fast: locate through a rapidyaml tree parsed in place, whose scalars point into our
    # copy of the text; a pointer it cannot place exactly as libyaml's marks would goes below.
    def _yaml_line_col_fast(self, pointer: str) -> tuple[int, int] | None | object:
        loc = self._ryml_loc
        if loc is None:
            from .rapidyaml.locate import Locator

            loc = self._ryml_loc = Locator.build(self.text)
        if loc is False:
            return SLOW
        return loc.locate(pointer)

    # YAML, exact: libyaml's marks, from a composed tree (PyYAML: imported only when needed).
    def _yaml_offset(self, tokens: list[str]) -> int | None:
        from . import pyyaml_load

        if self._yaml_root is None:
            self._yaml_root = pyyaml_load.compose(self.text)
        if self._yaml_root is None:
            return None
        return pyyaml_load.mark_offset(self._yaml_root, tokens)

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

