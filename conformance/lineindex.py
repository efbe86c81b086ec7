"""Line and column, both 1-based, of offsets into a text: ``line_col`` for a single answer (an
error message), ``LineIndex`` for many (a source map placing every finding of a document)."""

from __future__ import annotations

from itertools import accumulate, repeat
from typing import Any


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


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
