"""The rapidyaml binding (the only module importing ``ryml``): whether it is installed, its node
type flags, its low-level tree functions, and its two parses, with ryml's stderr kept quiet."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:  # optional: ~5x faster than libyaml + PyYAML's Python resolver/constructor
    import ryml as _ryml  # type: ignore[import-untyped]
except Exception:  # pragma: no cover - depends on the environment
    _ryml = None  # type: ignore[assignment]


def available() -> bool:
    return _ryml is not None


class _Absent:  # without ryml every flag reads 0; none is used, as available() is False
    def __getattr__(self, name: str) -> int:
        return 0


_r: Any = _ryml if _ryml is not None else _Absent()
# SWIG's functions on trees (Tree_type(tree, node), ...): no method lookup per call.
low: Any = getattr(_ryml, "_ryml", None)

R_NONE = _r.NONE
R_MAP, R_SEQ, R_VAL, R_KEY = _r.MAP, _r.SEQ, _r.VAL, _r.KEY
R_VALNIL = _r.VALNIL
R_VALBLOCK = _r.VAL_LITERAL | _r.VAL_FOLDED
R_VALQUO = _r.VALQUO | R_VALBLOCK
R_VALDQUO = _r.VAL_DQUO
R_VALPLAIN = _r.VAL_PLAIN
R_KEYQUO = _r.KEYQUO  # quoted keys (a quoted "<<" is no merge key)
R_KEYPLAIN = _r.KEY_PLAIN
R_KEYQUOTED = _r.KEY_SQUO | _r.KEY_DQUO
# Whatever the fast paths do not model: the whole document (or pointer) takes the reference path.
R_REFUSE = (_r.KEYREF | _r.VALREF | _r.KEYANCH | _r.VALANCH | _r.KEYTAG | _r.VALTAG | _r.KEYNIL
            | _r.KEY_UNFILT | _r.VAL_UNFILT | (_r.STREAM & ~_r.SEQ))


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


def parse_in_arena(buf: bytes) -> Any:
    """A tree of the text, its scalars copied into the tree's own arena."""
    with _quiet_stderr():
        return _ryml.parse_in_arena(buf)


def parse_in_place(buf: bytearray) -> Any:
    """A tree of the text parsed in place: scalars stay views into ``buf`` (the locators need
    addresses); ``buf`` must outlive the tree."""
    with _quiet_stderr():
        return _ryml.parse_in_place(buf)
