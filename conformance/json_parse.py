"""JSON text to Python data. JSON is parsed as JSON (PyYAML is ~37x slower on the same text): the
stdlib decoder with a duplicate-key hook, which words every error, is the reference; a faster path
decodes without the hook and lets orjson, in C, vouch for duplicates and depth."""

from __future__ import annotations

import json
from typing import Any

from .errors import SpecLoadError
from .limits import Limits, check_depth
from .lineindex import line_col

try:  # optional: a Rust JSON serialiser, for a fast depth check (_check_depth_fast)
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None  # type: ignore[assignment]


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_json_decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)


def parse_json(text: str, *, path: str, limits: Limits) -> Any:
    """The stdlib decoder: without its duplicate-key hook when _parse_json_fast can vouch for the
    result, else with it (the reference, which words every error)."""
    data = _parse_json_fast(text, limits=limits)
    if data is not _SLOW:
        return data
    try:
        data = _json_decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise SpecLoadError(f"invalid JSON: {exc.msg}", file=path, line=exc.lineno,
                            column=exc.colno) from None
    except _DuplicateKey as exc:
        line, col = _locate_json_duplicate(text, exc.key)
        raise SpecLoadError(f"duplicate key {exc.key!r}", file=path, line=line, column=col) from None
    except RecursionError:
        raise SpecLoadError(f"nesting is deeper than the parser allows (limit {limits.max_depth})",
                            file=path) from None
    except ValueError as exc:  # NaN/Infinity, integers over Python's digit limit
        raise SpecLoadError(f"invalid JSON value: {exc}", file=path) from None
    _check_depth_fast(data, path=path, limits=limits)
    return data


_SLOW = object()
_plain_json_decoder = json.JSONDecoder(parse_constant=_refuse_constant)


def _parse_json_fast(text: str, *, limits: Limits) -> Any:
    """The C decoder without the duplicate-key hook (whose ~80k Python calls on GitHub's 13 MB
    cost as much as the parse), then orjson's serialisation, in C, settles the rest. Depth: it
    succeeds only on data no deeper than _orjson_depth(). Duplicates: it writes ':' only between
    keys and values and inside strings, so its ':' count equals the text's exactly when no key was
    repeated (a repeated key drops a member, with its ':'), given no colon is escaped ("\\u003a").
    orjson was tried as the parser too, but it reads integers over 64 bits as floats, and finding
    them cost more than this. Anything else (errors, big integers, deep data): _SLOW."""
    if _orjson is None or limits.max_depth < _orjson_depth() or "\\u003" in text:
        return _SLOW
    try:
        data = _plain_json_decoder.decode(text)
        blob = _orjson.dumps(data)
    except Exception:  # invalid text, NaN, integers over 64 bits, lone surrogates, depth
        return _SLOW
    return data if blob.count(b":") == text.count(":") else _SLOW


def _check_depth_fast(data: Any, *, path: str, limits: Limits) -> None:
    """check_depth's verdict, mostly from orjson (in C, ~7x faster): it refuses to serialise data
    nested deeper than ``_orjson_depth()``, so when it succeeds under a limit at least that deep,
    nothing is too deep. Otherwise (integers over 64 bits, deeper data) check_depth decides."""
    if _orjson is not None and limits.max_depth >= _orjson_depth():
        try:
            _orjson.dumps(data)
            return
        except Exception:
            pass
    check_depth(data, path=path, limits=limits)


_orjson_depths: list[int] = []
_ORJSON_DEPTH = 254  # orjson 3 refuses to serialise data nested deeper (its recursion limit)


def _orjson_depth() -> int:
    """The deepest nesting orjson serialises: _ORJSON_DEPTH, checked once with nested lists, maps
    and both alternating; when that does not hold, a depth no limit reaches (the check is off)."""
    if not _orjson_depths:
        def serialises(kinds: str, depth: int) -> bool:
            node: Any = []  # ``depth`` containers nested, as check_depth counts them
            for level in range(1, depth):
                node = [node] if kinds[level % len(kinds)] == "l" else {"k": node}
            try:
                _orjson.dumps(node)
                return True
            except Exception:
                return False

        ok = all(serialises(k, _ORJSON_DEPTH) and not serialises(k, _ORJSON_DEPTH + 1)
                 for k in ("l", "m", "lm"))
        _orjson_depths.append(_ORJSON_DEPTH if ok else 1 << 62)
    return _orjson_depths[0]


def _locate_json_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    needle = json.dumps(key)
    first = text.find(needle + ":") if needle + ":" in text else text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    if second < 0:
        return None, None
    return line_col(text, second)
