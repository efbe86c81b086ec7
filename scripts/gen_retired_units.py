"""Generate ``conformance/builtin/data/retired_units.json``: pre-2025 administrative-unit codes.

Provenance
    The PyPI project ``vietnam-provinces`` (author Nguyễn Hồng Quân; data collected from the General
    Statistics Office, danhmuchanhchinh.gso.gov.vn) shipped the three-tier QĐ 124/2004 lists in its
    ``0.x`` releases; ``2025.x`` releases ship only the two-tier QĐ 19/2025 lists. The two cannot be
    installed side by side (same import name), so this script reads the old wheels as zip files and
    keeps only codes and names. The union of several releases is taken, because wards and districts
    retired by the 2019-2024 mergers are retired codes too (QĐ 19/2025: codes are not reused).

    ============  =====================  =====================================================================
    version       data                   sha256 of the wheel
    ============  =====================  =====================================================================
    0.2           63 / 707 / 10,767      c0e9d318c14f7e5f3d531ede9a0ae67c80d46faab12b69d203481917e90d85c5
    0.4.0         63 / 705 / 10,603      eb26eb8346906f48a8439c8936a59163d6a67a753691fed4028e22f07fc007f2
    0.6.0         63 / 696 / 10,051      4b5772870efdcb7c58a64fbdc0e0c9ce497e67017a0c189dff99582ddadb7815
    ============  =====================  =====================================================================
    (provinces / districts / wards; 0.6.0 data retrieved 2025-01-04). Names come from the newest
    release that has the code.

    Licence: 0.2 and 0.4.0 declare GPL-3.0-or-later, 0.6.0 and 2025.x declare none. Only codes and
    official unit names are copied: facts of a state code list (QĐ 124/2004 and its GSO updates), which
    the Law on Intellectual Property (Art 15) leaves outside copyright. No code of the package is copied.

Usage (needs PyPI; run from the repository root)::

    pip download --no-deps -d /tmp/vp vietnam-provinces==0.2 vietnam-provinces==0.4.0 \\
        vietnam-provinces==0.6.0      # pip downloads one requirement per call: repeat per version
    python scripts/gen_retired_units.py /tmp/vp/vietnam_provinces-*.whl

The current lists (to split kept from retired ward codes) come from ``conformance.codelists``, i.e.
the installed ``vietnam-provinces`` 2025 release. Output is deterministic: same wheels, same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conformance import codelists  # noqa: E402  (needs the repo root on sys.path)

KNOWN_WHEELS = {
    "c0e9d318c14f7e5f3d531ede9a0ae67c80d46faab12b69d203481917e90d85c5": "0.2",
    "eb26eb8346906f48a8439c8936a59163d6a67a753691fed4028e22f07fc007f2": "0.4.0",
    "4b5772870efdcb7c58a64fbdc0e0c9ce497e67017a0c189dff99582ddadb7815": "0.6.0",
}
DATA_MEMBER = "vietnam_provinces/data/nested-divisions.json"
OUTPUT = ROOT / "conformance" / "builtin" / "data" / "retired_units.json"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def read_wheel(path: Path) -> tuple[str, str, list[dict[str, Any]]]:
    """(version, sha256, nested provinces) of one known wheel; refuses unknown files."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    version = KNOWN_WHEELS.get(digest)
    if version is None:
        raise SystemExit(f"{path}: sha256 {digest} is not a known vietnam-provinces 0.x wheel")
    with zipfile.ZipFile(path) as wheel:
        provinces: list[dict[str, Any]] = json.loads(wheel.read(DATA_MEMBER))
    return version, digest, provinces


def collect(wheels: list[Path]) -> dict[str, Any]:
    """Union the wheels' lists, oldest first so the newest name wins."""
    loaded = sorted((read_wheel(path) for path in wheels), key=lambda item: _version_key(item[0]))
    provinces: dict[str, str] = {}
    districts: dict[str, dict[str, str]] = {}
    wards: set[str] = set()
    for _version, _digest, nested in loaded:
        for province in nested:
            pcode = f"{province['code']:02d}"
            provinces[pcode] = province["name"]
            for district in province["districts"]:
                districts[f"{district['code']:03d}"] = {"name": district["name"], "province": pcode}
                wards.update(f"{ward['code']:05d}" for ward in district["wards"])
    current = codelists.commune_codes()
    return {
        "provenance": {
            "package": "vietnam-provinces",
            "versions": [version for version, _, _ in loaded],
            "sha256": {version: digest for version, digest, _ in loaded},
            "source": "General Statistics Office lists under QĐ 124/2004/QĐ-TTg, as packaged on PyPI",
            "generator": "scripts/gen_retired_units.py",
        },
        "provinces": dict(sorted(provinces.items())),
        "districts": dict(sorted(districts.items())),
        "wards_retired": sorted(wards - current),
        "wards_kept": sorted(wards & current),
    }


def render(data: dict[str, Any]) -> str:
    """JSON with one entry per line for provinces/districts and one line per ward list (small diffs)."""
    lines = ["{"]
    lines.append(f' "provenance": {json.dumps(data["provenance"], ensure_ascii=False, sort_keys=True)},')
    for key in ("provinces", "districts"):
        entries = [
            f"  {json.dumps(code)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
            for code, value in data[key].items()
        ]
        lines.append(f' "{key}": {{\n' + ",\n".join(entries) + "\n },")
    lines.append(f' "wards_retired": {json.dumps(data["wards_retired"], separators=(",", ":"))},')
    lines.append(f' "wards_kept": {json.dumps(data["wards_kept"], separators=(",", ":"))}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("wheels", nargs="+", type=Path, help="vietnam-provinces 0.x wheel files")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(collect(args.wheels))
    json.loads(text)  # the hand-written layout must still be valid JSON
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
