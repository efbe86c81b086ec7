"""The batch cache: a system's static result, reused while nothing it depends on has changed.

One JSON file per (tool version, profile digest, spec paths and contents, scope) key, and the
scope is always "static": entries hold static results only, live results are never cached. The
target can change (a deployment, a config switch, a certificate expiring) without any byte of the
spec changing, so a live result is only evidence about the moment it was taken.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Any

from .. import __version__, yamlio
from ..errors import SpecLoadError
from .tasks import SystemTask

CACHE_VERSION = 1
CACHE_SCOPE = "static"  # what a cache entry holds: live results never enter the cache (see above)


def cache_key(task: SystemTask, profile_digest: str) -> str | None:
    """None when a spec cannot be read: then the worker reports it, uncached."""
    h = hashlib.sha256(f"conformance {__version__}\0{profile_digest}\0{CACHE_SCOPE}\0".encode())
    for shown, path in sorted(zip(task.specs, task.abs_specs, strict=True)):
        try:
            _, digest = yamlio.read_text(path)
        except SpecLoadError:
            return None
        h.update(f"{shown}\0{digest}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cache_get(cache_dir: str, key: str) -> dict[str, Any] | None:
    path = os.path.join(cache_dir, key + ".json")
    if not os.path.isfile(path):
        return None
    try:
        data = yamlio.load_file(path).data
    except SpecLoadError:
        return None  # a damaged entry is a miss: the fresh result then replaces it
    if not isinstance(data, dict) or data.get("cache_version") != CACHE_VERSION or data.get("key") != key:
        return None
    result = data.get("result")
    return result if isinstance(result, dict) else None


def cache_put(cache_dir: str, key: str, result: dict[str, Any]) -> None:
    import json

    os.makedirs(cache_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"cache_version": CACHE_VERSION, "key": key, "result": result}, fh, ensure_ascii=False)
    os.replace(tmp, os.path.join(cache_dir, key + ".json"))  # readers never see half a file
