"""No unintended requests: the spec's servers, links, externalValue examples, remote $refs and the
OAuth tokenUrl all point at other loopback ports, where listeners count connections. Lint and live
test (probe and full mode) contact only the configured base URL, and the token URL only when it is
configured with --token-url."""

from __future__ import annotations

import os
from typing import Any

import yaml

from conformance.refservice import RefService

from .conftest import SPEC, CountingListener, cli

TOKEN_ENV = "HARDENING_NUR_TOKEN"


def hostile_copy(tmp_path: Any, ls: list[CountingListener]) -> str:
    servers, links, example, ref, token = ls
    with open(SPEC, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["servers"] = [{"url": servers.url + "/motcua/1.0"}, {"url": "http://169.254.169.254/latest"}]
    op = data["paths"]["/hoso/{MaHoSo}"]["get"]
    op["servers"] = [{"url": servers.url + "/op-level"}]
    op["responses"]["200"]["links"] = {
        "elsewhere": {"operationId": "getTienDoHoSo", "server": {"url": links.url}}
    }
    media = op["responses"]["200"]["content"]["application/json"]
    media.pop("example", None)
    media["examples"] = {"remote": {"externalValue": example.url + "/example.json"}}
    data["components"]["schemas"]["Remote"] = {"$ref": ref.url + "/schemas.yaml#/Remote"}
    flows = data["components"]["securitySchemes"]["oauth2ClientCredentials"]["flows"]
    flows["clientCredentials"]["tokenUrl"] = token.url + "/token"
    path = os.path.join(str(tmp_path), "openapi.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, allow_unicode=True)
    return path


def test_lint_contacts_nothing(tmp_path: Any, listeners: Any) -> None:
    ls = listeners(5)
    spec = hostile_copy(tmp_path, ls)
    ran = cli(
        "lint",
        spec,
        "--format",
        "json",
        "-o",
        str(tmp_path / "lint.json"),
        report=str(tmp_path / "lint.json"),
    )
    assert ran.proc.returncode in (0, 1)
    assert [lst.connections for lst in ls] == [0] * 5
    assert any(o["rule"] == "STR002" and o["status"] == "failed" for o in ran.data["outcomes"])  # ref refused


def _live(tmp_path: Any, spec: str, svc: RefService, mode: str, *extra: str) -> Any:
    report = str(tmp_path / f"{mode}.json")
    return cli(
        "test",
        spec,
        "--base-url",
        svc.base_url,
        "--mode",
        mode,
        "--format",
        "json",
        "-o",
        report,
        "--rate",
        "200",
        "--max-requests",
        "40",
        "--timeout",
        "2",
        "--budget",
        "10",
        *extra,
        env={**os.environ, TOKEN_ENV: svc.token, "HNUR_ID": svc.client_id, "HNUR_SECRET": svc.client_secret},
        report=report,
        timeout=60,
    )


def test_probe_and_full_mode_contact_only_the_base_url(tmp_path: Any, listeners: Any) -> None:
    ls = listeners(5)
    spec = hostile_copy(tmp_path, ls)
    with RefService(rate_limit=None) as svc:
        probe = _live(tmp_path, spec, svc, "probe", "--auth", f"bearer:{TOKEN_ENV}")
        full = _live(tmp_path, spec, svc, "full", "--auth", f"bearer:{TOKEN_ENV}")
        counts = svc.counts()
    assert [lst.connections for lst in ls] == [0] * 5
    assert sum(counts.values()) >= 20 and set(counts) - {"GET", "HEAD", "OPTIONS"}, counts  # full mode wrote
    for ran in (probe, full):
        assert ran.data is not None and any(o["status"] == "passed" for o in ran.data["outcomes"])


def test_spec_token_url_elsewhere_is_refused_unless_configured(tmp_path: Any, listeners: Any) -> None:
    ls = listeners(5)
    spec = hostile_copy(tmp_path, ls)
    oauth = ("--auth", "oauth2", "--client-id-env", "HNUR_ID", "--client-secret-env", "HNUR_SECRET")
    with RefService(rate_limit=None) as svc:
        refused = _live(tmp_path, spec, svc, "probe", *oauth)
        assert refused.proc.returncode == 2 and "tokenUrl" in refused.proc.stderr
        assert [lst.connections for lst in ls] == [0] * 5
        # configured explicitly: then (and only then) the token URL is contacted; the rest stay silent
        _live(tmp_path, spec, svc, "probe", *oauth, "--token-url", ls[4].url + "/token")
    assert ls[4].connections >= 1
    assert [lst.connections for lst in ls[:4]] == [0] * 4
