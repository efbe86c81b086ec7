"""The batch dashboard: one self-contained HTML page over a batch roll-up (``batch.rollup``).

No script, no external resource (a Content-Security-Policy forbids every fetch); everything from
specs or the inventory is escaped by autoescape and passed through ``verdict.clean``. Same roll-up,
same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .verdict import clean

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Onboarding queue: conformance dashboard", "kicker": "Batch conformance run",
        "profile": "Profile", "generated": "Generated", "source": "Input", "tool": "Tool",
        "systems": "Systems", "ready": "Ready", "not_ready": "Not ready", "error": "Could not check",
        "no_spec": "No spec", "errors": "Errors", "warnings": "Warnings", "info": "Info",
        "by_province": "By province", "by_agency": "By agency", "top_rules": "Most frequent failing rules",
        "all_systems": "Systems", "province": "Province", "agency": "Agency", "system": "System",
        "status": "Status", "rule": "Rule", "findings": "Findings", "failing": "Failing rules",
        "result": "Result", "kind": "Kind", "share": "Share ready", "none": "None", "unknown": "(unknown)",
        "note": "Errors count unwaived error-severity findings and rules that could not run; a system is "
                "ready when it has none. Per-system results are JSON files next to this page.",
    },
    "vi": {
        "title": "Hàng đợi kết nối: bảng tổng hợp kiểm tra tuân thủ", "kicker": "Kiểm tra hàng loạt",
        "profile": "Bộ tiêu chí", "generated": "Thời điểm", "source": "Đầu vào", "tool": "Công cụ",
        "systems": "Hệ thống", "ready": "Sẵn sàng", "not_ready": "Chưa sẵn sàng",
        "error": "Không kiểm tra được",
        "no_spec": "Chưa có đặc tả", "errors": "Lỗi", "warnings": "Cảnh báo", "info": "Thông tin",
        "by_province": "Theo tỉnh, thành phố", "by_agency": "Theo cơ quan",
        "top_rules": "Quy tắc vi phạm nhiều nhất",
        "all_systems": "Danh sách hệ thống", "province": "Tỉnh", "agency": "Cơ quan", "system": "Hệ thống",
        "status": "Trạng thái", "rule": "Quy tắc", "findings": "Phát hiện", "failing": "Quy tắc không đạt",
        "result": "Kết quả", "kind": "Loại", "share": "Tỷ lệ sẵn sàng", "none": "Không có",
        "unknown": "(chưa rõ)",
        "note": "Lỗi gồm các phát hiện mức nghiêm trọng chưa được miễn trừ và các quy tắc không chạy được; "
                "hệ thống sẵn sàng khi không có lỗi. Kết quả từng hệ thống là tệp JSON cạnh trang này.",
    },
}

_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=PackageLoader("conformance.reporters", "templates"), autoescape=True,
                           undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                           lstrip_blocks=True)
    return _ENV


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def render(rollup: Mapping[str, Any], *, lang: str = "vi", extras: Mapping[str, Any] | None = None) -> str:
    lang = "en" if lang == "en" else "vi"
    data = _clean(dict(rollup))
    totals = data["totals"]
    bar = [(s, totals[s], _pct(totals[s], totals["systems"]))
           for s in ("ready", "not_ready", "error", "no_spec")]
    return _env().get_template("dashboard.html.j2").render(
        lang=lang, t=LABELS[lang], d=data, bar=bar, pct=_pct)
