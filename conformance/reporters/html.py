"""The HTML report: one self-contained file a ministry can hand to a vendor.

The only module that imports jinja2. Everything from a spec, a response or a result file is
escaped by autoescape; the one ``|safe`` is the dependency-map fragment from ``extras["graph_html"]``,
which our own graph reporter builds. Data for the filter script travels in a
``<script type="application/json">`` block encoded by ``_script_json`` so ``</script>`` in data
cannot end the block. A Content-Security-Policy with a nonce derived from the result bytes allows
only the report's own style and script, and keeps the output deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..model import Outcome, RunResult, Severity, Status
from . import json as json_report
from .verdict import (
    CONFIDENCE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    STATUS_ORDER,
    area_title,
    clean,
    finding_message,
    matrix,
    rule_index,
    status_counts,
    verdict,
    where,
)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Integration readiness report",
        "skip": "Skip to findings",
        "agency": "Conformance assessment for connection to the national integration platforms",
        "platforms": "NDXP · LGSP · NDOP · DVCQG · VNeID",
        "profile": "Profile",
        "digest": "Profile digest",
        "generated": "Generated at",
        "tool": "Tool",
        "result_digest": "Result checksum (SHA-256)",
        "subjects": "Systems and documents checked",
        "log_tail": "Last log lines of the system under test",
        "subject": "Subject",
        "kind": "Kind",
        "version": "Version",
        "sha": "SHA-256",
        "verdict": "Verdict",
        "ready": "READY for onboarding",
        "not_ready": "NOT READY for onboarding",
        "ready_why": "No rule of profile {profile} failed or could not run at error severity.",
        "not_ready_why": "{n} blocking result(s) under profile {profile}: rules that failed with "
        "error-severity findings or could not be checked.",
        "blockers": "Blocking results",
        "findings_n": "{n} blocking finding(s)",
        "could_not_run": "could not run",
        "summary": "Summary",
        "outcomes": "Rule outcomes",
        "findings_by_sev": "Open findings by severity",
        "matrix": "Conformance matrix by requirement",
        "requirement": "Requirement",
        "rules": "Rules",
        "matrix_note": "Each cell counts (rule, subject) outcomes for the requirement.",
        "findings": "Findings and results needing attention",
        "filters": "Filter findings",
        "status": "Status",
        "severity": "Severity",
        "area": "Area",
        "search": "Search",
        "all": "All",
        "search_ph": "rule, requirement, path, text…",
        "shown": "Showing {shown} of {total}",
        "none": "No findings: every rule passed, was waived or does not apply.",
        "location": "Location",
        "excerpt": "Specification excerpt",
        "evidence": "Live evidence (redacted)",
        "citation": "Legal and technical basis",
        "confidence": "Confidence of the source",
        "waiver": "Waiver",
        "reason": "Reason",
        "rule_summary": "Rule",
        "dependency_map": "Dependency map",
        "appendix": "Appendix: rules applied",
        "rationale": "Rationale",
        "no_requirement": "—",
        "footer": "Produced by {tool} {version}. The same result always renders to the same bytes; "
        "compare the checksum above with the result file to verify this copy.",
        "line": "line",
        "overall": "Result",
        "kind_spec": "OpenAPI description",
        "kind_endpoint": "Running service",
        "kind_inventory": "System inventory",
        "w_approved_by": "Approved by",
        "w_reason": "Reason",
        "w_ticket": "Reference",
        "w_until": "Valid until",
        "w_expires": "Valid until",
        "sev_conf": "Severity / confidence",
        "rule_text": "What the rule checks",
    },
    "vi": {
        "title": "Báo cáo đánh giá mức độ sẵn sàng kết nối",
        "skip": "Chuyển tới các phát hiện",
        "agency": "Đánh giá sự phù hợp để kết nối với các nền tảng tích hợp, chia sẻ dữ liệu quốc gia",
        "platforms": "NDXP · LGSP · NDOP · DVCQG · VNeID",
        "profile": "Hồ sơ yêu cầu",
        "digest": "Mã băm hồ sơ",
        "generated": "Thời điểm lập",
        "tool": "Công cụ",
        "result_digest": "Mã kiểm tra kết quả (SHA-256)",
        "subjects": "Hệ thống và tài liệu được kiểm tra",
        "log_tail": "Các dòng nhật ký cuối của hệ thống được kiểm tra",
        "subject": "Đối tượng",
        "kind": "Loại",
        "version": "Phiên bản",
        "sha": "SHA-256",
        "verdict": "Kết luận",
        "ready": "ĐỦ ĐIỀU KIỆN kết nối",
        "not_ready": "CHƯA ĐỦ ĐIỀU KIỆN kết nối",
        "ready_why": "Không có quy tắc nào của hồ sơ {profile} ở mức nghiêm trọng bị vi phạm "
        "hoặc không kiểm tra được.",
        "not_ready_why": "{n} kết quả chặn theo hồ sơ {profile}: quy tắc không đạt với phát hiện mức "
        "nghiêm trọng hoặc không kiểm tra được.",
        "blockers": "Các kết quả chặn",
        "findings_n": "{n} phát hiện nghiêm trọng",
        "could_not_run": "không kiểm tra được",
        "summary": "Tổng hợp",
        "outcomes": "Kết quả theo quy tắc",
        "findings_by_sev": "Phát hiện còn mở theo mức độ",
        "matrix": "Ma trận phù hợp theo yêu cầu",
        "requirement": "Yêu cầu",
        "rules": "Quy tắc",
        "matrix_note": "Mỗi ô đếm số kết quả (quy tắc, đối tượng) của yêu cầu.",
        "findings": "Các phát hiện và kết quả cần xử lý",
        "filters": "Lọc phát hiện",
        "status": "Trạng thái",
        "severity": "Mức độ",
        "area": "Lĩnh vực",
        "search": "Tìm kiếm",
        "all": "Tất cả",
        "search_ph": "quy tắc, yêu cầu, đường dẫn, nội dung…",
        "shown": "Hiển thị {shown} trên {total}",
        "none": "Không có phát hiện: mọi quy tắc đều đạt, được miễn trừ hoặc không áp dụng.",
        "location": "Vị trí",
        "excerpt": "Trích đoạn đặc tả",
        "evidence": "Bằng chứng vận hành (đã che thông tin nhạy cảm)",
        "citation": "Căn cứ pháp lý và kỹ thuật",
        "confidence": "Độ tin cậy của nguồn",
        "waiver": "Miễn trừ",
        "reason": "Lý do",
        "rule_summary": "Quy tắc",
        "dependency_map": "Bản đồ phụ thuộc",
        "appendix": "Phụ lục: các quy tắc đã áp dụng",
        "rationale": "Cơ sở",
        "no_requirement": "—",
        "footer": "Lập bởi {tool} {version}. Cùng một kết quả luôn cho cùng một tệp báo cáo; đối chiếu mã "
        "kiểm tra ở trên với tệp kết quả để xác minh bản này.",
        "line": "dòng",
        "overall": "Kết quả",
        "kind_spec": "Bản mô tả OpenAPI",
        "kind_endpoint": "Dịch vụ đang chạy",
        "kind_inventory": "Danh mục hệ thống",
        "w_approved_by": "Người phê duyệt",
        "w_reason": "Lý do",
        "w_ticket": "Số hồ sơ",
        "w_until": "Hiệu lực đến",
        "w_expires": "Hiệu lực đến",
        "sev_conf": "Mức độ / độ tin cậy",
        "rule_text": "Nội dung quy tắc",
    },
}

_EVIDENCE_MAX = 20_000
# Defence in depth: live evidence is redacted upstream, but a report must never be the place a
# credential leaks, so header values and token parameters are masked again here.
_SECRET_HEADER = re.compile(
    r"(?im)^(\s*(?:-H\s+['\"]?)?(?:authorization|proxy-authorization|cookie|set-cookie|"
    r"x-api-key|api-key|x-auth-token)\s*:\s*)[^\r\n'\"]+"
)
_SECRET_PARAM = re.compile(
    r"(?i)((?:access_token|id_token|refresh_token|client_secret|password|api_key|"
    r"apikey|token|session)=)[^&\s'\"]+"
)


def redact(text: str) -> str:
    return _SECRET_PARAM.sub(r"\1[REDACTED]", _SECRET_HEADER.sub(r"\1[REDACTED]", text))


def _script_json(data: Any) -> str:
    """JSON safe inside <script>: no <, >, & or line separators survive unescaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _safe_url(url: str) -> str:
    return url if re.match(r"(?i)^https?://[^\s\"'<>]+$", url) else ""


