"""The built wheel carries everything the installed tool reads at run time."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), ROOT], check=True, capture_output=True, timeout=300)
    (wheel,) = [p for p in os.listdir(out) if p.endswith(".whl")]
    with zipfile.ZipFile(out / wheel) as zf:
        return set(zf.namelist())


def test_wheel_has_package_data(wheel_names):
    source = os.path.join(ROOT, "conformance")
    expected = set()
    for dirpath, _, files in os.walk(source):
        for name in files:
            if name.endswith((".yaml", ".json", ".j2", ".html", ".css", ".js", ".typed")):
                rel = os.path.relpath(os.path.join(dirpath, name), ROOT).replace(os.sep, "/")
                expected.add(rel)
    assert expected, "no package data found"
    missing = sorted(expected - wheel_names)
    assert not missing, f"package data missing from the wheel: {missing}"


def test_wheel_has_console_script(wheel_names):
    entry = [n for n in wheel_names if n.endswith("entry_points.txt")]
    assert entry
