"""The cyclic garbage collector around big, acyclic work.

A parsed 13 MB description is millions of small, acyclic dicts, lists and strings. Python's
cyclic collector scans them again at every full collection that allocation triggers, finding
nothing (~10 % of a lint). ``no_gc`` turns it off around work that only builds such objects
(parsing, the walk, a report's dicts); ``document_gc`` also freezes a loaded document
(``gc.freeze``: no longer scanned) until it is done.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def document_gc() -> Iterator[Callable[[], None]]:
    """Collector off while loading; call the yielded ``loaded()`` once the document is parsed."""
    was_enabled = gc.isenabled()
    frozen = False
    gc.disable()

    def loaded() -> None:
        nonlocal frozen
        if not frozen:
            gc.freeze()
            frozen = True
        if was_enabled:
            gc.enable()

    try:
        yield loaded
    finally:
        if frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


@contextmanager
def no_gc() -> Iterator[None]:
    """Collector off while building many acyclic objects: each collection it would trigger scans
    the whole live heap, parsed documents and results included, and finds nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