def _evidence(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    ev = details.get("evidence")
    if ev is None:
        return []
    items = (
        sorted(ev.items(), key=lambda kv: ({"request": 0, "response": 1, "curl": 2}.get(kv[0], 3), kv[0]))
        if isinstance(ev, Mapping)
        else [("evidence", ev)]
    )
    out = []
    for key, value in items:
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)
        )
        if len(text) > _EVIDENCE_MAX:
            text = text[:_EVIDENCE_MAX] + "\n…"
        out.append((clean(key), clean(redact(text))))
    return out


def _item(
    o: Outcome, f: Any, rules: Mapping[str, Any], lang: str, excerpts: Mapping[Any, Any]
) -> dict[str, Any]:
    rule = rules.get(o.rule)
    status = Status.WAIVED.value if f is not None and f.waiver else o.status.value
    severity = (f.severity if f is not None else o.severity).value
    excerpt: list[dict[str, Any]] = []
    if f is not None and f.location.file and f.location.line:
        excerpt = [
            {"n": n, "text": clean(t), "hit": n == f.location.line}
            for n, t in excerpts.get((f.location.file, f.location.line), ())
        ]
    return {
        "status": status,
        "severity": severity,
        "area": clean(rule.area) if rule else "",
        "rule": clean(o.rule),
        "rule_name": clean(rule.name) if rule else "",
        "summary": clean(rule.summary.get(lang)) if rule else "",
        "requirements": [clean(r) for r in (rule.requirements if rule else ())],
        "subject": clean(o.subject),
        "where": clean(where(f, o.subject)) if f is not None else clean(o.subject),
        "message": clean(finding_message(f, lang) if f is not None else o.reason),
        "excerpt": excerpt,
        "evidence": _evidence(f.details) if f is not None else [],
        "citations": [
            {"instrument": clean(c.instrument), "section": clean(c.section), "url": clean(_safe_url(c.url))}
            for c in (rule.citations if rule else ())
        ],
        "confidence": CONFIDENCE_LABELS[lang].get(rule.confidence.value, "") if rule else "",
        "waiver": sorted(
            (clean(LABELS[lang].get(f"w_{k}", k)), clean(v)) for k, v in (f.waiver or {}).items()
        )
        if f is not None
        else [],
    }


