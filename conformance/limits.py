"""Bounds for untrusted documents (``Limits``) and the checks that hold parsed data to them:
nesting depth, YAML flow nesting before libyaml composes it, and alias expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from .errors import SpecLoadError
from .lineindex import line_col


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for untrusted documents. Every one is configurable (CLI ``--max-*`` options)."""

    max_bytes: int = 128 * 1024 * 1024
    max_depth: int = 400
    max_aliases: int = 10_000
    max_expanded_nodes: int = 5_000_000


DEFAULT_LIMITS = Limits()


def check_depth(data: Any, *, path: str, limits: Limits) -> int:
    """Iterative depth check: parsers bound recursion, but our own walks must not meet a surprise.
    Returns the number of mapping members (the JSON path's duplicate check uses it). Level by
    level, so the walk allocates one list per level rather than a tuple per node."""
    limit = limits.max_depth
    level = [data] if isinstance(data, (dict, list)) else []
    depth, members = 1, 0
    while level:
        if depth > limit:
            raise SpecLoadError(f"nesting deeper than {limit} levels (raise it with --max-depth)",
                                file=path)
        below: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                members += len(node)
                below += [v for v in node.values() if isinstance(v, (dict, list))]
            else:
                below += [v for v in node if isinstance(v, (dict, list))]
        level = below
        depth += 1
    return members


_FLOW_CHARS = re.compile(r"[\[\]{}]")


_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def check_flow_depth(text: str, *, path: str, limits: Limits, raw: bytes | None = None) -> None:
    """libyaml composes flow collections recursively in C; refuse absurd nesting before it does.

    Cheap over-approximation: brackets inside quoted strings also count, which only matters for
    documents that are already absurd."""
    if text.count("[") + text.count("{") < limits.max_depth:
        return
    if raw is not None:  # the loop below in C: running sums of +1/-1 over the brackets alone
        depths = list(accumulate(memoryview(raw.translate(_BRACKET_STEPS, _NOT_BRACKETS)).cast("b")))
        if min(depths, default=0) >= 0 and max(depths, default=0) <= limits.max_depth:
            return  # never below 0 (where the loop clamps) and never too deep: the loop agrees
    depth = 0
    for m in _FLOW_CHARS.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > limits.max_depth:
            line, col = line_col(text, m.start())
            raise SpecLoadError(f"nesting deeper than {limits.max_depth} levels "
                                "(raise it with --max-depth)", file=path, line=line, column=col)
        if depth < 0:
            depth = 0


def check_expansion(data: Any, *, path: str, limits: Limits) -> None:
    """Aliases share objects; a walk of the document would visit each share again (a "billion
    laughs" bomb). Count the expanded size with memoisation, so the check itself stays linear."""
    sizes: dict[int, int] = {}
    limit = limits.max_expanded_nodes

    def size(node: Any, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > limits.max_depth:
            raise SpecLoadError(f"nesting deeper than {limits.max_depth} levels", file=path)
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            if isinstance(child, (dict, list)):
                total += size(child, depth + 1)
            else:
                total += 1
            if total > limit:
                break
        sizes[key] = total
        if total > limit:
            raise SpecLoadError(f"aliases expand to more than {limit:,} nodes (alias bomb?)",
                                file=path)
        return total

    if isinstance(data, (dict, list)):
        size(data, 1)
