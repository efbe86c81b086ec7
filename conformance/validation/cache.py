"""Structural verdicts cached per content hash: in process (LRU), and on disk when
``CONFORMANCE_CACHE_DIR`` names a folder (CI runs lint the same documents again and again).

The key covers the document (its orjson bytes), its family, the installed openapi-spec-validator's
version (the verdict is that library's) and ``_CACHE_VERSION``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from typing import Any

_CACHE_VERSION = "1"  # bump when the verdict logic changes: on-disk entries then stop matching
_CACHE_ENV = "CONFORMANCE_CACHE_DIR"
_LRU_SIZE = 64

_lru: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()


def content_key(data: dict[str, Any], family: str) -> str | None:
    """The cache key of a document's verdict; None when it cannot be hashed (then no caching)."""
    try:
        import orjson

        blob = orjson.dumps(data)
    except Exception:  # integers over 64 bits, or orjson missing: no caching, still correct
        return None
    h = hashlib.sha256(blob)
    h.update(f"\0{family}\0{_osv_version()}\0{_CACHE_VERSION}".encode())
    return h.hexdigest()


def _osv_version() -> str:
    # From the package metadata: importing openapi-spec-validator for its version costs ~0.2 s.
    from importlib.metadata import version

    return version("openapi-spec-validator")


def get(key: str) -> list[tuple[str, str]] | None:
    """The cached verdict, or None on a miss (an unreadable disk entry is a miss)."""
    if key in _lru:
        _lru.move_to_end(key)
        return _lru[key]
    folder = os.environ.get(_CACHE_ENV)
    if not folder:
        return None
    try:
        with open(os.path.join(folder, f"structure-{key}.json"), encoding="utf-8") as fh:
            value = [(str(p), str(m)) for p, m in json.load(fh)]
    except (OSError, ValueError, TypeError):
        return None
    _remember(key, value)
    return value


def put(key: str, value: list[tuple[str, str]]) -> None:
    _remember(key, value)
    folder = os.environ.get(_CACHE_ENV)
    if not folder:
        return
    try:  # write-then-rename, so a concurrent reader never sees half a file
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False)
        os.replace(tmp, os.path.join(folder, f"structure-{key}.json"))
    except OSError:
        pass  # a cache that cannot be written is only a slower run


def _remember(key: str, value: list[tuple[str, str]]) -> None:
    _lru[key] = value
    _lru.move_to_end(key)
    while len(_lru) > _LRU_SIZE:
        _lru.popitem(last=False)


def clear_cache() -> None:
    """Forget in-process verdicts (tests, benchmarks)."""
    _lru.clear()