def _items(result: RunResult, lang: str, excerpts: Mapping[Any, Any]) -> list[dict[str, Any]]:
    rules = rule_index(result)
    items = []
    for o in result.outcomes:
        if o.findings:
            items += [_item(o, f, rules, lang, excerpts) for f in sorted(o.findings, key=lambda f: f.key())]
        elif o.status in (Status.ERROR, Status.MANUAL, Status.FAILED, Status.WAIVED):
            items.append(_item(o, None, rules, lang, excerpts))
    status_rank = {"failed": 0, "error": 1, "manual": 2, "waived": 3, "skipped": 4}
    sev_rank = {s.value: -s.rank for s in Severity}
    # What blocks onboarding first: by severity, then failed before could-not-run before manual.
    items.sort(
        key=lambda i: (
            sev_rank[i["severity"]],
            status_rank.get(i["status"], 5),
            i["rule"],
            i["subject"],
            i["where"],
            i["message"],
        )
    )
    for n, item in enumerate(items, 1):
        item["id"] = f"f{n}"
    return items


def _nonce(result_json: str, lang: str) -> str:
    digest = hashlib.sha256(f"{lang}\0{result_json}".encode("utf-8", "surrogatepass")).digest()
    return base64.b64encode(digest[:18]).decode("ascii")


def report_nonce(result: RunResult, *, lang: str = "vi") -> str:
    """The CSP nonce ``render`` uses by default: a hash of the result, so the same inputs give the
    same bytes. A fragment with its own <style>/<script> (the dependency map) must carry it."""
    return _nonce(json_report.dumps(result), "en" if lang == "en" else "vi")


