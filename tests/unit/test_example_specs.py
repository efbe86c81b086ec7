"""Checks on the example agency specs in specs/ and on the x-vn-* extension schema.

These are fixture self-tests: they keep the conforming examples conforming (and the legacy one
legacy) independently of the rule engine, so a failing rule can be blamed on the rule.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
CONFORMING = ["provincial-one-stop", "national-enterprise-db", "shared-codelists"]
LEGACY = "legacy-dvcqg-adapter"
ALL = [*CONFORMING, LEGACY]
EXT_SCHEMA_PATH = ROOT / "conformance" / "builtin" / "extensions.schema.json"
# Field list of a DongBoHoSoMC dossier as observed in adapter code (framework README §3.1).
QCVN120_DONGBOHOSOMC_FIELDS = set(
    "MaHoSo MaTTHC TenTTHC MaLinhVuc TenLinhVuc SoBienNhan ChuHoSo LoaiDoiTuong MaDoiTuong ThongTinKhac "
    "Email Fax SoDienThoai TrichYeuHoSo NgayTiepNhan NgayHenTra TrangThaiHoSo NgayTra ThongTinTra HinhThuc "
    "NgayKetThucXuLy DonViXuLy GhiChu TaiLieuNop DanhSachLePhi DanhSachTepDinhKemKhac DanhSachHoSoBoSung "
    "DanhSachGiayToKetQua".split()
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load(name: str) -> dict[str, Any]:
    with open(SPECS / name / "openapi.yaml", encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return doc


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow local $refs (our fixtures only use '#/...')."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


# --- x-vn-* occurrence walker: yields (place, name, value, pointer) -------------------------------


def _schema_walk(node: Any, place: str, ptr: str) -> Iterator[tuple[str, str, Any, str]]:
    if not isinstance(node, dict) or "$ref" in node and len(node) == 1:
        return
    yield from _ext(node, place, ptr)
    for name, sub in (node.get("properties") or {}).items():
        yield from _schema_walk(sub, "property", f"{ptr}/properties/{name}")
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            yield from _schema_walk(node[key], "schema", f"{ptr}/{key}")
    for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
        for i, sub in enumerate(node.get(key) or []):
            yield from _schema_walk(sub, "schema", f"{ptr}/{key}/{i}")


def _ext(node: dict[str, Any], place: str, ptr: str) -> Iterator[tuple[str, str, Any, str]]:
    for key, value in node.items():
        if isinstance(key, str) and key.startswith("x-vn-"):
            yield place, key, value, f"{ptr}/{key}"


def _content(content: dict[str, Any] | None, ptr: str) -> Iterator[tuple[str, str, Any, str]]:
    for mt, media in (content or {}).items():
        p = f"{ptr}/content/{mt.replace('/', '~1')}"
        yield from _ext(media, "media-type", p)
        yield from _schema_walk(media.get("schema"), "schema", f"{p}/schema")


def _param(param: dict[str, Any], ptr: str) -> Iterator[tuple[str, str, Any, str]]:
    if "$ref" in param:
        return
    yield from _ext(param, "parameter", ptr)
    yield from _schema_walk(param.get("schema"), "schema", f"{ptr}/schema")


def _response(resp: dict[str, Any], ptr: str) -> Iterator[tuple[str, str, Any, str]]:
    if "$ref" in resp:
        return
    yield from _ext(resp, "response", ptr)
    for name, header in (resp.get("headers") or {}).items():
        if "$ref" not in header:
            yield from _ext(header, "header", f"{ptr}/headers/{name}")
            yield from _schema_walk(header.get("schema"), "schema", f"{ptr}/headers/{name}/schema")
    yield from _content(resp.get("content"), ptr)


def occurrences(doc: dict[str, Any]) -> Iterator[tuple[str, str, Any, str]]:
    yield from _ext(doc, "root", "#")
    yield from _ext(doc.get("info", {}), "info", "#/info")
    for i, srv in enumerate(doc.get("servers", [])):
        yield from _ext(srv, "server", f"#/servers/{i}")
    for i, tag in enumerate(doc.get("tags", [])):
        yield from _ext(tag, "tag", f"#/tags/{i}")
    for path, item in doc.get("paths", {}).items():
        pp = "#/paths/" + path.replace("~", "~0").replace("/", "~1")
        yield from _ext(item, "path-item", pp)
        for i, prm in enumerate(item.get("parameters", [])):
            yield from _param(prm, f"{pp}/parameters/{i}")
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            op_ptr = f"{pp}/{method}"
            yield from _ext(op, "operation", op_ptr)
            for i, srv in enumerate(op.get("servers", [])):
                yield from _ext(srv, "server", f"{op_ptr}/servers/{i}")
            for i, prm in enumerate(op.get("parameters", [])):
                yield from _param(prm, f"{op_ptr}/parameters/{i}")
            body = op.get("requestBody")
            if body and "$ref" not in body:
                yield from _ext(body, "request-body", f"{op_ptr}/requestBody")
                yield from _content(body.get("content"), f"{op_ptr}/requestBody")
            for code, resp in op.get("responses", {}).items():
                yield from _response(resp, f"{op_ptr}/responses/{code}")
    comps = doc.get("components", {})
    for name, sch in comps.get("schemas", {}).items():
        yield from _schema_walk(sch, "schema", f"#/components/schemas/{name}")
    for name, prm in comps.get("parameters", {}).items():
        yield from _param(prm, f"#/components/parameters/{name}")
    for name, resp in comps.get("responses", {}).items():
        yield from _response(resp, f"#/components/responses/{name}")
    for name, header in comps.get("headers", {}).items():
        yield from _ext(header, "header", f"#/components/headers/{name}")
        yield from _schema_walk(header.get("schema"), "schema", f"#/components/headers/{name}/schema")
    for name, scheme in comps.get("securitySchemes", {}).items():
        yield from _ext(scheme, "security-scheme", f"#/components/securitySchemes/{name}")


# --- extension schema ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ext_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXT_SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def ext_validator(ext: dict[str, Any], ref: str) -> jsonschema.Draft202012Validator:
    root = {"$schema": ext["$schema"], "$defs": ext["$defs"], "$ref": ref}
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())


def test_extension_schema_is_valid_and_self_consistent(ext_schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(ext_schema)
    names = set(ext_schema["x-vn-places"])
    assert names == {k for k in ext_schema["$defs"] if k.startswith("x-vn-")}
    kinds = set(ext_schema["x-vn-place-kinds"])
    for name, places in ext_schema["x-vn-places"].items():
        assert places and set(places) <= kinds, name
        assert name in ext_schema["x-vn-reads"], name
    for name, by_place in ext_schema["x-vn-place-defs"].items():
        assert set(by_place) <= set(ext_schema["x-vn-places"][name])
    assert set(ext_schema["x-vn-aliases"].values()) <= names


def test_extension_schema_accepts_and_rejects(ext_schema: dict[str, Any]) -> None:
    ok = {
        "x-vn-agency-code": ["000.00.00.H41", "G09.20"],
        "x-vn-channel": ["LGSP", ["NDXP", "ndxp-adapter"]],
        "x-vn-data-class": ["open", ["shared", "important"]],
        "x-vn-personal-data": [True, "sensitive", {"category": "basic", "purpose": "Giải quyết TTHC"}],
        "x-vn-codelist": ["commune-2025", {"id": "province-2025", "service": {"operationId": "listTinh"}}],
        "x-vn-sla": [{"availability": 0.99, "p95LatencyMs": 800}],
        "x-vn-service-code": ["VN:GOV:000.00.00.G22:vpcpdvcprovider"],
    }
    bad = {
        "x-vn-agency-code": ["H41", "000.00.00.h41"],
        "x-vn-channel": ["lgsp", "ESB"],
        "x-vn-data-class": ["secret", []],
        "x-vn-personal-data": ["yes", {"purpose": "x"}],
        "x-vn-sla": [{"availability": 99.5}, {}],
        "x-vn-qcvn120": ["DongBoHoSoMc"],
        "x-vn-environment": ["prod"],
    }
    for name, values in ok.items():
        v = ext_validator(ext_schema, f"#/$defs/{name}")
        for value in values:
            assert v.is_valid(value), (name, value)
    for name, values in bad.items():
        v = ext_validator(ext_schema, f"#/$defs/{name}")
        for value in values:
            assert not v.is_valid(value), (name, value)


def test_misspelt_extension_gets_a_suggestion(ext_schema: dict[str, Any]) -> None:
    names = list(ext_schema["x-vn-places"])
    assert difflib.get_close_matches("x-vn-agency-cod", names, n=1) == ["x-vn-agency-code"]
    assert difflib.get_close_matches("x-vn-personal_data", names, n=1) == ["x-vn-personal-data"]
    assert ext_schema["x-vn-aliases"]["x-vn-code-list"] == "x-vn-codelist"


@pytest.mark.parametrize("name", ALL)
def test_extension_occurrences_are_known_placed_and_valid(name: str, ext_schema: dict[str, Any]) -> None:
    doc = load(name)
    places = ext_schema["x-vn-places"]
    for place, ext, value, ptr in occurrences(doc):
        assert ext in places, f"{ptr}: unknown extension {ext}"
        assert place in places[ext], f"{ptr}: {ext} not allowed at {place}"
        ref = ext_schema["x-vn-place-defs"].get(ext, {}).get(place, f"#/$defs/{ext}")
        errors = list(ext_validator(ext_schema, ref).iter_errors(value))
        assert not errors, f"{ptr}: {errors[0].message}"


# --- OpenAPI validity and fixture properties ------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_spec_is_valid_openapi(name: str) -> None:
    validate(load(name))


@pytest.mark.parametrize("name", CONFORMING)
def test_conforming_spec_transport_and_security(name: str) -> None:
    doc = load(name)
    assert all(s["url"].startswith("https://") for s in doc["servers"])
    assert all("x-vn-environment" in s for s in doc["servers"])
    info = doc["info"]
    for key in ("x-vn-agency-code", "x-vn-registry", "x-vn-sla", "x-vn-legal-basis", "x-vn-environment"):
        assert key in info, key
    assert info["contact"].get("email") or info["contact"].get("url")
    schemes = doc["components"]["securitySchemes"]
    for scheme in schemes.values():
        assert scheme["type"] == "oauth2"
        flow = scheme["flows"]["clientCredentials"]
        assert flow["tokenUrl"].startswith("https://") and flow["scopes"]
    op_ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(op_ids) == len(set(op_ids))
    for path, method, op in operations(doc):
        where = f"{method.upper()} {path}"
        assert op.get("summary") and op.get("tags") and op.get("description"), where
        security = op.get("security", doc.get("security"))
        assert security is not None, where
        if security == [] or security == [{}]:
            assert op.get("x-vn-public") is True, where
        else:
            for req in security:
                for scheme_name, scopes in req.items():
                    assert scheme_name in schemes and scopes, where
        params = [resolve(doc, p) for p in op.get("parameters", [])]
        assert any(p["in"] == "header" and p["name"] == "X-Request-ID" for p in params), where
        codes = set(op["responses"])
        assert any(c.startswith("4") for c in codes) and any(c.startswith("5") for c in codes), where
        if security:
            assert {"401", "403", "429"} <= codes, where
        if "429" in codes:
            assert "Retry-After" in resolve(doc, op["responses"]["429"])["headers"], where
        for code, resp in op["responses"].items():
            resp = resolve(doc, resp)
            assert "X-Request-ID" in resp.get("headers", {}), f"{where} {code}"
            if code[0] in "45":
                media = resp["content"]["application/problem+json"]
                assert media["schema"] == {"$ref": "#/components/schemas/Loi"}, f"{where} {code}"


def _schema_texts(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc.get("components", {}).get("schemas", {}), allow_unicode=True)


@pytest.mark.parametrize("name", CONFORMING)
def test_conforming_spec_identifiers(name: str) -> None:
    doc = load(name)
    schemas = doc["components"]["schemas"]
    text = _schema_texts(doc)
    assert "MaHuyen" not in text and "SoCMND" not in text
    for sname, sch in schemas.items():
        for pname, prop in (sch.get("properties") or {}).items():
            prop = resolve(doc, prop)
            if pname == "SoDinhDanh":
                assert prop["pattern"] == "^[0-9]{12}$", sname
            if pname == "MaTinh":
                assert prop["pattern"] == "^[0-9]{2}$" and "x-vn-codelist" in prop, sname
            if pname == "MaXa":
                assert prop["pattern"] == "^[0-9]{5}$" and "x-vn-codelist" in prop, sname
            if pname.startswith(("Ngay", "ThoiDiem")):
                assert "format" in prop or "pattern" in prop, f"{sname}.{pname}"
    for sname, sch in schemas.items():
        if sname.startswith("DiaChi"):
            assert {"MaTinh", "MaXa", "DiaChiChiTiet"} <= set(sch["required"])


def _example_validator(doc: dict[str, Any], pointer: str) -> Any:
    uri = "urn:conformance:spec"
    resource = Resource.from_contents(doc, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(uri, resource)
    cls = OAS31Validator if doc["openapi"].startswith("3.1") else OAS30Validator
    return cls({"$ref": f"{uri}#{pointer}"}, registry=registry, format_checker=jsonschema.FormatChecker())


def media_examples(doc: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(schema pointer, example value, where) for every media-type example and parameter example."""

    def from_content(content: dict[str, Any], ptr: str) -> Iterator[tuple[str, Any, str]]:
        for mt, media in content.items():
            sp = f"{ptr}/content/{mt.replace('/', '~1')}/schema"
            if "example" in media:
                yield sp, media["example"], sp
            for ename, ex in (media.get("examples") or {}).items():
                yield sp, resolve(doc, ex)["value"], f"{sp} ({ename})"

    for path, method, op in operations(doc):
        op_ptr = "/paths/" + path.replace("/", "~1") + f"/{method}"
        if "requestBody" in op:
            yield from from_content(op["requestBody"]["content"], f"{op_ptr}/requestBody")
        for code, resp in op["responses"].items():
            if "$ref" in resp:
                ptr = resp["$ref"].removeprefix("#")
                resp = resolve(doc, resp)
            else:
                ptr = f"{op_ptr}/responses/{code}"
            yield from from_content(resp.get("content", {}), ptr)
        for i, prm in enumerate(op.get("parameters", [])):
            ptr = prm["$ref"].removeprefix("#") if "$ref" in prm else f"{op_ptr}/parameters/{i}"
            if "example" in resolve(doc, prm):
                yield f"{ptr}/schema", resolve(doc, prm)["example"], ptr


