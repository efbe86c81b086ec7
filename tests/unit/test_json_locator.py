"""Locations in JSON documents: the rapidyaml locator (``rapidyaml.json_locate.JsonLocator``) and the
chunked line index (``lineindex.LineIndex``) must answer exactly what the original walk answers
(``SourceMap._json_offset`` over the text, then line and column from a list of line starts),
byte for byte: for every member, for missing members (the nearest found ancestor), for odd
pointers, and on every JSON document of the corpus."""

from __future__ import annotations

import bisect
import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from conformance import yamlio
from conformance.errors import SpecLoadError
from conformance.lineindex import LineIndex
from conformance.rapidyaml import SLOW, binding
from conformance.rapidyaml.json_locate import JsonLocator
from conformance.sourcemap import SourceMap

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

needs_ryml = pytest.mark.skipif(not binding.available(), reason="rapidyaml is not installed")


def line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def ref_line_col(text: str, offset: int, starts: list[int] | None = None) -> tuple[int, int]:
    """The original SourceMap._offset_to_line_col: bisect over every line start."""
    starts = starts or line_starts(text)
    idx = bisect.bisect_right(starts, offset) - 1
    return idx + 1, offset - starts[idx] + 1


class Reference:
    """The original walk, with the line starts built once."""

    def __init__(self, text: str) -> None:
        self.map = SourceMap(text, "json")
        self.map._json_loc = False
        self.starts = line_starts(text)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        try:
            tokens = yamlio.split_pointer(pointer)
        except ValueError:
            return None
        offset = self.map._json_offset(tokens)
        return None if offset is None else ref_line_col("", offset, self.starts)


def pointers(data: Any, *, depth: int = 99, limit: int = 10**9) -> list[str]:
    """Every member and item down to ``depth`` (breadth first, at most ``limit``), each with
    pointers that miss: an unknown member, an index past the end, and tokens the reference
    refuses to read as indexes ('01', '-1', '', 'x')."""
    out = ["", "/", "/no-such", "/no-such/deeper", "/0"]
    level = [(data, "")]
    for _ in range(depth):
        below: list[tuple[Any, str]] = []
        for node, ptr in level:
            if isinstance(node, dict):
                out += [ptr + "/no-such-member", ptr + "/", ptr + "/~", ptr + "/0"]
                for k, v in node.items():
                    p = yamlio.join_pointer(ptr, k)
                    out += [p, p + "/no-such"]
                    below.append((v, p))
            elif isinstance(node, list):
                out += [f"{ptr}/{len(node)}", f"{ptr}/-1", f"{ptr}/01", f"{ptr}/00", f"{ptr}/",
                        f"{ptr}/x", f"{ptr}/+0"]
                for i, v in enumerate(node):
                    out.append(f"{ptr}/{i}")
                    below.append((v, f"{ptr}/{i}"))
            if len(out) >= limit:
                return out[:limit]
        level = below
    return out


def random_walks(data: Any, count: int, seed: int) -> list[str]:
    """Root-to-leaf walks: deep pointers spread over a big document."""
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        node, ptr = data, ""
        while isinstance(node, (dict, list)) and node:
            if isinstance(node, dict):
                k = rnd.choice(list(node))
                node, ptr = node[k], yamlio.join_pointer(ptr, k)
            else:
                i = rnd.randrange(len(node))
                node, ptr = node[i], f"{ptr}/{i}"
            out.append(ptr)
        out.append(ptr + "/no-such")
    return out


def check(text: str, ptrs: list[str]) -> tuple[list[Any], int]:
    """Mismatches between the fast path and the reference; and how many pointers the fast
    locator itself answered (not handing them to the reference walk)."""
    fast, ref = SourceMap(text, "json"), Reference(text)
    bad = [(p, got, want) for p in ptrs if (got := fast.locate(p)) != (want := ref.locate(p))]
    loc = fast._json_loc
    valid = [p for p in ptrs if not p or p.startswith("/")]  # others: None, from the reference
    answered = 0 if not loc else sum(loc.locate(p) is not SLOW for p in valid)
    return bad, answered + len(ptrs) - len(valid)


