"""Loading an OpenAPI document with its local ``$ref`` files, and mapping pointers back to files.

External references are bundled into the root document under ``x-conformance-bundle`` (an
extension key, so the bundle stays a valid OpenAPI document) and rewritten as local references.
The validator then never needs a resolver of its own, which is what keeps it off the network and
out of the rest of the file system. A pointer into the bundle maps back to the original file, so
findings name the file where the text really is.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import yamlio
from .errors import SpecLoadError
from .model import Location, Problem
from .yamlio import DEFAULT_LIMITS, Limits, LoadedFile, escape_token, split_pointer

BUNDLE_KEY = "x-conformance-bundle"
REFUSED_KEY = "<refused>"
_BUNDLE_PREFIX = "/" + BUNDLE_KEY + "/"
MAX_REF_CHAIN = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class RefPolicy:
    """Which references may be followed. Local files must stay under the root document's folder."""

    allow_remote: bool = False
    allowed_hosts: tuple[str, ...] = ()  # with allow_remote: https only, to these hosts
    url_map: Mapping[str, str] = field(default_factory=dict)  # URL prefix -> local folder


@dataclass(slots=True)
class SpecDocument:
    path: str  # as the user gave it; used in reports
    root_dir: str  # real path of the folder references are confined to
    root: LoadedFile
    data: Any
    files: dict[str, LoadedFile]  # bundle key (relative path or URL) -> file
    ref_problems: list[Problem]
    version: str | None
    family: str | None  # "swagger2" | "oas30" | "oas31" | None (unknown)
    cache: dict[str, Any] = field(default_factory=dict)  # per-document memo for checks (see nodes.operations)
    _targets: dict[str, tuple[Any, str]] = field(default_factory=dict, repr=False, compare=False)
    _targets_of: Any = field(default=None, repr=False, compare=False)  # the data _targets is of

    @property
    def sha256(self) -> str:
        return self.root.sha256

    def title(self) -> str | None:
        info = self.data.get("info") if isinstance(self.data, dict) else None
        title = info.get("title") if isinstance(info, dict) else None
        return title if isinstance(title, str) else None

    # -- locations ------------------------------------------------------------------------
    def file_and_pointer(self, pointer: str) -> tuple[LoadedFile, str]:
        if pointer.startswith(_BUNDLE_PREFIX):
            rest = pointer[len(_BUNDLE_PREFIX):]
            token, _, tail = rest.partition("/")
            key = token.replace("~1", "/").replace("~0", "~")
            loaded = self.files.get(key)
            if loaded is not None:
                return loaded, ("/" + tail) if tail else ""
        return self.root, pointer

    def location(self, pointer: str, *, with_line: bool = True) -> Location:
        loaded, local = self.file_and_pointer(pointer)
        line = col = None
        if with_line:
            pos = loaded.locate(local)
            if pos is not None:
                line, col = pos
        display = self.path if loaded is self.root else _display_path(self, loaded)
        return Location(file=display, pointer=local, line=line, column=col)

    # -- references -----------------------------------------------------------------------
    def get(self, pointer: str) -> Any:
        """The value at a pointer of the bundled document, or None."""
        node = self.data
        try:
            for tok in split_pointer(pointer):
                if isinstance(node, dict):
                    node = node[tok]
                elif isinstance(node, list):
                    node = node[int(tok)]
                else:
                    return None
        except (KeyError, IndexError, ValueError):
            return None
        return node

    def resolve(self, value: Any, pointer: str) -> tuple[Any, str]:
        """Follow a chain of local ``$ref``s. Returns the target and its pointer; on a broken or
        circular chain, returns the last value reached. Each reference's target is looked up once
        per document (checks resolve the same few hundred references ~10^5 times)."""
        if not isinstance(value, dict):
            return value, pointer
        ref = value.get("$ref")
        if not isinstance(ref, str):
            return value, pointer
        targets = self._targets
        if self._targets_of is not self.data:  # the data was replaced: forget its targets
            targets.clear()
            self._targets_of = self.data
        seen: set[str] = set()
        while True:
            if not ref.startswith("#") or ref in seen or len(seen) >= MAX_REF_CHAIN:
                break
            seen.add(ref)
            hit = targets.get(ref)
            if hit is None:
                target_ptr = urllib.parse.unquote(ref[1:])
                hit = targets[ref] = (self.get(target_ptr), target_ptr)
            if hit[0] is None:
                break
            value, pointer = hit
            if not isinstance(value, dict):
                break
            ref = value.get("$ref")
            if not isinstance(ref, str):
                break
        return value, pointer


def _display_path(doc: SpecDocument, loaded: LoadedFile) -> str:
    if "://" in loaded.path:
        return loaded.path
    base = os.path.dirname(doc.path)
    rel = os.path.relpath(loaded.path, doc.root_dir)
    return os.path.join(base, rel) if base else rel


