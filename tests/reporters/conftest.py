"""Reporter test helpers: render each scenario once per test session."""

from __future__ import annotations

import os

import pytest

from conformance.model import RunResult
from conformance.reporters.excerpts import collect_excerpts

from .scenarios import FIXTURES, SCENARIOS


def excerpts_for(name: str, result: RunResult) -> dict:
    root = os.path.join(FIXTURES, name)
    return collect_excerpts(result, root=root) if os.path.isdir(root) else {}


@pytest.fixture(params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> tuple[str, RunResult]:
    return request.param, SCENARIOS[request.param]()
