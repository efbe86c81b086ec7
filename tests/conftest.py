"""Shared test helpers: paths, a fixed clock, golden files (`UPDATE_GOLDENS=1` rewrites them)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def clock() -> Callable[[], dt.datetime]:
    return lambda: FIXED


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    def check(relpath: str, text: str) -> None:
        path = os.path.join(FIXTURES, "golden", relpath)
        if os.environ.get("UPDATE_GOLDENS") == "1" or not os.path.exists(path):
            if os.environ.get("CI") and not os.path.exists(path):
                pytest.fail(f"golden file missing: {relpath} (generate with UPDATE_GOLDENS=1)")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        with open(path, encoding="utf-8") as fh:
            assert text == fh.read(), f"differs from golden {relpath}; review and rerun with UPDATE_GOLDENS=1"
    return check
