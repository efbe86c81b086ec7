"""The rapidyaml fast path of ``yamlio._parse_yaml`` must build exactly the data the PyYAML path
builds (same types, same key order, same strings), and must hand every document it does not model
(tags, anchors, aliases, merge keys, duplicates, errors) to the PyYAML path, which words errors."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest

from conformance import sourcemap, yamlio
from conformance.errors import SpecLoadError
from conformance.rapidyaml import SLOW, binding, build

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
LIMITS = yamlio.DEFAULT_LIMITS

pytestmark = pytest.mark.skipif(not binding.available(), reason="rapidyaml is not installed")


def canon(x: Any) -> Any:
    """A form where equality means identical data: types, key order and NaN included."""
    if isinstance(x, dict):
        return ("map", [(type(k).__name__, k, canon(v)) for k, v in x.items()])
    if isinstance(x, list):
        return ("seq", [canon(v) for v in x])
    if isinstance(x, float):
        return ("float", "nan" if math.isnan(x) else repr(x))
    return (type(x).__name__, x)


def slow(text: str) -> Any:
    saved = binding._ryml
    binding._ryml = None
    try:
        return yamlio._parse_yaml(text, path="t.yaml", limits=LIMITS)
    finally:
        binding._ryml = saved


def fast_raw(text: str) -> Any:
    """The fast path alone: the data, or SLOW when it declines."""
    return build.parse_fast(text, limits=LIMITS)


def _corpus_yaml() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


CORPUS_FILES = _corpus_yaml()


@pytest.mark.skipif(not CORPUS_FILES, reason=f"corpus absent ({CORPUS})")
def test_corpus_fast_path_matches_pyyaml() -> None:
    mismatched, fast_count, errors = [], 0, 0
    for path in CORPUS_FILES:
        text, _ = yamlio.read_text(str(path))
        got = fast_raw(text)
        if got is SLOW:
            continue
        fast_count += 1
        try:
            want = slow(text)
        except SpecLoadError:
            errors += 1  # the fast path accepted what PyYAML refuses
            mismatched.append(f"{path}: PyYAML refuses, fast path accepts")
            continue
        if canon(got) != canon(want):
            mismatched.append(str(path))
    assert not mismatched, mismatched
    # The point of the fast path: nearly all of the corpus takes it.
    assert fast_count >= 0.8 * len(CORPUS_FILES), (fast_count, len(CORPUS_FILES))


SCALARS = """\
null_word: null
null_title: Null
null_upper: NULL
tilde: ~
empty:
t1: true
t2: True
t3: TRUE
f1: false
y1: yes
y2: Yes
n1: no
n2: NO
on1: on
off1: Off
y_letter: y
n_letter: n
int: 42
neg: -17
plus: +5
zero: 0
octal: 012
octal0o: 0o17
hex: 0x1F
bin: 0b101
under: 1_000
sexa: 1:20
big: 123456789012345678901234567890
float: 3.14
float_exp_nosign: 1.0e3
float_exp: 1.0e+3
exp_only: 1e3
dot_leading: .5
inf: .inf
ninf: -.Inf
nan: .NaN
nan_upper: .NAN
sexa_float: 1:20.5
date: 2024-01-31
datetime: 2001-12-14t21:59:43.10-05:00
equals: =
version: 1.10
semver: 1.2.3
quoted_int: "42"
squoted_bool: 'true'
plain_words: hello world
colon_in: a:b
hash_in: a#b
multi_plain: first
  second line
  third
dq_escapes: "tab\\there \\u00e9 \\x41 \\n end"
sq_escape: 'it''s'
literal: |
  line one
    indented
  line three
literal_keep: |+
  keep

folded: >
  folded one
  folded two

  para
folded_strip: >-
  strip
literal_indent: |2
    two extra
