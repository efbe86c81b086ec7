from __future__ import annotations

import os

from conformance.nodes import walk
from conformance.specs import RefPolicy, load_spec
from tests.conftest import FIXTURES
from tests.listeners import CountingListener

SPECS = os.path.join(FIXTURES, "specs")


def test_multi_file_refs_are_bundled_and_located_in_their_file():
    doc = load_spec(os.path.join(SPECS, "multi-file", "openapi.yaml"))
    assert doc.ref_problems == []
    schema_nodes = {n.pointer: n for n in walk(doc) if n.kind == "schema"}
    district = [p for p, n in schema_nodes.items() if n.context.get("property") == "MaHuyen"]
    assert len(district) == 1
    loc = doc.location(district[0])
    assert loc.file.endswith(os.path.join("components", "schemas.yaml"))
    assert loc.pointer == "/DiaChi/properties/MaHuyen"
    assert loc.line == 10


def test_circular_refs_terminate():
    doc = load_spec(os.path.join(SPECS, "circular", "openapi.yaml"))
    assert doc.ref_problems == []
    kinds = [n.kind for n in walk(doc)]
    assert kinds.count("schema") >= 3
    value, _ = doc.resolve({"$ref": "#/components/schemas/Loop"}, "")
    assert "$ref" in value  # a cycle stops at the last reachable value instead of looping


def test_refs_outside_folder_and_remote_are_refused():
    doc = load_spec(os.path.join(SPECS, "escape", "inner", "openapi.yaml"))
    messages = sorted(p.message for p in doc.ref_problems)
    assert len(messages) == 3
    assert sum("outside" in m for m in messages) == 2
    assert any("remote $ref" in m and "refused" in m for m in messages)


def test_remote_ref_never_connects_even_when_allowed_for_other_hosts(tmp_path):
    with CountingListener() as listener:
        spec = tmp_path / "openapi.yaml"
        spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                        f"    A: {{$ref: 'http://127.0.0.1:{listener.port}/x.yaml#/A'}}\n"
                        f"    B: {{$ref: 'https://127.0.0.1:{listener.port}/x.yaml#/A'}}\n")
        for policy in (RefPolicy(), RefPolicy(allow_remote=True, allowed_hosts=("schemas.example.gov.vn",))):
            doc = load_spec(str(spec), refs=policy)
            assert len(doc.ref_problems) == 2
    assert listener.connections == 0


def test_ref_map_reads_url_prefix_from_folder(tmp_path):
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "common.yaml").write_text("A: {type: string}\n")
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                    "    A: {$ref: 'https://schemas.example.gov.vn/common.yaml#/A'}\n")
    doc = load_spec(str(spec), refs=RefPolicy(url_map={"https://schemas.example.gov.vn/": str(tmp_path / "mirror")}))
    assert doc.ref_problems == []
    value, _ = doc.resolve(doc.data["components"]["schemas"]["A"], "")
    assert value == {"type": "string"}


def test_allowed_remote_ref_is_fetched_from_listed_https_host_only(tmp_path):
    fetched = []

    def fake_fetch(url, max_bytes):
        fetched.append(url)
        return b"A: {type: string, maxLength: 12}\n"

    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                    "    A: {$ref: 'https://schemas.example.gov.vn/common.yaml#/A'}\n"
                    "    B: {$ref: 'https://elsewhere.example.com/x.yaml#/B'}\n"
                    "    C: {$ref: 'http://schemas.example.gov.vn/plain.yaml#/C'}\n")
    doc = load_spec(str(spec), refs=RefPolicy(allow_remote=True, allowed_hosts=("schemas.example.gov.vn",)),
                    fetch=fake_fetch)
    assert fetched == ["https://schemas.example.gov.vn/common.yaml"]
    assert len(doc.ref_problems) == 2
    value, _ = doc.resolve(doc.data["components"]["schemas"]["A"], "")
    assert value == {"type": "string", "maxLength": 12}
    assert doc.location("/x-conformance-bundle/https:~1~1schemas.example.gov.vn~1common.yaml/A").file == \
        "https://schemas.example.gov.vn/common.yaml"


def test_failed_remote_fetch_is_a_finding_not_a_crash(tmp_path):
    def failing_fetch(url, max_bytes):
        raise OSError("connection refused")

    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                    "    A: {$ref: 'https://schemas.example.gov.vn/common.yaml#/A'}\n")
    doc = load_spec(str(spec), refs=RefPolicy(allow_remote=True, allowed_hosts=("schemas.example.gov.vn",)),
                    fetch=failing_fetch)
    assert len(doc.ref_problems) == 1 and "connection refused" in doc.ref_problems[0].message
