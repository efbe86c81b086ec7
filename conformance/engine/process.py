"""A second process for a big document: a forked helper and a task queue shared with it.

``ForkedStream`` runs work in a forked child that streams its results back, so a second core can
run half of a big document's rules over the same (copy-on-write) parsed data without parsing it
again; ``TaskPipe`` shares the tasks between the two. Only used where the caller allows worker
processes (the CLI; not the in-process API, whose callers may run threads); any failure of the
child hands its share back to the caller.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    return hasattr(os, "fork")


class ForkedStream:
    """A forked child that sends pickled messages back as it goes, so its pickling overlaps its
    work and the parent unpickles between its own tasks (``poll``) instead of all at the end.
    Length-prefixed frames in a pipe (enlarged where Linux allows, so the child rarely waits);
    a frame cut short by a dying child is dropped, and ``finish`` says whether the child ended
    normally."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid, self.fd = pid, read_fd
        self.buf = bytearray()
        self.ok = False

    @classmethod
    def start(cls, work: Callable[[Callable[[Any], None]], None]) -> ForkedStream | None:
        """Fork; the child runs ``work(send)`` and leaves. None when fork is unavailable."""
        if not can_fork():
            return None
        read_fd, write_fd = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write_fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except (ImportError, OSError):
            pass  # the default 64 KiB only means the child waits for the parent's next poll
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # child: leave without running the parent's exit handlers
            os.close(read_fd)
            try:
                def send(message: Any) -> None:
                    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                    _write_all(write_fd, len(data).to_bytes(8, "little") + data)

                work(send)
                _write_all(write_fd, _END)
            finally:
                os._exit(0)
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        return cls(pid, read_fd)

    def poll(self) -> list[Any]:
        """The messages complete so far, without waiting."""
        while True:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.buf += chunk
        return self._frames()

    def finish(self) -> list[Any]:
        """Wait for the child to end; the messages not yet returned by ``poll``."""
        os.set_blocking(self.fd, True)
        try:
            while chunk := os.read(self.fd, 1 << 20):
                self.buf += chunk
        finally:
            os.close(self.fd)
            _reap(self.pid)
        return self._frames()

    def _frames(self) -> list[Any]:
        out, buf, at = [], self.buf, 0
        while len(buf) - at >= 8:
            size = int.from_bytes(buf[at:at + 8], "little")
            if size == _END_SIZE:
                self.ok = True
                at += 8
                continue
            if len(buf) - at - 8 < size:
                break
            out.append(pickle.loads(buf[at + 8:at + 8 + size]))
            at += 8 + size
        del buf[:at]
        return out


_END_SIZE = (1 << 64) - 1  # a frame length no message has: the child finished normally
_END = _END_SIZE.to_bytes(8, "little")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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
