"""`conformance graph ...` through cli.main: exit codes, output, one-line errors."""

from __future__ import annotations

import json
import os
import re

import pytest

from conformance.cli import main
from tests.conftest import ROOT

INV = os.path.join(ROOT, "fixtures", "inventories")
SAMPLE = os.path.join(INV, "sample-province", "inventory.yaml")


def test_check_text_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "check", SAMPLE, "--timestamp", "2026-01-01T00:00:00Z"]) == 1  # ARCH010 is an error
    out = capsys.readouterr().out
    assert "yte-33 -> csdlqg-bao-hiem" in out and "ARCH001" in out
    assert main(["graph", "check", os.path.join(INV, "small-csv"), "--fail-on", "error"]) == 0


def test_check_json_is_stable(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    out1 = os.path.join(str(tmp_path), "a.json")
    out2 = os.path.join(str(tmp_path), "b.json")
    for out in (out1, out2):
        main(["graph", "check", SAMPLE, "--format", "json", "-o", out, "--timestamp", "2026-01-01T00:00:00Z"])
    assert open(out1, encoding="utf-8").read() == open(out2, encoding="utf-8").read()
    data = json.loads(open(out1, encoding="utf-8").read())
    assert data["subjects"][0]["kind"] == "inventory"


@pytest.mark.parametrize("bad", sorted(os.listdir(os.path.join(INV, "bad"))))
def test_bad_inventory_exits_2_with_one_line(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "check", os.path.join(INV, "bad", bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("conformance: error: ")
    assert bad.split(".")[0] in err or "systems.csv" in err or "connections.csv" in err
    assert re.search(r"\.(yaml|json|csv):\d+", err), err  # file:LINE


def test_impact_spof_paths_layers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", SAMPLE, "lgsp-33", "--format", "json"]) == 0
    impact = json.loads(capsys.readouterr().out)
    assert any(s.startswith("motcua-") for s in impact["transitive"])
    assert main(["graph", "spof", SAMPLE]) == 0
    assert "articulation points" in capsys.readouterr().out
    assert main(["graph", "paths", SAMPLE, "app-cong-dan-33", "csdlqg-dan-cu"]) == 0
    assert "app-cong-dan-33 -> httt-tthc-33 -> csdlqg-dan-cu" in capsys.readouterr().out
    assert main(["graph", "layers", SAMPLE]) == 0
    capsys.readouterr()
    assert main(["graph", "impact", SAMPLE, "nope"]) == 2


@pytest.mark.parametrize("fmt", ["json", "graphml", "dot"])
def test_export(fmt: str, tmp_path: object) -> None:
    out = os.path.join(str(tmp_path), f"g.{fmt}")
    assert main(["graph", "export", SAMPLE, "--format", fmt, "-o", out]) == 0
    assert os.path.getsize(out) > 1000


def test_view_is_offline_and_csp_safe(tmp_path: object) -> None:
    out = os.path.join(str(tmp_path), "view.html")
    assert main(["graph", "view", SAMPLE, "-o", out]) == 0
    page = open(out, encoding="utf-8").read()
    assert "Content-Security-Policy" in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page and " onclick=" not in page
    assert page.count("<script nonce=") == 1 and page.count("<style nonce=") == 1


def test_fragment_is_embeddable() -> None:
    from conformance.inventory import load_inventory
    from conformance.reporters.graphview import graph_view_html
    from conformance.systems import SystemGraph

    frag = graph_view_html(SystemGraph(load_inventory(SAMPLE)), nonce="abc")
    assert frag.startswith('<div class="gv-root"') and '<script nonce="abc">' in frag
    assert "</script" not in frag.split('class="gv-data">')[1].split("</script>")[0]
    css = frag.split("<style")[1].split("</style>")[0]
    assert all(line.startswith("#gv-") for line in css.split(">", 1)[1].strip().splitlines())
