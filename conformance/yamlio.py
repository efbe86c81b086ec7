"""The public API for loading YAML and JSON documents: ``load_file``, ``parse``, ``LoadedFile``
(with line numbers on demand), ``Limits``, and the JSON pointer helpers.

Safe by construction: size and nesting bounded, strict UTF-8, and what each parser refuses
(``json_parse``: duplicate keys, NaN/Infinity, oversized integers; ``pyyaml_load``: unknown tags
such as ``!!python/object``, duplicate keys, alias bombs). JSON is parsed as JSON.

YAML has a fast path: rapidyaml (``rapidyaml.build``) parses, and the data is built with PyYAML's
own YAML 1.1 resolution of plain scalars; any document it does not model exactly (tags, anchors,
aliases, merge keys, duplicates, errors, ...) goes to the PyYAML path (``pyyaml_load``), which
stays the reference. Line and column numbers are computed only when a finding needs them
(``sourcemap``), so the common path pays nothing for them.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from .collector import no_gc
from .errors import SpecLoadError
from .json_parse import parse_json
from .limits import DEFAULT_LIMITS, Limits, check_flow_depth
from .pointers import escape_token, join_pointer, split_pointer
from .sourcemap import SourceMap

__all__ = ["DEFAULT_LIMITS", "Limits", "LoadedFile", "decode_utf8", "escape_token", "guess_format",
           "join_pointer", "load_file", "parse", "read_text", "split_pointer"]


# --------------------------------------------------------------------------------------------
# Reading text


def read_text(path: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    """Read a file as strict UTF-8 (a leading BOM is dropped). Returns (text, sha256 of bytes)."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise SpecLoadError("no such file", file=path) from None
    except OSError as exc:
        raise SpecLoadError(f"cannot read: {exc.strerror}", file=path) from None
    if os.path.isdir(path):
        raise SpecLoadError("is a folder, not a document", file=path)
    if size > limits.max_bytes:
        raise SpecLoadError(f"file is {size:,} bytes, over the limit of {limits.max_bytes:,} "
                            "(raise it with --max-bytes)", file=path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise SpecLoadError(f"cannot read: {exc.strerror}", file=path) from None
    if len(raw) > limits.max_bytes:  # grew since stat, or a special file
        raise SpecLoadError(f"file is over the limit of {limits.max_bytes:,} bytes", file=path)
    digest = hashlib.sha256(raw).hexdigest()
    return decode_utf8(raw, path=path), digest


def decode_utf8(raw: bytes, *, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecLoadError(f"text is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                            f"{exc.start}); save the file as UTF-8", file=path, line=line,
                            column=col) from None


# --------------------------------------------------------------------------------------------
# Parsing


def guess_format(path: str, text: str) -> str:
    lower = path.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def parse(text: str, *, path: str, fmt: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse JSON or YAML text into plain Python data (dict, list, str, int, float, bool, None).
    The cyclic collector is off meanwhile: parsing makes up to millions of containers, none of
    them garbage, and the collections they would trigger cost ~10 % of a YAML parse."""
    fmt = fmt or guess_format(path, text)
    with no_gc():
        if fmt == "json":
            return parse_json(text, path=path, limits=limits)
        return _parse_yaml(text, path=path, limits=limits)


def load_file(path: str, *, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    text, digest = read_text(path, limits=limits)
    fmt = guess_format(path, text)
    data = parse(text, path=path, fmt=fmt, limits=limits)
    return LoadedFile(path=path, text=text, fmt=fmt, data=data, sha256=digest)


def _parse_yaml(text: str, *, path: str, limits: Limits) -> Any:
    try:
        raw: bytes | None = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: libyaml words the error
        raw = None
    check_flow_depth(text, path=path, limits=limits, raw=raw)
    # Deferred: only YAML needs rapidyaml and PyYAML, and importing them costs ~20 ms.
    from . import pyyaml_load
    from .rapidyaml import SLOW
    from .rapidyaml.build import parse_fast

    data = parse_fast(text, limits=limits, raw=raw) if raw is not None else SLOW
    if data is not SLOW:
        return data  # no check_depth: the fast path refuses (to PyYAML) past the same depth
    return pyyaml_load.load(text, path=path, limits=limits)


# --------------------------------------------------------------------------------------------
# Loaded files


@dataclass(slots=True)
class LoadedFile:
    path: str
    text: str
    fmt: str
    data: Any
    sha256: str
    _map: SourceMap | None = field(default=None, repr=False)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """(line, column), both 1-based, of the member named by a JSON pointer; computed lazily."""
        if self._map is None:
            self._map = SourceMap(self.text, self.fmt)
        return self._map.locate(pointer)
