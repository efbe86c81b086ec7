"""`batch --live`: inventory systems with base URLs are probed on the wire, concurrently, each within
its budget; the live outcomes land in that system's record and the roll-ups; an unreachable or
crashing target is that system's error, never the batch's; live results are never cached."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from conformance import api_live
from conformance.batch import load_tasks, rollup, run_batch
from conformance.cli import main
from conformance.profiles import resolve_profile
from conformance.refservice import RefService

from .conftest import ROOT

STAMP = "2026-01-01T00:00:00Z"
TOKEN_ENV = "CONFORMANCE_BATCH_TOKEN"
TEMPLATE = os.path.join(ROOT, "fixtures", "inventories", "batch-live", "inventory.yaml")
SPEC = os.path.join(ROOT, "specs", "provincial-one-stop", "openapi.yaml")
FAULT = "no_correlation_echo"  # probe mode sees it on every answered request
BUDGET = 20.0


@dataclass
class Queue:
    inventory: str
    ok: RefService
    faulty: RefService
    unreachable_url: str
    token: str


def _free_port() -> int:
    """A loopback port with nobody listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def queue(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Queue]:
    token = "tok-" + os.urandom(12).hex()
    monkeypatch.setenv(TOKEN_ENV, token)
    with RefService(token=token) as ok, RefService(token=token, faults={FAULT}) as faulty:
        unreachable = f"http://127.0.0.1:{_free_port()}/motcua/1.0"
        with open(TEMPLATE, encoding="utf-8") as fh:
            text = fh.read()
        text = text.replace("{ok_url}", ok.base_url).replace("{faulty_url}", faulty.base_url)
        text = text.replace("{unreachable_url}", unreachable)
        folder = tmp_path / "batch-live"
        folder.mkdir()
        (folder / "inventory.yaml").write_text(text, encoding="utf-8")
        shutil.copy(SPEC, folder / "openapi.yaml")
        yield Queue(str(folder / "inventory.yaml"), ok, faulty, unreachable, token)


def _live_rules() -> dict[str, str]:
    """rule id -> check name, for the profile's live rules."""
    return {r.id: r.check for r in resolve_profile("vn-full").rules.values() if r.kind.value == "live"}


def _run_cli(q: Queue, out: str, *extra: str) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    code = main(["batch", q.inventory, "--live", "--auth", f"bearer:{TOKEN_ENV}",
                 "--live-budget", str(BUDGET), "--live-rate", "200", "--live-concurrency", "3",
                 "-j", "2", "-q", "-d", out, "--timestamp", STAMP, *extra])
    elapsed = time.monotonic() - started
    with open(os.path.join(out, "batch.json"), encoding="utf-8") as fh:
        return code, json.load(fh), elapsed