@pytest.mark.parametrize("name", CONFORMING)
def test_conforming_spec_examples_validate(name: str) -> None:
    doc = load(name)
    seen = 0
    for pointer, value, where in media_examples(doc):
        errors = list(_example_validator(doc, pointer).iter_errors(value))
        assert not errors, f"{where}: {errors[0].message}"
        seen += 1
    assert seen >= 5
    # every JSON body of every operation has at least one example (VN-API-078)
    for path, method, op in operations(doc):
        bodies = [op["requestBody"]] if "requestBody" in op else []
        bodies += [resolve(doc, r) for c, r in op["responses"].items() if c.startswith("2")]
        for body in bodies:
            for media in body.get("content", {}).values():
                assert "example" in media or "examples" in media, f"{method} {path}"


def test_provincial_spec_specifics() -> None:
    doc = load("provincial-one-stop")
    assert all(s["url"].endswith("/motcua/1.0") for s in doc["servers"])
    assert doc["info"]["x-vn-channel"] == "LGSP" and doc["info"]["x-vn-environment"] == "staging"
    health = doc["paths"]["/health"]["get"]
    assert health["security"] == [] and health["x-vn-public"] is True
    packets = {op.get("x-vn-qcvn120") for _, _, op in operations(doc)}
    assert {"DongBoHoSoMC", "CapNhatTienDoHoSoMC"} <= packets
    fields = set(doc["components"]["schemas"]["HoSoDongBo"]["properties"])
    assert fields == QCVN120_DONGBOHOSOMC_FIELDS
    assert {(m, p) for p, m, _ in operations(doc)} >= {
        ("get", "/hoso/{MaHoSo}"),
        ("get", "/hoso/{MaHoSo}/tiendo"),
        ("post", "/hoso"),
    }