def detect_version(data: Any) -> tuple[str | None, str | None]:
    if not isinstance(data, dict):
        return None, None
    swagger, openapi = data.get("swagger"), data.get("openapi")
    if isinstance(swagger, str) and swagger.startswith("2."):
        return swagger, "swagger2"
    if isinstance(openapi, str):
        if openapi.startswith("3.0"):
            return openapi, "oas30"
        if openapi.startswith("3.1"):
            return openapi, "oas31"
        return openapi, None
    if openapi is not None or swagger is not None:
        return str(openapi if openapi is not None else swagger), None
    return None, None


def fetch_https(url: str, max_bytes: int, *, timeout: float = 10.0) -> bytes:
    """GET an https URL with certificate verification, no redirects, a timeout and a size cap."""
    import urllib.request  # only for allowed remote refs (~20 ms of imports otherwise)

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None  # a redirect could lead anywhere; the allow-list names hosts, not chains

    opener = urllib.request.build_opener(_NoRedirect())
    with opener.open(urllib.request.Request(url, headers={"Accept": "application/json, application/yaml"}),
                     timeout=timeout) as resp:
        data: bytes = resp.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(f"larger than {max_bytes:,} bytes")
    return data


def load_spec(path: str, *, limits: Limits = DEFAULT_LIMITS, refs: RefPolicy | None = None,
              fetch: Any = None) -> SpecDocument:
    """Load a document and every file its ``$ref``s reach. Raises SpecLoadError if the root file
    cannot be read; problems with referenced files become ``ref_problems`` (findings).

    Remote references are fetched (with ``fetch``, by default ``fetch_https``) only when the policy
    allows remote references, only over https, and only from the listed hosts."""
    refs = refs or RefPolicy()
    if fetch is None and refs.allow_remote:
        fetch = fetch_https
    root = yamlio.load_file(path, limits=limits)
    root_dir = os.path.dirname(os.path.realpath(path))
    doc = SpecDocument(path=path, root_dir=root_dir, root=root, data=root.data, files={},
                       ref_problems=[], version=None, family=None)
    doc.version, doc.family = detect_version(root.data)
    if isinstance(root.data, dict):
        _Bundler(doc, limits, refs, fetch).run()
    return doc


def _only_local_refs(data: Any) -> bool:
    """True when every string ``$ref`` starts with '#' (most documents), found in C rather than by
    a walk of every mapping. In orjson's compact output a '"' inside a string is written '\\"', so
    the bytes '"$ref":"' only ever start a key "$ref" with a string value. False when unsure."""
    try:
        import orjson

        blob = orjson.dumps(data)
    except Exception:  # integers over 64 bits, very deep data, orjson missing: walk
        return False
    return blob.count(b'"$ref":"') == blob.count(b'"$ref":"#')


