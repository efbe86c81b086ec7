"""Shared reader for fixtures/rules/<RULE>.yaml rule cases (static, live and graph rules)."""

from __future__ import annotations

import os
from typing import Any

from conformance import yamlio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULE_CASES = os.path.join(ROOT, "fixtures", "rules")

SKELETON = {"openapi": "3.0.3", "info": {"title": "Fixture", "version": "1.0"}, "paths": {}}


def load_cases() -> dict[str, dict[str, Any]]:
    out = {}
    for name in sorted(os.listdir(RULE_CASES)):
        if name.endswith(".yaml"):
            data = yamlio.load_file(os.path.join(RULE_CASES, name)).data
            assert data["rule"] == name.removesuffix(".yaml"), f"{name}: rule id does not match file name"
            out[data["rule"]] = data
    return out


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def spec_document(fragment: str) -> dict[str, Any]:
    """A case's `spec`: a whole document if it names its version, else merged into a skeleton."""
    data = yamlio.parse(fragment, path="<case>", fmt="yaml") or {}
    if "openapi" in data or "swagger" in data:
        return data
    return deep_merge(SKELETON, data)
