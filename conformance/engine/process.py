"""Process-level tactics for big documents: garbage-collector handling and a forked helper.

A parsed 13 MB description is millions of small, acyclic dicts, lists and strings. Python's
cyclic collector scans all of them again at every full collection it triggers while the rules
allocate (~10 % of a lint). ``document_gc`` parses with the collector off, then freezes what was
loaded (``gc.freeze``: the collector no longer scans it) until the document is done.

``start_forked`` runs a function in a forked child, so a second core can run half of a big
document's rules over the same (copy-on-write) parsed data without parsing it again. It is only
used where the caller allows worker processes (the CLI; not the in-process API, whose callers may
run threads), and any failure of the child hands its share back to the caller.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


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
    """Collector off while building many acyclic objects (a report's dicts): each collection it
    would trigger scans the whole live heap, parsed documents and results included."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def can_fork() -> bool:
    return hasattr(os, "fork")


def start_forked(func: Callable[[], T]) -> Callable[[], T | None] | None:
    """Start ``func()`` in a forked child; returns a function that waits for the child and gives
    its result, or None when the child failed. Returns None at once when fork is unavailable."""
    if not can_fork():
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # child: compute, send, leave without running the parent's exit handlers
        os.close(read_fd)
        try:
            try:
                payload = pickle.dumps(func(), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                payload = pickle.dumps(_FAILED_MARK)
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_fd)

    def result() -> T | None:
        try:
            with os.fdopen(read_fd, "rb") as src:
                data = src.read()
        finally:
            _reap(pid)
        try:
            value: Any = pickle.loads(data)
        except Exception:  # the child died before finishing its message
            return None
        return None if value == _FAILED_MARK else value

    return result


_FAILED_MARK = "conformance:forked-child-failed"


class TaskPipe:
    """A work queue that two processes share across a fork: one byte per task in a pipe whose
    write end is closed at once. Each one-byte read takes a task no other reader gets (pipe reads
    are atomic); end of file means nothing is left. Whoever is free takes the next task, so the
    split balances itself whatever each task costs."""

    MAX_TASKS = 255

    def __init__(self, count: int) -> None:
        if not 0 <= count <= self.MAX_TASKS:
            raise ValueError(f"{count} tasks (at most {self.MAX_TASKS})")
        self._read, write = os.pipe()
        try:
            os.write(write, bytes(range(count)))  # far below a pipe's buffer: never blocks
        finally:
            os.close(write)

    def take(self) -> int | None:
        chunk = os.read(self._read, 1)
        return chunk[0] if chunk else None

    def close(self) -> None:
        os.close(self._read)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
