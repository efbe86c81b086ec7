"""builtin/compiled.json: the package's YAML, parsed at build time, must be what a parse gives now."""

from __future__ import annotations

import json
from importlib import resources

from conformance import builtin_data, yamlio


def _builtin():
    return resources.files("conformance") / "builtin"


def test_every_compiled_entry_is_a_fresh_parse_of_the_current_text():
    table = json.loads((_builtin() / builtin_data.COMPILED).read_text("utf-8"))
    files = dict(builtin_data._yaml_files(_builtin()))
    assert set(table) == set(files)  # nothing missing, nothing left over
    for rel, entry in files.items():
        text = entry.read_text("utf-8")
        assert table[rel]["sha256"] == builtin_data._digest(text), f"{rel}: run python -m conformance.docs"
        fresh = yamlio.parse(text, path=rel)
        got = builtin_data.parse_builtin(rel, text)
        assert got == fresh and json.dumps(got) == json.dumps(fresh), rel  # same values, same key order
        assert got is not builtin_data.parse_builtin(rel, text)  # callers get their own copy


def test_text_not_in_the_table_is_parsed(monkeypatch):
    calls = []
    real = yamlio.parse

    def spy(text, **kw):
        calls.append(kw.get("path"))
        return real(text, **kw)

    monkeypatch.setattr(yamlio, "parse", spy)
    assert builtin_data.parse_builtin("profiles/vn-full.yaml", "a: [1, 2]\n") == {"a": [1, 2]}  # edited
    assert builtin_data.parse_builtin("nowhere.yaml", "b: yes\n", path="x.yaml") == {"b": True}
    assert calls == ["profiles/vn-full.yaml", "x.yaml"]