unicode: Việt Nam — thủ tục hành chính
"200": quoted key
200: dup-looking but different? no
"""


def test_hand_scalars_match() -> None:
    text = SCALARS.replace('200: dup-looking but different? no\n', "404: not found\n")
    got = fast_raw(text)
    assert got is not SLOW
    assert canon(got) == canon(slow(text))
    assert got["200"] == "quoted key" and got["404"] == "not found"
    assert got["y1"] is True and got["octal"] == 10 and got["sexa"] == 80
    assert got["date"] == "2024-01-31" and got["equals"] == "="
    assert got["exp_only"] == "1e3" and got["float_exp_nosign"] == "1.0e3"
    assert math.isnan(got["nan"])


@pytest.mark.parametrize("text", [
    "a: [1, 'two', {b: ~, c: [yes, no]}, []]\nd: {}\n",
    "- 1\n- - nested\n  - seq\n- key: value\n  other: 2\n",
    "---\na: 1\n",
    "plain scalar document\n",
    "42\n",
    "",
    "# only a comment\n",
    "true: 1\nyes: 2\n~: 3\n1.5: 4\n",
    "a:\n  - b: 1\n    c:\n      - [x, y]\n",
    "key: 'multi\n  line single'\nk2: \"multi\n  line double\"\n",
    "a: \"\"\nb: ''\nc: \"  \"\n",
    "a: x # comment\nb: 'y' # c\n",
    "\t\na: 1\n",
    "a:\n\tb: 1\n",
    "a: b: c\n",
    "a: 'unterminated\n",
    "- a\nb: 1\n",
    "a: @x\n",
    "a: `x\n",
    "a: [1, 2\n",
    "{a: 1, b: [2, 3], c: {d: e}}\n",
    "a: -\n",
    "a: 'x' y\n",
    "a: >\n  x\n\n\n  y\n",
    "a: |-\n  x\n\n",
    "a: |\n\n  leading blank\n",
])
def test_hand_documents_match(text: str) -> None:
    got = fast_raw(text)
    try:
        want = canon(slow(text))
    except SpecLoadError:  # what PyYAML refuses, the fast path must not accept
        assert got is SLOW
        return
    if got is not SLOW:
        assert canon(got) == want


@pytest.mark.parametrize("text, line", [
    ("a: 1\nb: 2\na: 3\n", 3),
    ("x:\n  k: 1\n  k: 2\n", 3),
])
def test_duplicate_keys_refused_with_line(text: str, line: int) -> None:
    assert fast_raw(text) is SLOW
    with pytest.raises(SpecLoadError, match="duplicate key") as exc:
        yamlio._parse_yaml(text, path="t.yaml", limits=LIMITS)
    assert exc.value.line == line


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system {}\n",
    "a: !custom 1\n",
    "a: !!str 5\n",
    "!!map {a: 1}\n",
    "a: &x 1\nb: *x\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "a: 1\n---\nb: 2\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\r\nb: 2\r\n",
    "a: \"x\u2028y\"\n",
    "a: \x01\n",
    "? [complex, key]\n: 1\n",
    "a: <<\n",
])
def test_unmodelled_documents_take_the_slow_path(text: str) -> None:
    assert fast_raw(text) is SLOW


def test_unsafe_and_unknown_tags_still_refused_with_line() -> None:
    for text in ("a: 1\nb: !!python/object/apply:os.system ['ls']\n", "a: 1\nb: !thing x\n"):
        with pytest.raises(SpecLoadError, match="tag") as exc:
            yamlio._parse_yaml(text, path="t.yaml", limits=LIMITS)
        assert exc.value.file == "t.yaml" and exc.value.line == 2


def test_alias_bomb_still_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(SpecLoadError, match="alias"):
        yamlio._parse_yaml("\n".join(lines) + "\n", path="t.yaml", limits=LIMITS)


def test_deep_block_nesting_bounded() -> None:
    depth = LIMITS.max_depth + 5
    text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    with pytest.raises(SpecLoadError, match="nesting"):
        yamlio._parse_yaml(text, path="t.yaml", limits=LIMITS)


def test_deep_flow_nesting_bounded() -> None:
    text = "a: " + "[" * (LIMITS.max_depth + 5) + "]" * (LIMITS.max_depth + 5) + "\n"
    with pytest.raises(SpecLoadError, match="nesting"):
        yamlio._parse_yaml(text, path="t.yaml", limits=LIMITS)


def test_invalid_yaml_error_comes_from_pyyaml() -> None:
    with pytest.raises(SpecLoadError, match="invalid YAML") as exc:
        yamlio._parse_yaml("a: [1, 2\nb: 3\n", path="t.yaml", limits=LIMITS)
    assert exc.value.line is not None


def test_fallback_when_ryml_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(binding, "_ryml", None)
    assert yamlio._parse_yaml("a: 1\n", path="t.yaml", limits=LIMITS) == {"a": 1}


if os.environ.get("CONFORMANCE_YAML_FASTPATH_VERBOSE"):  # pragma: no cover - a debugging aid
    print(len(CORPUS_FILES), "corpus YAML files")


# --------------------------------------------------------------------------------------------
# Locations: the rapidyaml locator must answer exactly what libyaml's marks answer.


def _pointers(data: Any, limit: int) -> list[str]:
    out, stack = [""], [(data, "")]
    while stack and len(out) < limit:
        node, ptr = stack.pop()
        if isinstance(node, dict):
            out.append(ptr + "/no-such-member")
            for k, v in node.items():
                out.append(yamlio.join_pointer(ptr, k))
                stack.append((v, out[-1]))
        elif isinstance(node, list):
            out.append(f"{ptr}/{len(node)}")
            for i, v in enumerate(node):
                out.append(f"{ptr}/{i}")
                stack.append((v, out[-1]))
    return out


def _both(text: str, pointers: list[str]) -> tuple[list[Any], list[Any]]:
    fast = sourcemap.SourceMap(text, "yaml")
    slow_map = sourcemap.SourceMap(text, "yaml")
    slow_map._ryml_loc = False  # the libyaml-marks path
    return [fast.locate(p) for p in pointers], [slow_map.locate(p) for p in pointers]


LOCATE_DOC = """\
# comment
é: 1
"quoted key": 2
'single': 3
list:
  - plain
  - "double"
  - 'single'
  - k: v
    k2: w
  - "qk": v
  - {flow: 1}
  - [a, b]
  - - nested
  - |
    block
  - &anc anchored
  - *anc
  - ? explicit
    : value
  -
