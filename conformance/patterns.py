"""Matching a spec's regex ``pattern`` against a value, in bounded time.

A vendor's spec is untrusted: ``^(a+)+$`` against ``"aaaa…!"`` makes Python's backtracking ``re``
run for hours. JSON Schema patterns are evaluated here with the Rust engine behind jsonschema-rs,
which is linear-time for ordinary patterns and gives lookaround/backreference patterns a hard
backtracking limit. Every rule that matches a spec's pattern goes through ``pattern_accepts``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema_rs

BACKTRACK_LIMIT = 100_000
_OPTIONS = jsonschema_rs.FancyRegexOptions(backtrack_limit=BACKTRACK_LIMIT)


@lru_cache(maxsize=4096)
def _validator(pattern: str) -> Any:
    try:
        return jsonschema_rs.validator_for({"type": "string", "pattern": pattern}, pattern_options=_OPTIONS)
    except (jsonschema_rs.ValidationError, ValueError):  # not a valid ECMA-262 pattern
        return None


def pattern_accepts(pattern: Any, value: str) -> bool | None:
    """True/False whether ``pattern`` (unanchored, ECMA-262) matches; None if the pattern is unusable
    or the match hit the backtracking limit (a finding about the value would not be trustworthy)."""
    if not isinstance(pattern, str) or not isinstance(value, str):
        return None
    validator = _validator(pattern)
    if validator is None:
        return None
    errors = list(validator.iter_errors(value))
    if any("backtrack" in e.message.lower() for e in errors):
        return None
    return not errors
