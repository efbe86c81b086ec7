from __future__ import annotations

import json
import os
import shutil

import pytest

from conformance import codelists
from conformance.batch import load_tasks, rollup, run_batch, system_row, worker
from conformance.cli import main
from conformance.policy import count
from conformance.profiles import resolve_profile
from conformance.reporters import dashboard
from conformance.reporters import json as json_report
from conformance.reporters.verdict import verdict

from .conftest import EXAMPLE_SPECS

STAMP = "2026-01-01T00:00:00Z"


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """Five systems: the example specs and one more copy, in a folder; cwd is tmp."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_SPECS, tmp_path / "q")
    shutil.copy(tmp_path / "q" / "shared-codelists" / "openapi.yaml", tmp_path / "q" / "zz-copy.yaml")
    return "q"


def _run(source: str, **kw):
    return run_batch(load_tasks(source), profile="vn-full", generated_at=STAMP, **kw)


def _rows(run) -> dict[str, dict]:
    return {
        r["id"]: r
        for r in rollup(run, profile=resolve_profile("vn-full"), generated_at=STAMP, source="q")["systems"]
    }


def test_folder_batch_matches_single_lint(queue) -> None:
    from conformance.api import lint

    run = _run(queue, jobs=2)
    rows = _rows(run)
    assert sorted(rows) == sorted(t.id for t in load_tasks(queue)) and len(rows) == 5
    for sid, row in rows.items():
        direct = lint([sid], clock=lambda: __import__("datetime").datetime(2026, 1, 1)).result
        c = count(direct)
        assert (row["errors"], row["warnings"], row["info"]) == (c.errors, c.warnings, c.info)
        assert row["status"] == ("ready" if verdict(direct)[0] else "not_ready")
        assert row["agency"] == row["province"] == "unknown"
        assert json_report.to_dict(direct) == run.records[sid]["result"]


def _crash_on(marker: str, how: str):
    real = worker._lint_system

    def lint_system(task, profile_ref, generated_at):
        if marker in task.id:
            if how == "exit":
                os._exit(13)  # the worker process dies, as on a segfault
            raise RuntimeError("boom in the middle")
        return real(task, profile_ref, generated_at)

    return lint_system


@pytest.mark.parametrize("how", ["raise", "exit"])
def test_crashing_system_in_the_middle_does_not_stop_the_rest(queue, monkeypatch, how: str) -> None:
    monkeypatch.setattr(worker, "_lint_system", _crash_on("provincial", how))  # 3rd of 5
    run = _run(queue, jobs=2)
    rows = _rows(run)
    bad = [r for r in rows.values() if r["status"] == "error"]
    assert [r["id"] for r in bad] == ["q/provincial-one-stop/openapi.yaml"]
    assert ("crashed" if how == "exit" else "boom in the middle") in bad[0]["error"]
    assert all("result" in run.records[sid] for sid in rows if "provincial" not in sid)
    assert run.crashed == (1 if how == "exit" else 0)


def test_cache_skips_unchanged_and_reruns_changed(queue, tmp_path) -> None:
    cache = str(tmp_path / "cache")
    first = _run(queue, jobs=1, cache_dir=cache)
    assert first.cached == 0
    again = _run(queue, jobs=1, cache_dir=cache)
    assert again.cached == 5 and again.records == first.records
    with open("q/zz-copy.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# touched\n")
    third = _run(queue, jobs=1, cache_dir=cache)
    assert third.cached == 4
    changed = {k for k in first.records if third.records[k] != first.records[k]}
    assert changed == {"q/zz-copy.yaml"}  # re-run: a new sha256, the same outcomes (only a comment)
    assert (
        third.records["q/zz-copy.yaml"]["result"]["outcomes"]
        == first.records["q/zz-copy.yaml"]["result"]["outcomes"]
    )
    assert len(os.listdir(cache)) == 6


def test_inventory_rollups_by_agency_and_province(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_SPECS, tmp_path / "specs")
    p1, p2 = sorted(codelists.province_codes())[:2]
    systems = [
        {
            "id": "a-1",
            "name": "A one",
            "owner": "000.00.00.A01",
            "owner_name": "Agency <A>",
            "kind": "portal",
            "level": "province",
            "province": p1,
            "specs": ["specs/shared-codelists/openapi.yaml"],
        },
        {
            "id": "a-2",
            "name": "A two",
            "owner": "000.00.00.A01",
            "kind": "dossier-system",
            "level": "province",
            "province": p1,
            "specs": ["specs/provincial-one-stop/openapi.yaml", "specs/missing.yaml"],
        },
        {
            "id": "b-1",
            "name": "B one",
            "owner": "000.00.00.B02",
            "kind": "portal",
            "level": "province",
            "province": p2,
            "specs": ["specs/national-enterprise-db/openapi.yaml"],
        },
        {
            "id": "c-1",
            "name": "No spec yet",
            "owner": "000.00.00.B02",
            "kind": "internal-app",
            "level": "central",
        },
    ]
    (tmp_path / "inv.yaml").write_text(
        json.dumps({"inventory_version": 1, "systems": systems}), encoding="utf-8"
    )
    run = _run("inv.yaml", jobs=2)
    data = rollup(run, profile=resolve_profile("vn-full"), generated_at=STAMP, source="inv.yaml")
    rows = {r["id"]: r for r in data["systems"]}
    assert rows["a-2"]["status"] == "error" and "missing.yaml" in rows["a-2"]["error"]
    assert rows["c-1"]["status"] == "no_spec" and rows["c-1"]["province"] == "unknown"
    provinces = {p["province"]: p for p in data["provinces"]}
    assert list(provinces) == [p1, p2, "unknown"]
    assert provinces[p1]["systems"] == 2 and provinces[p1]["error"] == 1
    assert provinces[p1]["name"] == codelists.province_name(p1)
    agencies = {a["agency"]: a for a in data["agencies"]}
    assert agencies["000.00.00.A01"]["name"] == "Agency <A>" and agencies["000.00.00.B02"]["systems"] == 2
    for key in ("errors", "warnings", "info"):
        assert data["totals"][key] == sum(r[key] for r in data["systems"])
        assert sum(p[key] for p in data["provinces"]) == data["totals"][key]
    html = dashboard.render(data, lang="en")
    assert "Agency &lt;A&gt;" in html and "Agency <A>" not in html


def test_dashboard_is_self_contained_and_escaped(queue) -> None:
    run = _run(queue, jobs=1)
    data = rollup(run, profile=resolve_profile("vn-full"), generated_at=STAMP, source="q")
    data["systems"][0]["name"] = "</td><script>alert(1)</script>"
    for lang in ("en", "vi"):
        html = dashboard.render(data, lang=lang)
        assert "<script" not in html and "&lt;script&gt;" in html
        assert "http://" not in html and "https://" not in html and "<link" not in html
        assert "default-src 'none'" in html
        assert html == dashboard.render(data, lang=lang)


def test_batch_cli_outputs(queue, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            queue,
            "--jobs",
            "2",
            "-d",
            str(out),
            "--timestamp",
            STAMP,
            "-q",
            "--cache",
            str(tmp_path / "c"),
        ]
    )
    data = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert code == (0 if data["totals"]["ready"] == 5 else 1)
    for row in data["systems"]:
        res = json_report.loads((out / row["result"]).read_text(encoding="utf-8"))
        assert row == system_row(
            next(t for t in load_tasks(queue) if t.id == row["id"]),
            {"id": row["id"], "result": json_report.to_dict(res)},
        )
    first = (out / "batch.json").read_bytes(), (out / "dashboard.html").read_bytes()
    assert (
        main(["batch", queue, "-d", str(out), "--timestamp", STAMP, "-q", "--cache", str(tmp_path / "c")])
        == code
    )
    assert ((out / "batch.json").read_bytes(), (out / "dashboard.html").read_bytes()) == first
    assert main(["batch", "nowhere", "-q"]) == 2
    assert main(["batch", queue, "--jobs", "0", "-q"]) == 2


def test_batch_waivers_and_single_document(queue, tmp_path) -> None:
    out = tmp_path / "out"
    base = ["batch", queue, "-d", str(out), "--timestamp", STAMP, "-q", "--cache", str(tmp_path / "c")]
    main(base)
    before = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    row = next(r for r in before["systems"] if r["failing_rules"])
    rule = row["failing_rules"][0][0]
    w = tmp_path / "w.yaml"
    w.write_text(
        f"waivers:\n  - {{rule: {rule}, reason: r, approved_by: a, expires: '2026-12-31'}}\n",
        encoding="utf-8",
    )
    main([*base, "--waivers", str(w), "--today", "2026-06-01"])
    after = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert all(rule not in dict(r["failing_rules"]) for r in after["systems"])
    res = json_report.loads((out / row["result"]).read_text(encoding="utf-8"))
    assert any(f.waiver and f.waiver["approved_by"] == "a" for f in res.findings())
    # Expired: back to the first run's roll-up, served from the same cache.
    main([*base, "--waivers", str(w), "--today", "2027-01-01"])
    assert json.loads((out / "batch.json").read_text(encoding="utf-8")) == before
    single = load_tasks(f"{queue}/zz-copy.yaml")
    assert [t.id for t in single] == ["q/zz-copy.yaml"]