class _Bundler:
    def __init__(self, doc: SpecDocument, limits: Limits, refs: RefPolicy, fetch: Any) -> None:
        self.doc, self.limits, self.refs, self.fetch = doc, limits, refs, fetch
        self.bundle: dict[str, Any] = {}
        self.roots = [doc.root_dir] + [os.path.realpath(d) for d in refs.url_map.values()]

    def run(self) -> None:
        if _only_local_refs(self.doc.data):
            return  # the root's "#..." references stay as they are: nothing to rewrite or load
        self._rewrite(self.doc.data, "", file_key=None, base=os.path.realpath(self.doc.path))
        if self.bundle:
            self.doc.data[BUNDLE_KEY] = self.bundle

    def _rewrite(self, data: Any, pointer: str, *, file_key: str | None, base: str) -> None:
        """Iteratively visit every mapping; rewrite ``$ref`` strings to point into the bundle."""
        stack: list[tuple[Any, str]] = [(data, pointer)]
        while stack:
            node, ptr = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    problems = len(self.doc.ref_problems)
                    new = self._rewrite_ref(ref, ptr + "/$ref", file_key=file_key, base=base)
                    if new is not None:
                        node["$ref"] = new
                    elif len(self.doc.ref_problems) > problems:
                        # A refused reference must not reach the validator either: its resolver
                        # would fetch a URL or open a path on its own. Point it at an empty value.
                        node["$ref"] = "#/" + BUNDLE_KEY + "/" + escape_token(REFUSED_KEY)
                        self.bundle.setdefault(REFUSED_KEY, {})
                for k, v in node.items():
                    if isinstance(v, (dict, list)) and k != BUNDLE_KEY:
                        stack.append((v, ptr + "/" + escape_token(k)))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    if isinstance(v, (dict, list)):
                        stack.append((v, f"{ptr}/{i}"))

    def _problem(self, message: str, message_vi: str, pointer: str) -> None:
        self.doc.ref_problems.append(Problem(message=message, message_vi=message_vi, pointer=pointer))

    def _rewrite_ref(self, ref: str, ptr: str, *, file_key: str | None, base: str) -> str | None:
        target, _, fragment = ref.partition("#")
        if not target:
            if file_key is None:
                return None
            return "#" + _BUNDLE_PREFIX + escape_token(file_key) + fragment
        parsed = urllib.parse.urlsplit(target)
        if parsed.scheme and len(parsed.scheme) > 1:  # a URL (one-letter schemes are drive letters)
            key = self._load_remote(target, ptr, base=base)
        else:
            key = self._load_local(urllib.parse.unquote(target), ptr, base=base)
        if key is None:
            return None
        return "#" + _BUNDLE_PREFIX + escape_token(key) + fragment

    def _load_local(self, target: str, ptr: str, *, base: str) -> str | None:
        base_dir = base if os.path.isdir(base) else os.path.dirname(base)
        real = os.path.realpath(os.path.join(base_dir, target))
        if not any(real == r or real.startswith(r + os.sep) for r in self.roots):
            self._problem(f"$ref {target!r} points outside the document's folder; refused",
                          f"$ref {target!r} trỏ ra ngoài thư mục của tài liệu; bị từ chối", ptr)
            return None
        key = os.path.relpath(real, self.doc.root_dir)
        if key in self.doc.files or real == os.path.realpath(self.doc.path):
            return key if key in self.doc.files else self._self_key(key)
        try:
            loaded = yamlio.load_file(real, limits=self.limits)
        except SpecLoadError as exc:
            self._problem(f"$ref {target!r} cannot be loaded: {exc.message}",
                          f"không tải được $ref {target!r}: {exc.message}", ptr)
            return None
        loaded.path = real
        return self._add(key, loaded, base=real)

    def _self_key(self, key: str) -> str:
        # A reference from a referenced file back to the root document.
        self.doc.files[key] = self.doc.root
        self.bundle[key] = {k: v for k, v in self.doc.data.items() if k != BUNDLE_KEY}
        return key

    def _add(self, key: str, loaded: LoadedFile, *, base: str) -> str:
        self.doc.files[key] = loaded
        self.bundle[key] = loaded.data
        self._rewrite(loaded.data, _BUNDLE_PREFIX + escape_token(key), file_key=key, base=base)
        return key

    def _load_remote(self, url: str, ptr: str, *, base: str) -> str | None:
        for prefix, folder in self.refs.url_map.items():
            if url.startswith(prefix):
                local = os.path.join(folder, url[len(prefix):].lstrip("/"))
                return self._load_local(os.path.abspath(local), ptr, base=base)
        parsed = urllib.parse.urlsplit(url)
        host = (parsed.hostname or "").lower()
        if not self.refs.allow_remote:
            self._problem(f"remote $ref {url!r} refused (use --allow-remote-refs and --allow-host, "
                          "or map it to a folder with --ref-map)",
                          f"$ref từ xa {url!r} bị từ chối (dùng --allow-remote-refs và --allow-host, "
                          "hoặc ánh xạ tới thư mục bằng --ref-map)", ptr)
            return None
        if parsed.scheme != "https" or host not in {h.lower() for h in self.refs.allowed_hosts}:
            self._problem(f"remote $ref {url!r} refused: only https to listed hosts is allowed",
                          f"$ref từ xa {url!r} bị từ chối: chỉ cho phép https tới máy chủ được liệt kê",
                          ptr)
            return None
        if url in self.doc.files:
            return url
        if self.fetch is None:
            self._problem(f"remote $ref {url!r} not fetched: no fetcher configured",
                          f"không tải $ref từ xa {url!r}", ptr)
            return None
        try:
            raw = self.fetch(url, self.limits.max_bytes)
            text = yamlio.decode_utf8(raw, path=url)
            loaded = LoadedFile(path=url, text=text, fmt=yamlio.guess_format(url, text),
                                data=yamlio.parse(text, path=url, limits=self.limits), sha256="")
        except (SpecLoadError, OSError) as exc:
            self._problem(f"remote $ref {url!r} cannot be loaded: {exc}",
                          f"không tải được $ref từ xa {url!r}: {exc}", ptr)
            return None
        return self._add(url, loaded, base=self.doc.root_dir)


def iter_mappings(data: Any, pointer: str = "") -> Iterator[tuple[dict[str, Any], str]]:
    """Every mapping in a tree with its pointer, iteratively (documents can be deep)."""
    stack: list[tuple[Any, str]] = [(data, pointer)]
    while stack:
        node, ptr = stack.pop()
        if isinstance(node, dict):
            yield node, ptr
            for k in reversed(list(node)):
                v = node[k]
                if isinstance(v, (dict, list)):
                    stack.append((v, ptr + "/" + escape_token(k)))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                if isinstance(node[i], (dict, list)):
                    stack.append((node[i], f"{ptr}/{i}"))