def _graph(fragment: str | Callable[[str], str] | None, nonce: str) -> str:
    """``extras["graph_html"]`` is trusted HTML, or a function of the nonce that returns it."""
    if fragment is None:
        return ""
    return fragment(nonce) if callable(fragment) else str(fragment)


_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(
            loader=PackageLoader("conformance.reporters", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def render(
    result: RunResult, *, lang: str = "vi", extras: Mapping[str, Any] | None = None, nonce: str | None = None
) -> str:
    lang = "en" if lang == "en" else "vi"
    extras = extras or {}
    labels = LABELS[lang]
    result_json = json_report.dumps(result)
    result_sha = hashlib.sha256(result_json.encode("utf-8", "surrogatepass")).hexdigest()
    nonce = nonce or _nonce(result_json, lang)
    ready, blockers = verdict(result)
    profile = clean(f"{result.profile.name} {result.profile.version}")
    items = _items(result, lang, extras.get("excerpts") or {})
    rules = rule_index(result)
    groups = [
        {
            "area": clean(area),
            "title": clean(area_title(area, lang)),
            "rows": [
                {
                    "requirement": clean(r.requirement),
                    "rules": [
                        (clean(x), clean(rules[x].summary.get(lang)) if x in rules else "") for x in r.rules
                    ],
                    "counts": r.counts,
                    "worst": r.worst,
                }
                for r in rows
            ],
        }
        for area, rows in matrix(result)
    ]
    areas = sorted({(i["area"], clean(area_title(i["area"], lang))) for i in items}, key=lambda a: a[1])
    summary = result.summary()
    data = {
        "labels": {"shown": labels["shown"]},
        "index": [
            {
                "id": i["id"],
                "text": " ".join(
                    [i["rule"], i["rule_name"], *i["requirements"], i["where"], i["message"], i["subject"]]
                ).lower(),
            }
            for i in items
        ],
    }
    page = (
        _env()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            L=labels,
            S=STATUS_LABELS[lang],
            SEV=SEVERITY_LABELS[lang],
            nonce=nonce,
            status_order=[s.value for s in STATUS_ORDER],
            profile=profile,
            profile_digest=clean(result.profile.digest),
            generated_at=clean(result.generated_at),
            tool_version=clean(result.tool_version),
            result_sha=result_sha,
            subjects=[
                {
                    "id": clean(s.id),
                    "kind": clean(labels.get(f"kind_{s.kind}", s.kind)),
                    "title": clean(s.title or ""),
                    "version": clean(s.version or ""),
                    "sha": clean(s.sha256 or ""),
                    "url": clean(s.base_url or ""),
                    "log": [clean(line) for line in s.log_tail],
                }
                for s in result.subjects
            ],
            ready=ready,
            blockers=[
                {
                    "rule": clean(b.rule),
                    "subject": clean(b.subject),
                    "requirements": [clean(r) for r in b.requirements],
                    "text": labels["findings_n"].format(n=b.findings)
                    if b.findings
                    else labels["could_not_run"],
                }
                for b in blockers
            ],
            status_counts=status_counts(result.outcomes),
            sev_counts=summary["findings_by_severity"],
            groups=groups,
            items=items,
            areas=areas,
            filter_statuses=[
                s for s in ("failed", "error", "manual", "waived") if any(i["status"] == s for i in items)
            ],
            rules=[
                {
                    "id": clean(r.id),
                    "name": clean(r.name),
                    "summary": clean(r.summary.get(lang)),
                    "rationale": clean(r.rationale.get(lang)),
                    "requirements": [clean(x) for x in r.requirements],
                    "severity": r.severity.value,
                    "confidence": CONFIDENCE_LABELS[lang].get(r.confidence.value, ""),
                    "citations": [
                        {
                            "instrument": clean(c.instrument),
                            "section": clean(c.section),
                            "url": clean(_safe_url(c.url)),
                        }
                        for c in r.citations
                    ],
                }
                for r in sorted(result.rules, key=lambda r: r.id)
            ],
            graph_html=_graph(
                extras.get("graph_html"), nonce
            ),  # trusted: built by our graph view; |safe there
            data_json=Markup(_script_json(data)),  # already safe for a script block, see _script_json
        )
    )
    return clean(page)  # a safety net: no field can smuggle a control char or lone surrogate through
