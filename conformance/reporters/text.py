"""Terminal output: one line per finding (file:line:col: severity rule [requirements] message)."""

from __future__ import annotations

from ..model import RunResult, Status

_WORDS = {
    "en": {"passed": "passed", "failed": "failed", "error": "error", "skipped": "skipped",
           "not_applicable": "not applicable", "waived": "waived", "manual": "manual",
           "summary": "{rules} rules on {subjects} subject(s): {statuses}; findings: {findings}",
           "none": "none", "reason": "reason"},
    "vi": {"passed": "đạt", "failed": "không đạt", "error": "lỗi", "skipped": "bỏ qua",
           "not_applicable": "không áp dụng", "waived": "được miễn trừ", "manual": "cần kiểm tra thủ công",
           "summary": "{rules} quy tắc trên {subjects} đối tượng: {statuses}; phát hiện: {findings}",
           "none": "không có", "reason": "lý do"},
}
_SEV_VI = {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"}


def render(result: RunResult, *, lang: str = "en", verbose: bool = False) -> str:
    words = _WORDS["vi" if lang == "vi" else "en"]
    rules = {r.id: r for r in result.rules}
    lines: list[str] = []
    for o in result.outcomes:
        reqs = ",".join(rules[o.rule].requirements) if o.rule in rules else ""
        if o.status is Status.ERROR:
            lines.append(f"{o.subject}: {words['error']} {o.rule} [{reqs}] {o.reason}")
        elif o.status is Status.SKIPPED and verbose:
            lines.append(f"{o.subject}: {words['skipped']} {o.rule}: {o.reason}")
        for f in o.findings:
            loc = f.location
            where = loc.file or o.subject
            if loc.line:
                where += f":{loc.line}:{loc.column or 1}"
            elif loc.method:
                where += f" {loc.method.upper()} {loc.path or ''}".rstrip()
            elif loc.system:
                where += f" {loc.system}" + (f" -> {loc.peer}" if loc.peer else "")
            sev = _SEV_VI[f.severity.value] if lang == "vi" else f.severity.value
            msg = f.message_vi if lang == "vi" and f.message_vi else f.message
            waived = " (waived)" if f.waiver else ""
            lines.append(f"{where}: {sev} {f.rule} [{reqs}] {msg}{waived}")
    s = result.summary()
    statuses = ", ".join(f"{n} {words[k]}" for k, n in s["by_status"].items() if n)
    sev = s["findings_by_severity"]
    findings = ", ".join(f"{n} {(_SEV_VI[k] if lang == 'vi' else k)}" for k, n in sev.items() if n) or words["none"]
    lines.append(words["summary"].format(rules=len({o.rule for o in result.outcomes}), subjects=len(result.subjects),
                                         statuses=statuses or words["none"], findings=findings))
    return "\n".join(lines) + "\n"