a/b: slash
t~x: tilde
nested:
  deeper:
    deepest: [1, 2]
"""


def test_locator_hand_cases_match_libyaml() -> None:
    data = yamlio._parse_yaml(LOCATE_DOC, path="t.yaml", limits=LIMITS)
    pointers = _pointers(data, 10_000) + ["/a~1b", "/t~0x", "/list/99", "/list/x"]
    got, want = _both(LOCATE_DOC, pointers)
    assert got == want
    assert got[pointers.index("/quoted key")] == (3, 1)


@pytest.mark.skipif(not CORPUS_FILES, reason=f"corpus absent ({CORPUS})")
def test_corpus_locations_match_libyaml() -> None:
    bad = []
    for path in CORPUS_FILES[::3]:  # a third of the corpus keeps the test under a minute
        text, _ = yamlio.read_text(str(path))
        try:
            data = yamlio._parse_yaml(text, path=str(path), limits=LIMITS)
        except SpecLoadError:
            continue
        pointers = _pointers(data, 400)
        got, want = _both(text, pointers)
        bad += [(str(path), p, g, w) for p, g, w in zip(pointers, got, want, strict=True) if g != w]
    assert not bad, bad[:10]


@pytest.mark.parametrize("text", ["", "   \n", "# c\n", "- a\n- b\n", "scalar\n"])
def test_locator_degenerate_documents(text: str) -> None:
    got, want = _both(text, ["", "/0", "/a"])
    assert got == want


def test_fast_parse_leaves_no_cycles_behind():
    """The engine defers full collections while a document is checked, so a load that leaves
    cyclic garbage (a recursive closure holding every scalar) would keep each document's strings
    alive for the rest of a many-document run."""
    import gc

    from conformance import yamlio

    text = "paths:\n" + "".join(f"  /p{i}:\n    get: {{summary: s{i}, tags: [a, b]}}\n" for i in range(3000))
    import tracemalloc

    yamlio.parse("a: 1\n", path="warm.yaml")  # one-time set-up (layout check, resolvers)
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        data = yamlio.parse(text, path="t.yaml")
        assert len(data["paths"]) == 3000
        del data
        left, _peak = tracemalloc.get_traced_memory()
        assert left < 100_000, left  # with the cycle: the document's strings, ~1 MB
    finally:
        tracemalloc.stop()
        gc.enable()
