"""The shortcuts of the load path must answer exactly what the code they stand in for answers:
the C-pass refusal scan (the regexes), the vectorised flow-depth check (the loop), the JSON parse
without the duplicate-key hook (the hook), orjson's depth bound (check_depth), the "no external
$ref" test (a walk), the per-document $ref memo (an uncached lookup) and openapi-spec-validator's
schema read with json (its own YAML reading)."""

from __future__ import annotations

import json
import random
import urllib.parse
from typing import Any

import pytest

from conformance import json_parse, yamlio
from conformance.errors import SpecLoadError
from conformance.limits import check_depth, check_flow_depth
from conformance.rapidyaml import binding, build
from conformance.specs import MAX_REF_CHAIN, SpecDocument, _only_local_refs
from conformance.validation import metaschemas

LIMITS = yamlio.DEFAULT_LIMITS


def _regex_refused(text: str) -> bool:
    return bool(build.YAML_FAST_REFUSE.search(text) or (
        ("%" in text or "\t" in text) and build.YAML_FAST_REFUSE_LINE.search(text)))


def test_refusal_scan_matches_the_regexes() -> None:
    chars = ["a", " ", "\n", "\t", "%", "\r", "\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x80", "\x85",
             "\x9f", "\xa0", "é", "\u0100", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ufffd",
             "中", "\U0001f600"]
    rng = random.Random(7)
    for _ in range(50_000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))
        assert build._refused_text(text, text.encode()) == _regex_refused(text), repr(text)


def _flow_verdict(text: str, raw: bytes | None, limits: yamlio.Limits) -> Any:
    try:
        check_flow_depth(text, path="t.yaml", limits=limits, raw=raw)
    except SpecLoadError as exc:
        return exc.message, exc.line, exc.column
    return None


def test_flow_depth_shortcut_matches_the_loop() -> None:
    limits = yamlio.Limits(max_depth=4)
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice("[]{}a\n") for _ in range(rng.randint(0, 24)))
        assert _flow_verdict(text, text.encode(), limits) == _flow_verdict(text, None, limits), text


def _hook_parse(text: str) -> Any:
    try:
        return json_parse._json_decoder.decode(text)
    except json_parse._DuplicateKey:
        return "duplicate"
    except ValueError:
        return "invalid"


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}', '{"a": "x:y", "a": 1}', '{"a": {"b": ":"}, "a": {}}', '[{"k": 1, "k": 1}]',
    '{"a": "\\u003a", "a": 1}', '{"a": 123456789012345678901234567890}', '{"a": "\\ud800"}',
    '{"a": NaN}', '{"a": 1,}', '{"a": [1, {"b": ":"}], "c": "::"}', '"x:y"', '[1e400]', '{}',
])
def test_json_without_the_hook_only_when_it_agrees(text: str) -> None:
    fast = json_parse._parse_json_fast(text, limits=LIMITS)
    want = _hook_parse(text)
    if fast is json_parse._SLOW:
        return
    assert want not in ("duplicate", "invalid") and fast == want and type(fast) is type(want)


def test_json_duplicates_anywhere_are_declined() -> None:
    rng = random.Random(3)
    words = ["a", "b", "a:b", ":", "x"]

    def value(depth: int) -> Any:
        if depth > 2 or rng.random() < 0.4:
            return rng.choice([1, "s", "t:u", None, True])
        return obj(depth + 1) if rng.random() < 0.7 else [value(depth + 1) for _ in range(2)]

    def obj(depth: int) -> str:
        pairs = [f"{json.dumps(rng.choice(words))}: {json.dumps(value(depth))}"
                 for _ in range(rng.randint(0, 3))]
        return "{" + ", ".join(pairs) + "}"

    for _ in range(3_000):
        text = obj(0)
        fast = json_parse._parse_json_fast(text, limits=LIMITS)
        want = _hook_parse(text)
        assert fast is json_parse._SLOW if want == "duplicate" else fast == want, text


def test_orjson_depth_bound_matches_check_depth() -> None:
    for depth in (1, 5, 253, 254, 255, 256, 400, 401, 600):
        data: Any = []
        for level in range(1, depth):
            data = [data] if level % 2 else {"k": data}
        for max_depth in (10, 254, 255, 400):
            limits = yamlio.Limits(max_depth=max_depth)
            verdicts = []
            for check in (json_parse._check_depth_fast, check_depth):
                try:
                    check(data, path="p", limits=limits)
                    verdicts.append("ok")
                except SpecLoadError as exc:
                    verdicts.append(exc.message)
            assert verdicts[0] == verdicts[1], (depth, max_depth)


def _walked_local_only(data: Any) -> bool:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


@pytest.mark.parametrize("data", [
    {}, {"$ref": "#/a"}, {"$ref": "a.yaml"}, {"$ref": ""}, {"$ref": 5}, {"x": [{"$ref": "b.json#/c"}]},
    {"description": '{"$ref":"x.yaml"}'}, {"description": '"$ref":"x'}, {'"$ref":"x': 1},
    {"a": {"$ref": "#/x", "b": {"$ref": "http://h/x"}}}, {"$ref": "#\\"}, {"k": "\"$ref\":\"y"},
])
def test_only_local_refs_matches_a_walk(data: Any) -> None:
    assert _only_local_refs(data) == _walked_local_only(data)


