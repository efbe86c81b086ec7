"""Batch runs on a real Dask cluster (scheduler and workers on 127.0.0.1, started here)."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("distributed", reason="the Dask 'distributed' package is not installed")

from distributed import LocalCluster  # noqa: E402

from conformance.batch import load_tasks, rollup, run_batch  # noqa: E402
from conformance.cli import main  # noqa: E402
from conformance.profiles import resolve_profile  # noqa: E402

from .conftest import EXAMPLE_SPECS  # noqa: E402

STAMP = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as c:
        assert c.scheduler_address.startswith("tcp://127.0.0.1:")
        yield c


@pytest.fixture
def inventory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE_SPECS, tmp_path / "specs")
    systems = [
        {
            "id": f"s-{i}",
            "owner": f"000.00.00.A0{i % 2}",
            "kind": "portal",
            "level": "province",
            "specs": [f"specs/{name}/openapi.yaml"],
        }
        for i, name in enumerate(sorted(p.name for p in (tmp_path / "specs").iterdir()))
    ]
    systems.append(
        {"id": "broken", "owner": "000.00.00.A09", "kind": "portal", "specs": ["specs/missing.yaml"]}
    )
    (tmp_path / "inv.yaml").write_text(json.dumps({"systems": systems}), encoding="utf-8")
    return "inv.yaml"


def test_dask_gives_the_same_results_as_local_processes(cluster, inventory) -> None:
    tasks = load_tasks(inventory)
    local = run_batch(tasks, profile="vn-full", generated_at=STAMP, jobs=2)
    remote = run_batch(tasks, profile="vn-full", generated_at=STAMP, scheduler=cluster.scheduler_address)
    assert remote.records == local.records
    assert "error" in remote.records["broken"] and "missing.yaml" in remote.records["broken"]["error"]
    profile = resolve_profile("vn-full")
    assert rollup(remote, profile=profile, generated_at=STAMP, source=inventory) == rollup(
        local, profile=profile, generated_at=STAMP, source=inventory
    )


def test_dask_cli_same_bytes_and_shared_cache(cluster, inventory, tmp_path) -> None:
    base = ["batch", inventory, "--timestamp", STAMP, "-q"]
    code_local = main([*base, "-d", str(tmp_path / "local"), "--jobs", "2"])
    code_dask = main(
        [
            *base,
            "-d",
            str(tmp_path / "dask"),
            "--scheduler",
            cluster.scheduler_address,
            "--cache",
            str(tmp_path / "cache"),
        ]
    )
    assert code_local == code_dask == 1  # "broken" cannot be checked
    for name in ("batch.json", "dashboard.html"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    # The cache written through Dask serves a local run: same key, same content.
    tasks = load_tasks(inventory)
    again = run_batch(tasks, profile="vn-full", generated_at=STAMP, cache_dir=str(tmp_path / "cache"))
    assert again.cached == len([t for t in tasks if t.id != "broken"])


def test_unreachable_scheduler_is_a_usage_error(inventory, capsys) -> None:
    assert main(["batch", inventory, "-q", "-d", "out", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