EDGE_CASES = [
    # escapes in keys: \u00e9, \/, \", \\, control escapes, NUL; non-ASCII keys written raw
    '{"\\u00e9t\\u00C9": 1, "a\\/b": {"c\\"d": [1]}, "k\\\\": 2, "\\b\\f\\n\\r\\t": 3, "\\u0000": 4}',
    '{"é": {"ü": [1, "ñ", {"日本": "語", "😀": "x"}]}, "x": "€€€", "y": {"\\u65e5\\u672c": 1}}',
    # keys that look alike in a pointer: '/' and '~' escaping, index-like member names
    '{"a/b": 1, "a~1b": 2, "~": 3, "~0": 4, "a~b": {"c/d": 5}, "0": 6, "01": 7, "": {"": [{}]}}',
    # the same key written twice, escaped and not: the first wins, as in the reference
    '{"a": 1, "\\u0061": 2}', '{"\\u0061": {"b": 1}, "a": 2}',
    # empty containers; arrays of scalars, arrays, objects, empty ones anywhere in an array
    '{"a": [[], [[]], [{}], [[], 1], [{}, {}], {"b": []}, [ 1 , {} ,[ ] , "x" ,{ } ],'
    ' [-0.5E+2, {}], ["\\"", []], [{"q": {}}, {}], [true, false, null, 0, -1, 1e9, ""]]}',
    '[[{}], {}, [[]], [[[]]], [[[1]], [[{}]]], [{"a": [[]]}, [{}, [[], {}]]]]',
    '[]', '{}', '  [ {"a":1}, [2], "s" , {}, [] ]  ', '[\n  [\n    {}\n  ]\n]\n',
    # whitespace: tabs, CR LF, newlines between key, colon and value, none at all
    '{\t"a"\t:\t[\t1\t,\t{\t"b"\t:\t2\t}\t]\t}',
    '{"a"\n:\n1, "b" : {"c"\r\n:\r\n[1,\r\n2]},\r\n"d":{"e":[{"f":null}]}}',
    '  \n {"a":\n\n [ \n ] } \n', '{"a":{"b":{"c":{"d":[{"e":[1,2,{"f":"g"}]}]}}}}',
    # long lines with multi-byte characters (columns count characters)
    '{"long": "' + "é" * 5000 + '", "k": {"z": 1, "é": ["' + "日" * 3000 + '", {"q": 1}]}}',
    '{"a": [' + ", ".join(f'{{"k{i}": "é{i}"}}' for i in range(3000)) + "]}",
    # surrogate escapes: ryml reads each half on its own; the reference walk answers
    '{"\\ud83d\\ude00": 1, "x": {"\\ud83d\\ude00": 2}, "y": {"z": 1}}',
    '{"\\ud800": 1, "y": 2, "z": {"w": "\\ud83d\\ude00"}}',
    # scalar documents
    '"abc"', "5", " null ",
]


@needs_ryml
@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_match_reference(text: str) -> None:
    data = json.loads(text)
    ptrs = pointers(data) + ["no-slash", "/a/", "//", "/a~", "/a~2"]
    bad, answered = check(text, ptrs)
    assert not bad
    if JsonLocator.build(text) is not False and "\\ud" not in text:
        assert answered == len(ptrs)  # the fast locator placed every pointer itself


@needs_ryml
def test_big_maps_use_a_member_table() -> None:
    # a mapping looked up often gets a dict of its members; answers must not change
    members = {f"k{i}": {"v": i} for i in range(600)}
    text = json.dumps({"m": members, "k": 1}, indent=1)
    ptrs = [f"/m/k{i}" for i in range(600)] + [f"/m/k{i}/v" for i in range(600)] + ["/m/x/y"]
    bad, answered = check(text, ptrs)
    assert not bad and answered == len(ptrs)


def test_locator_refuses_what_it_cannot_read() -> None:
    assert JsonLocator.build('"just a string"') is False
    assert JsonLocator.build("  ") is False
    assert JsonLocator.build("\ud800") is False  # not encodable


@needs_ryml
def test_lone_surrogate_pointer_takes_the_reference() -> None:
    text = '{"\\ud800": {"a": 1}, "b": 2}'
    assert SourceMap(text, "json").locate("/\ud800/a") == Reference(text).locate("/\ud800/a")


def test_line_index_matches_line_starts() -> None:
    rnd = random.Random(7)
    chunk = LineIndex.CHUNK
    texts = [
        "",
        "no newline at all",
        "\n\n\n",
        "a\n" * 5000,
        ("x" * (chunk - 1) + "\n") * 5,  # newlines on and around chunk boundaries
        "é" * (3 * chunk) + "\nü" + "€" * chunk + "\n" + "😀" * chunk,  # long multi-byte lines
        "".join(rnd.choice("ab\né€😀 \r\t") for _ in range(20_000)),
    ]
    for text in texts:
        raw = text.encode("utf-8")
        in_str, in_bytes = LineIndex(text), LineIndex(raw)
        offsets = {0, len(text)} | {rnd.randrange(len(text) + 1) for _ in range(300)}
        offsets |= {k * chunk + d for k in range(len(text) // chunk + 1) for d in (-1, 0, 1)}
        for off in sorted(o for o in offsets if 0 <= o <= len(text)):
            want = ref_line_col(text, off)
            assert in_str.line_col(off) == want, (off, text[:20])
            assert in_bytes.line_col(len(text[:off].encode("utf-8"))) == want, (off, text[:20])


def _corpus_json() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.rglob("*.json"))


CORPUS_FILES = _corpus_json()


@needs_ryml
@pytest.mark.skipif(not CORPUS_FILES, reason=f"corpus absent ({CORPUS})")
def test_corpus_locations_match_reference() -> None:
    """Every corpus JSON document: every member down to a few levels (fewer in big documents,
    where the reference walk is slow), random deep walks, and pointers that miss."""
    t0 = time.perf_counter()
    checked = 0
    for path in CORPUS_FILES:
        try:
            loaded = yamlio.load_file(str(path))
        except SpecLoadError:
            continue
        size = len(loaded.text)
        depth = 6 if size < 1_000_000 else 3 if size < 20_000_000 else 2
        ptrs = pointers(loaded.data, depth=depth, limit=20_000)
        ptrs += random_walks(loaded.data, 300 if size < 20_000_000 else 60, seed=size)
        bad, answered = check(loaded.text, ptrs)
        assert not bad, (str(path), bad[:5])
        if isinstance(loaded.data, (dict, list)):
            assert answered == len(ptrs), str(path)  # the fast path did the work
        checked += 1
    assert checked >= len(CORPUS_FILES) * 0.9
    print(f"{checked} corpus JSON documents in {time.perf_counter() - t0:.1f}s")