def _uncached_resolve(doc: SpecDocument, value: Any, pointer: str) -> tuple[Any, str]:
    seen: set[str] = set()
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        ref = value["$ref"]
        if not ref.startswith("#") or ref in seen or len(seen) >= MAX_REF_CHAIN:
            break
        seen.add(ref)
        target_ptr = urllib.parse.unquote(ref[1:])
        target = doc.get(target_ptr)
        if target is None:
            break
        value, pointer = target, target_ptr
    return value, pointer


def test_resolve_memo_matches_uncached_lookups() -> None:
    data: dict[str, Any] = {"c": {
        "A": {"$ref": "#/c/B"}, "B": {"$ref": "#/c/C"}, "C": {"type": "string"},
        "Loop1": {"$ref": "#/c/Loop2"}, "Loop2": {"$ref": "#/c/Loop1"}, "Broken": {"$ref": "#/c/Nope"},
        "Null": None, "ToNull": {"$ref": "#/c/Null"}, "List": [{"$ref": "#/c/A"}],
        "Esc%20aped": {"x": 1}, "ToEsc": {"$ref": "#/c/Esc%2520aped"}, "Remote": {"$ref": "r.yaml#/x"},
    }}
    long_chain = {f"L{i}": {"$ref": f"#/c/L{i + 1}"} for i in range(MAX_REF_CHAIN + 5)}
    data["c"].update(long_chain)
    doc = SpecDocument(path="t.yaml", root_dir=".", root=None, data=data, files={},  # type: ignore[arg-type]
                       ref_problems=[], version=None, family=None)
    probes = [v for v in data["c"].values()] + [{"$ref": "#/c/List/0"}, {"$ref": "#"}, 5, None]
    for _ in range(2):  # the second round is answered from the memo
        for value in probes:
            assert doc.resolve(value, "/p") == _uncached_resolve(doc, value, "/p")
    doc.data = {"c": {"A": {"type": "number"}}}  # replaced data: the memo must not answer
    assert doc.resolve({"$ref": "#/c/A"}, "")[0] == {"type": "number"}


def test_ryml_memory_layout_is_the_one_read() -> None:
    if not binding.available():
        pytest.skip("rapidyaml is not installed")
    assert build._layout_ok()  # else every YAML document silently takes the PyYAML path


def _typed(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _typed(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_typed(v) for v in x]
    return type(x).__name__, x


@pytest.mark.parametrize("family", sorted(metaschemas.SCHEMA_VERSIONS))
def test_official_schema_read_with_json_is_what_its_loader_reads(family: str) -> None:
    from openapi_spec_validator.schemas.utils import get_schema_content

    ours = metaschemas.official_schema_content(family)
    theirs = get_schema_content(metaschemas.SCHEMA_VERSIONS[family])
    assert _typed(ours) == _typed(theirs)
    assert type(metaschemas.official_schema(family)).__name__ != "Proxy"  # the fast construction held


def test_metaschemas_read_directly_are_the_registrys() -> None:
    """validation reads the metaschemas from the packages' files instead of importing
    openapi-schema-validator (~0.2 s); they must be the documents its registry holds."""
    from openapi_schema_validator._regex import is_valid_regex
    from openapi_schema_validator._specifications import REGISTRY

    for uri, (package, relative) in metaschemas.METASCHEMA_FILES.items():
        assert metaschemas.package_json(package, relative) == REGISTRY.contents(uri), uri
    for pattern in ("^[a-z]+$", "(", "[", "\\d{2,3}", "(?P<x>a)", "a{,", "\\p{L}", "(?<=a)b"):
        assert metaschemas.is_valid_regex(pattern) == is_valid_regex(pattern), pattern


def test_schema_step_verdict_is_the_librarys() -> None:
    """The schema step's verdict comes from our own jsonschema-rs validator over the library's
    schema file; the library's object must agree on valid and invalid documents of each family."""
    docs = [
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}},
        {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}},
        {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {}}}},
        {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"a": {}}},
        {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}},
        {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {}}}},
    ]
    for doc in docs:
        family = {"3.0": "oas30", "3.1": "oas31"}.get(str(doc.get("openapi", ""))[:3], "swagger2")
        theirs = next(iter(metaschemas.official_schema(family).iter_errors(doc)), None) is None
        assert metaschemas.schema_valid(doc, family) == theirs, doc


def test_a_clean_lint_imports_no_reference_validator(tmp_path) -> None:
    """Start-up: openapi-spec-validator, openapi-schema-validator, jsonschema and networkx are
    only for invalid documents, examples, error wording and graphs; PyYAML only for YAML text
    (the package's own YAML comes from builtin/compiled.json)."""
    import subprocess
    import sys

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}))
    code = ("import sys; from conformance.cli import main; "
            f"main(['lint', '-q', '--format', 'json', '-o', {str(tmp_path / 'o.json')!r}, {str(spec)!r}]); "
            "print(sorted(m for m in ('openapi_spec_validator', 'openapi_schema_validator', 'jsonschema', "
            "'networkx', 'vietnam_provinces', 'requests', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
