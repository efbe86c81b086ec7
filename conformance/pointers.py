"""JSON pointers (RFC 6901): split one into its tokens, escape a token, join tokens onto a base.
Part of ``yamlio``'s public API (re-exported there); its own module so the source maps can use
it without importing the loader."""

from __future__ import annotations


def split_pointer(pointer: str) -> list[str]:
    if not pointer or pointer == "/":
        return [] if not pointer else [""]
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def escape_token(token: str) -> str:
    if "~" in token or "/" in token:  # most tokens need no escaping; skip the two replaces
        return token.replace("~", "~0").replace("/", "~1")
    return token


def join_pointer(base: str, *tokens: str | int) -> str:
    # Hot on large documents (one call per schema node): avoid a generator per call.
    out = base
    for t in tokens:
        out += "/" + escape_token(t if isinstance(t, str) else str(t))
    return out