def _system_result(out: str, row: dict[str, Any]) -> dict[str, Any]:
    with open(os.path.join(out, row["result"]), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _outcomes(result: dict[str, Any], subject: str) -> dict[str, str]:
    return {o["rule"]: o["status"] for o in result["outcomes"] if o["subject"] == subject}


def test_batch_live_probes_each_system_and_isolates_failures(queue: Queue, tmp_path: Any) -> None:
    out = str(tmp_path / "out")
    code, data, elapsed = _run_cli(queue, out)
    assert code == 1  # the faulty and the unreachable systems are not ready
    # Concurrent, each within its budget: well under three budgets back to back.
    assert elapsed < BUDGET + 15, elapsed
    rows = {r["id"]: r for r in data["systems"]}
    assert sorted(rows) == ["ht-a", "ht-b", "ht-c"]
    correlation = sorted(rule for rule, check in _live_rules().items() if check == "correlation_echo")
    assert correlation

    ok = _system_result(out, rows["ht-a"])
    ok_live = _outcomes(ok, queue.ok.base_url)
    assert ok_live and "error" not in ok_live.values(), ok_live
    assert {s["kind"] for s in ok["subjects"]} == {"spec", "endpoint"}  # static and live in one record

    faulty = _system_result(out, rows["ht-b"])
    faulty_live = _outcomes(faulty, queue.faulty.base_url)
    assert all(faulty_live[rule] == "failed" for rule in correlation), faulty_live
    assert all(ok_live[rule] == "passed" for rule in correlation)
    # Both serve plain http (a transport failure they share); the fault is the only difference.
    ok_failed = {r for r, s in ok_live.items() if s == "failed"}
    faulty_failed = {r for r, s in faulty_live.items() if s == "failed"}
    assert ok_failed < faulty_failed and set(correlation) <= faulty_failed - ok_failed
    assert "error" not in faulty_live.values()
    assert rows["ht-a"]["live"]["status"] == rows["ht-b"]["live"]["status"] == "failed"
    failed = {sid: rows[sid]["live"]["targets"][0]["outcomes"]["failed"] for sid in ("ht-a", "ht-b")}
    assert failed["ht-b"] > failed["ht-a"]
    evidence = [f["details"].get("evidence", {}) for o in faulty["outcomes"] if o["rule"] in correlation
                for f in o["findings"]]
    assert evidence and all(queue.faulty.base_url in e.get("request", "") for e in evidence)
    assert queue.token not in json.dumps(faulty) and queue.token not in json.dumps(data)

    unreachable = _system_result(out, rows["ht-c"])
    down = _outcomes(unreachable, queue.unreachable_url)
    assert down and set(down.values()) <= {"error", "not_applicable", "skipped"} and "error" in down.values()
    reasons = {o["reason"] for o in unreachable["outcomes"] if o["subject"] == queue.unreachable_url
               and o["status"] == "error"}
    assert any("refused" in r or "did not answer" in r for r in reasons), reasons
    assert rows["ht-c"]["live"]["status"] == "error"

    # Roll-ups count the live outcomes: the faulty system's live findings are in its numbers.
    counted = {sid: rows[sid]["errors"] + rows[sid]["warnings"] for sid in ("ht-a", "ht-b")}
    assert counted["ht-b"] > counted["ht-a"]
    assert data["totals"]["live"] == {"systems": 3, "passed": 0, "failed": 2, "error": 1}
    agencies = {a["agency"]: a for a in data["agencies"]}
    assert agencies["000.00.00.H33"]["systems"] == 1
    assert os.path.isfile(os.path.join(out, "dashboard.html"))


def test_live_results_are_never_cached(queue: Queue, tmp_path: Any) -> None:
    cache = str(tmp_path / "cache")
    out1, out2 = str(tmp_path / "o1"), str(tmp_path / "o2")
    _run_cli(queue, out1, "--cache", cache)
    before = sum(queue.ok.counts().values())
    _, data, _ = _run_cli(queue, out2, "--cache", cache)
    assert sum(queue.ok.counts().values()) > before  # probed again although every spec was cached
    assert {r["id"]: r["live"]["status"] for r in data["systems"]} == {"ht-a": "failed", "ht-b": "failed",
                                                                       "ht-c": "error"}
    for name in os.listdir(cache):  # the cache holds static results only
        with open(os.path.join(cache, name), encoding="utf-8") as fh:
            entry = json.load(fh)
        assert {s["kind"] for s in entry["result"]["subjects"]} == {"spec"}
    # A run without --live reuses the same static entries and shows no live part.
    tasks = load_tasks(queue.inventory)
    plain = run_batch(tasks, profile="vn-full", generated_at=STAMP, cache_dir=cache)
    assert plain.cached == 3 and all("live" not in r for r in plain.records.values())


def test_a_crashing_live_check_stops_only_its_system(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    real = api_live.run_live_test

    def flaky(spec: str, *, base_url: str, **kw: Any) -> Any:
        if base_url == queue.ok.base_url:
            raise RuntimeError("boom")
        return real(spec, base_url=base_url, **kw)

    monkeypatch.setattr(api_live, "run_live_test", flaky)
    from conformance.batch import LiveSettings

    tasks = load_tasks(queue.inventory)
    run = run_batch(tasks, profile="vn-full", generated_at=STAMP, jobs=1,
                    live=LiveSettings(budget_seconds=BUDGET, rate=200, concurrency=2,
                                      auth=api_live.AuthConfig.parse(f"bearer:{TOKEN_ENV}")))
    rows = {r["id"]: r for r in rollup(run, profile=resolve_profile("vn-full"), generated_at=STAMP,
                                       source=queue.inventory)["systems"]}
    assert rows["ht-a"]["status"] == "error" and "boom" in rows["ht-a"]["error"]
    assert rows["ht-b"]["live"]["status"] == "failed" and rows["ht-c"]["live"]["status"] == "error"


def test_live_needs_its_flag_and_credentials(queue: Queue, tmp_path: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = str(tmp_path / "o")
    assert main(["batch", queue.inventory, "--auth", f"bearer:{TOKEN_ENV}", "-q", "-d", out]) == 2
    monkeypatch.delenv(TOKEN_ENV)
    assert main(["batch", queue.inventory, "--live", "--auth", f"bearer:{TOKEN_ENV}", "-q", "-d", out]) == 2
    assert queue.ok.counts() == {} and not os.path.exists(os.path.join(out, "batch.json"))
