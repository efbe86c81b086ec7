"""What a result means, computed once so every reporter (HTML, Markdown, JUnit, SARIF) agrees.

``verdict`` decides readiness for onboarding; ``matrix`` groups outcomes by requirement and area;
``AREAS`` and ``STATUS_LABELS`` hold the bilingual titles every human-readable reporter shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Finding, Outcome, RuleSpec, RunResult, Severity, Status

# Matrix column order: what a reviewer reads left to right, from good to needs-attention.
STATUS_ORDER: tuple[Status, ...] = (
    Status.PASSED,
    Status.FAILED,
    Status.WAIVED,
    Status.NOT_APPLICABLE,
    Status.MANUAL,
    Status.SKIPPED,
    Status.ERROR,
)

STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "passed": "Passed",
        "failed": "Failed",
        "waived": "Waived",
        "not_applicable": "Not applicable",
        "manual": "Manual evidence needed",
        "skipped": "Skipped",
        "error": "Could not check",
    },
    "vi": {
        "passed": "Đạt",
        "failed": "Không đạt",
        "waived": "Được miễn trừ",
        "not_applicable": "Không áp dụng",
        "manual": "Cần minh chứng thủ công",
        "skipped": "Bỏ qua",
        "error": "Không kiểm tra được",
    },
}

SEVERITY_LABELS: dict[str, dict[str, str]] = {
    "en": {"error": "Error", "warning": "Warning", "info": "Info"},
    "vi": {"error": "Nghiêm trọng", "warning": "Cảnh báo", "info": "Thông tin"},
}

CONFIDENCE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "confirmed": "Confirmed (primary source)",
        "confirmed-secondary": "Confirmed (secondary source)",
        "observed": "Observed in practice",
        "inferred": "Inferred",
        "assumption": "Assumption",
    },
    "vi": {
        "confirmed": "Đã xác nhận (nguồn gốc)",
        "confirmed-secondary": "Đã xác nhận (nguồn thứ cấp)",
        "observed": "Quan sát thực tế",
        "inferred": "Suy luận",
        "assumption": "Giả định",
    },
}

# Framework areas (RuleSpec.area ids) in the order the report lists them; unknown ids follow, by id.
AREAS: dict[str, dict[str, str]] = {
    "structure": {"en": "OpenAPI description", "vi": "Mô tả OpenAPI"},
    "documentation": {"en": "Documentation", "vi": "Tài liệu hoá"},
    "extensions": {"en": "x-vn-* OpenAPI extensions", "vi": "Phần mở rộng OpenAPI x-vn-*"},
    "security": {"en": "Safety, security and confidentiality", "vi": "An toàn, an ninh và bảo mật"},
    "auth": {"en": "Authentication and authorisation", "vi": "Xác thực và phân quyền"},
    "transport": {"en": "Transport and HTTP", "vi": "Truyền tải và HTTP"},
    "data": {"en": "Data formats and encoding", "vi": "Định dạng và mã hoá dữ liệu"},
    "identifiers": {"en": "Identifiers", "vi": "Mã định danh"},
    "national_ids": {"en": "National identification numbers", "vi": "Số định danh quốc gia"},
    "codelists": {"en": "Shared code lists", "vi": "Danh mục dùng chung"},
    "errors": {"en": "Errors and status codes", "vi": "Lỗi và mã trạng thái"},
    "exchange": {"en": "Data exchange messages", "vi": "Gói tin trao đổi dữ liệu"},
    "platform": {"en": "Platforms and registration (NDXP, LGSP, NDOP, V-APEX)",
                 "vi": "Nền tảng và đăng ký (NDXP, LGSP, NDOP, V-APEX)"},
    "dvcqg": {"en": "National Public Service Portal (DVCQG)", "vi": "Cổng Dịch vụ công quốc gia (DVCQG)"},
    "vneid": {"en": "Electronic identification (VNeID)", "vi": "Định danh điện tử (VNeID)"},
    "privacy": {"en": "Personal data protection", "vi": "Bảo vệ dữ liệu cá nhân"},
    "architecture": {"en": "Architecture and dependency map", "vi": "Kiến trúc và bản đồ kết nối"},
    "live": {"en": "Live behaviour", "vi": "Hành vi khi vận hành"},
}


def area_title(area: str, lang: str) -> str:
    titles = AREAS.get(area)
    if titles is None:
        return area or ("Other" if lang == "en" else "Khác")
    return titles["vi" if lang == "vi" else "en"]


def _area_rank(area: str) -> tuple[int, str]:
    order = list(AREAS)
    return (order.index(area), "") if area in order else (len(order), area)


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason the system is not ready: a rule that failed (or crashed) at error severity."""

    rule: str
    subject: str
    status: Status
    findings: int  # blocking (unwaived, error-severity) findings; 0 for an error outcome
    requirements: tuple[str, ...] = ()