def test_national_enterprise_db_specifics() -> None:
    doc = load("national-enterprise-db")
    assert doc["components"]["schemas"]["MaSoThue"]["pattern"] == "^[0-9]{10}(-[0-9]{3})?$"
    dst = doc["components"]["parameters"]["DstCode"]
    assert dst["name"] == "dstcode" and dst["in"] == "header"
    for _, _, op in operations(doc):
        if "ndxp-adapter" in op.get("x-vn-channel", []):
            assert {"$ref": "#/components/parameters/DstCode"} in op["parameters"]


def test_shared_codelists_public_reads() -> None:
    doc = load("shared-codelists")
    for path, method, op in operations(doc):
        if op.get("x-vn-public"):
            assert method == "get" and op["security"] == [] and op["x-vn-data-class"] == "open", path
    assert any(op.get("security") for _, _, op in operations(doc))


def test_legacy_spec_has_the_legacy_smells() -> None:
    doc = load(LEGACY)
    assert all(s["url"].startswith("http://") for s in doc["servers"])
    assert "securitySchemes" not in doc.get("components", {}) and "security" not in doc
    ops = list(operations(doc))
    assert any("operationId" not in op for _, _, op in ops)
    assert all(set(op["responses"]) == {"200"} for _, _, op in ops)
    text = yaml.safe_dump(doc, allow_unicode=True)
    for smell in ("session", "error_code", "MaHuyen", "SoCMND", "ngay_sinh", "mahoso"):
        assert smell in text, smell
    assert doc["components"]["schemas"]["HoSoMC"]["properties"]["SoCMND"]["pattern"] == "^[0-9]{9}$"
    assert "MaHuyen" in doc["components"]["schemas"]["DiaChi"]["required"]
    assert any(
        p.get("in") == "query" and p["name"] == "session"
        for _, _, op in ops
        for p in op.get("parameters", [])
    )
    assert not any(k.startswith("x-vn-") for _, k, _, _ in occurrences(doc))


def test_refservice_carries_an_identical_copy_of_the_provincial_spec() -> None:
    packaged = ROOT / "conformance" / "refservice" / "openapi.yaml"
    assert packaged.read_bytes() == (SPECS / "provincial-one-stop" / "openapi.yaml").read_bytes()
