"""Observation and throttling helpers: the request log tests read, and the burst limiter."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int
    received_at: float


class RequestLog:
    """Thread-safe record of every request the service answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._items.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._items)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __getitem__(self, index: int) -> RequestRecord:
        with self._lock:
            return self._items[index]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for rec in self.snapshot():
            out[rec.method] = out.get(rec.method, 0) + 1
        return out


class BurstLimiter:
    """Fixed one-second windows: simple, and deterministic enough for a burst test."""

    def __init__(self, per_second: int) -> None:
        self.limit = per_second
        self._lock = threading.Lock()
        self._window = 0
        self._count = 0

    def take(self) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds until reset)."""
        now = time.monotonic()
        with self._lock:
            window = int(now)
            if window != self._window:
                self._window, self._count = window, 0
            self._count += 1
            allowed = self._count <= self.limit
            remaining = max(0, self.limit - self._count)
        return allowed, remaining, 1