def _blocking_findings(o: Outcome) -> list[Finding]:
    return [f for f in o.findings if f.waiver is None and f.severity is Severity.ERROR]


def verdict(result: RunResult) -> tuple[bool, list[Blocker]]:
    """Ready iff no failed outcome has an unwaived error-severity finding and no error-severity
    outcome errored (a rule that could not run proves nothing, so it blocks like a failure)."""
    rules = {r.id: r for r in result.rules}
    reasons: list[Blocker] = []
    for o in sorted(result.outcomes, key=Outcome.sort_key):
        reqs = rules[o.rule].requirements if o.rule in rules else ()
        if o.status is Status.ERROR and o.severity is Severity.ERROR:
            reasons.append(Blocker(o.rule, o.subject, o.status, 0, reqs))
        elif o.status is Status.FAILED:
            n = len(_blocking_findings(o))
            if n:
                reasons.append(Blocker(o.rule, o.subject, o.status, n, reqs))
    return (not reasons, reasons)


@dataclass(slots=True)
class MatrixRow:
    requirement: str  # a VN-API id, or the rule id for rules that cite no requirement
    area: str
    rules: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in STATUS_ORDER})

    @property
    def worst(self) -> str:
        """The cell a reader should look at first: error/failed beat manual beat passed."""
        for status in ("error", "failed", "manual", "waived", "skipped", "passed", "not_applicable"):
            if self.counts[status]:
                return status
        return "not_applicable"


def matrix(result: RunResult) -> list[tuple[str, list[MatrixRow]]]:
    """Rows by requirement, grouped by area: [(area, rows sorted by requirement id)], areas in
    framework order. A requirement checked by rules of several areas sits under the first area."""
    rules = {r.id: r for r in result.rules}
    rows: dict[str, MatrixRow] = {}
    for rule in sorted(result.rules, key=lambda r: (_area_rank(r.area), r.id)):
        for req in rule.requirements or (rule.id,):
            row = rows.setdefault(req, MatrixRow(req, rule.area))
            row.rules.append(rule.id)
    for o in result.outcomes:
        rule = rules.get(o.rule)
        for req in (rule.requirements or (rule.id,)) if rule else (o.rule,):
            row = rows.setdefault(req, MatrixRow(req, rule.area if rule else ""))
            row.counts[o.status.value] += 1
    groups: dict[str, list[MatrixRow]] = {}
    for row in rows.values():
        groups.setdefault(row.area, []).append(row)
    return [
        (area, sorted(groups[area], key=lambda r: r.requirement)) for area in sorted(groups, key=_area_rank)
    ]


def status_counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    counts = {s.value: 0 for s in STATUS_ORDER}
    for o in outcomes:
        counts[o.status.value] += 1
    return counts


def rule_index(result: RunResult) -> dict[str, RuleSpec]:
    return {r.id: r for r in result.rules}


def finding_message(f: Finding, lang: str) -> str:
    return f.message_vi if lang == "vi" and f.message_vi else f.message


def where(f: Finding, subject: str = "") -> str:
    """A one-line human location: file:line:col, METHOD /path, or system -> peer."""
    loc = f.location
    if loc.file or (loc.line and subject):
        text = loc.file or subject
        if loc.line:
            text += f":{loc.line}" + (f":{loc.column}" if loc.column else "")
        return text
    if loc.method or loc.path:
        return f"{(loc.method or '').upper()} {loc.path or loc.url or ''}".strip()
    if loc.url:
        return loc.url
    if loc.system:
        return loc.system + (f" → {loc.peer}" if loc.peer else "")
    return subject


# XML 1.0 and HTML both reject C0 controls (but tab, LF, CR) and lone surrogates; UTF-8 encoding
# fails on the latter. Hostile specs carry both, so every reporter passes text through ``clean``.
_BAD = {c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF)}
_BAD.update({c: "\ufffd" for c in range(0xD800, 0xE000)})


def clean(text: object) -> str:
    """The text with controls, noncharacters and lone surrogates replaced by U+FFFD."""
    return str(text).translate(_BAD)
