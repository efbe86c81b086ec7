"""RunResults for the reporter goldens, built by hand so they cover every status, area and
location kind and do not churn as the rule catalogue grows."""

from __future__ import annotations

import os

from conformance.model import (
    Citation,
    Confidence,
    Finding,
    Kind,
    Location,
    Outcome,
    ProfileInfo,
    RuleSpec,
    RunResult,
    Severity,
    Status,
    Subject,
    Text,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "fixtures", "reports")
STAMP = "2026-01-01T00:00:00Z"
PROFILE = ProfileInfo(name="vn-full", version="2026.11.0", digest="sha256:" + "0f" * 32)
LEGACY = "specs/legacy-dvcqg-adapter/openapi.yaml"
ONE_STOP = "specs/provincial-one-stop/openapi.yaml"
LIVE = "live:https://motcua-staging.example.gov.vn"
QCVN = Citation(instrument="QCVN 120:2019/BTTTT", section="2.3")
NDXP = Citation(instrument="NĐ 194/2025/NĐ-CP", section="Điều 12 khoản 2")


def rule(
    id: str,
    name: str,
    area: str,
    kind: Kind,
    reqs: tuple[str, ...],
    en: str,
    vi: str,
    confidence: Confidence = Confidence.CONFIRMED,
    severity: Severity | None = None,
    citations: tuple[Citation, ...] = (QCVN,),
) -> RuleSpec:
    return RuleSpec(
        id=id,
        name=name,
        kind=kind,
        target="document",
        check=name,
        area=area,
        summary=Text(en=en, vi=vi),
        rationale=Text(en="Why: " + en, vi="Vì: " + vi),
        requirements=reqs,
        citations=citations,
        confidence=confidence,
        severity=severity or confidence.default_severity(),
        tags=(area,),
    )


RULES = (
    rule(
        "STR001",
        "openapi-document-valid",
        "structure",
        Kind.STATIC,
        ("VN-API-076",),
        "The document is a valid OpenAPI description.",
        "Tài liệu là bản mô tả OpenAPI hợp lệ.",
        Confidence.INFERRED,
        Severity.ERROR,
        (
            Citation(
                instrument="OpenAPI Specification", section="3.1.x", url="https://spec.openapis.org/oas/"
            ),
        ),
    ),
    rule(
        "SEC001",
        "https-only",
        "security",
        Kind.STATIC,
        ("VN-API-010",),
        "Every server URL uses HTTPS.",
        "Mọi địa chỉ máy chủ dùng HTTPS.",
        citations=(QCVN, NDXP),
    ),
    rule(
        "SEC004",
        "no-credentials-in-query",
        "security",
        Kind.STATIC,
        ("VN-API-012",),
        "Credentials and session tokens are never sent in the query string.",
        "Thông tin xác thực và phiên không được gửi trong chuỗi truy vấn.",
    ),
    rule(
        "ERR001",
        "errors-use-http-status",
        "errors",
        Kind.STATIC,
        ("VN-API-031",),
        "Failures are signalled by HTTP status codes, not by error_code in a 200 body.",
        "Lỗi được báo bằng mã trạng thái HTTP, không bằng error_code trong phản hồi 200.",
        Confidence.OBSERVED,
    ),
    rule(
        "IDN002",
        "personal-id-12-digits",
        "identifiers",
        Kind.STATIC,
        ("VN-API-041", "VN-API-042"),
        "Personal identification numbers are 12 digits.",
        "Số định danh cá nhân gồm 12 chữ số.",
    ),
    rule(
        "IDN005",
        "two-level-admin-units",
        "identifiers",
        Kind.STATIC,
        ("VN-API-044",),
        "Addresses use the two-level province–commune model.",
        "Địa chỉ dùng mô hình hai cấp tỉnh – xã.",
        citations=(Citation(instrument="QĐ 19/2025/QĐ-TTg"),),
    ),
    rule(
        "DOC003",
        "operations-have-examples",
        "documentation",
        Kind.STATIC,
        ("VN-API-078",),
        "Every operation documents an example request and response.",
        "Mọi thao tác đều có ví dụ yêu cầu và phản hồi.",
        Confidence.ASSUMPTION,
    ),
    rule(
        "PLT002",
        "lgsp-service-registered",
        "platform",
        Kind.STATIC,
        ("VN-API-090",),
        "The service declares its LGSP/NDXP registry id.",
        "Dịch vụ khai báo mã đăng ký trên LGSP/NDXP.",
        Confidence.CONFIRMED_SECONDARY,
        citations=(NDXP,),
    ),
    rule(
        "DVC001",
        "dossier-status-sync",
        "dvcqg",
        Kind.STATIC,
        ("VN-API-101",),
        "Dossier status changes are synchronised to DVCQG.",
        "Thay đổi trạng thái hồ sơ được đồng bộ lên Cổng DVCQG.",
    ),
    rule(
        "PRV002",
        "personal-data-processing-record",
        "privacy",
        Kind.STATIC,
        ("VN-API-120",),
        "A record of personal data processing is kept for shared personal data.",
        "Có hồ sơ xử lý dữ liệu cá nhân đối với dữ liệu cá nhân được chia sẻ.",
        citations=(Citation(instrument="Luật Bảo vệ dữ liệu cá nhân 2025", section="Điều 21"),),
    ),
    rule(
        "LIV003",
        "live-errors-problem-json",
        "live",
        Kind.LIVE,
        ("VN-API-031",),
        "Error responses are application/problem+json.",
        "Phản hồi lỗi dùng application/problem+json.",
        Confidence.OBSERVED,
    ),
    rule(
        "ARC002",
        "no-dependency-cycles",
        "architecture",
        Kind.GRAPH,
        ("VN-API-130",),
        "System dependencies contain no cycles.",
        "Các phụ thuộc giữa hệ thống không tạo vòng.",
        Confidence.INFERRED,
    ),
)


def _f(rule: str, sev: Severity, en: str, vi: str, **loc: object) -> Finding:
    details = loc.pop("details", {})
    waiver = loc.pop("waiver", None)
    return Finding(
        rule=rule,
        severity=sev,
        message=en,
        message_vi=vi,
        location=Location(**loc),  # type: ignore[arg-type]
        details=details,
        waiver=waiver,
    )  # type: ignore[arg-type]


def _o(
    rule: str, subject: str, status: Status, sev: Severity, *findings: Finding, reason: str = ""
) -> Outcome:
    return Outcome(rule=rule, subject=subject, status=status, severity=sev, findings=findings, reason=reason)


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def agency() -> RunResult:
    """Two specs (one legacy, one conforming), a live endpoint and an inventory: not ready."""
    evidence = {
        "request": "GET /hoso/ZZZ HTTP/1.1\nHost: motcua-staging.example.gov.vn\n"
        "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.secret",
        "response": "HTTP/1.1 404 Not Found\nContent-Type: text/html\n\n<html><body><h1>Not Found</h1>"
        "<script>alert(1)</script></body></html>",
        "curl": "curl -H 'Authorization: Bearer eyJhbGciOi.secret' "
        "'https://motcua-staging.example.gov.vn/hoso/ZZZ?access_token=abc123'",
    }
    outcomes = [
        _o("STR001", LEGACY, Status.PASSED, E),
        _o("STR001", ONE_STOP, Status.PASSED, E),
        _o(
            "SEC001",
            LEGACY,
            Status.FAILED,
            E,
            _f(
                "SEC001",
                E,
                "Server URL http://10.20.30.40:8080/XrdAdapter/RestService does not use HTTPS.",
                "Địa chỉ máy chủ http://10.20.30.40:8080/XrdAdapter/RestService không dùng HTTPS.",
                file=LEGACY,
                pointer="/servers/0/url",
                line=16,
                column=10,
            ),
        ),
        _o("SEC001", ONE_STOP, Status.PASSED, E),
        _o(
            "SEC004",
            LEGACY,
            Status.FAILED,
            E,
            _f(
                "SEC004",
                E,
                "Parameter 'session' carries a session token in the query string.",
                "Tham số 'session' truyền mã phiên trong chuỗi truy vấn.",
                file=LEGACY,
                pointer="/paths/~1hoso/get/parameters/0",
                line=175,
                column=11,
            ),
        ),
        _o("SEC004", ONE_STOP, Status.PASSED, E),
        _o(
            "ERR001",
            LEGACY,
            Status.FAILED,
            W,
            _f(
                "ERR001",
                W,
                "Response 200 carries 'error_code': failures must use 4xx/5xx status codes.",
                "Phản hồi 200 chứa 'error_code': lỗi phải dùng mã trạng thái 4xx/5xx.",
                file=LEGACY,
                pointer="/paths/~1login/post/responses/200",
                line=43,
                column=19,
            ),
        ),
        _o("ERR001", ONE_STOP, Status.PASSED, W),
        _o(
            "IDN002",
            LEGACY,
            Status.FAILED,
            E,
            _f(
                "IDN002",
                E,
                "Field 'SoCMND' is a 9-digit CMND number; use the 12-digit personal id (SoDinhDanh).",
                "Trường 'SoCMND' là số CMND 9 chữ số; dùng số định danh cá nhân 12 chữ số (SoDinhDanh).",
                file=LEGACY,
                pointer="/components/schemas/CongDan/properties/SoCMND",
                line=266,
                column=9,
            ),
        ),
        _o("IDN002", ONE_STOP, Status.PASSED, E),
        _o(
            "IDN005",
            LEGACY,
            Status.WAIVED,
            E,
            _f(
                "IDN005",
                E,
                "Schema requires 'MaHuyen' (district code): districts were abolished on 1 July 2025.",
                "Lược đồ bắt buộc 'MaHuyen' (mã huyện): cấp huyện đã chấm dứt từ 01/7/2025.",
                file=LEGACY,
                pointer="/components/schemas/DiaChi/required",
                line=243,
                column=17,
                waiver={
                    "by": "Sở KH&CN tỉnh Nghệ An",
                    "reason": "Adapter is retired on 2026-06-30",
                    "ticket": "LGSP-2025-118",
                    "until": "2026-06-30",
                },
            ),
        ),
        _o("IDN005", ONE_STOP, Status.PASSED, E),
        _o(
            "DOC003",
            LEGACY,
            Status.FAILED,
            INFO,
            _f(
                "DOC003",
                INFO,
                "Operation POST /forward has no example request.",
                "Thao tác POST /forward không có ví dụ yêu cầu.",
                file=LEGACY,
                pointer="/paths/~1forward/post",
                line=50,
                column=5,
            ),
        ),
        _o("DOC003", ONE_STOP, Status.PASSED, INFO),
        _o("PLT002", LEGACY, Status.NOT_APPLICABLE, W, reason="not published through LGSP"),
        _o("PLT002", ONE_STOP, Status.PASSED, W),
        _o("DVC001", LEGACY, Status.SKIPPED, E, reason="document failed OAS000; rule needs a valid document"),
        _o("DVC001", ONE_STOP, Status.PASSED, E),
        _o(
            "PRV002",
            ONE_STOP,
            Status.MANUAL,
            E,
            reason="Attach the personal data processing record (hồ sơ xử lý dữ liệu cá nhân).",
        ),
        _o(
            "LIV003",
            LIVE,
            Status.FAILED,
            W,
            _f(
                "LIV003",
                W,
                "GET /hoso/{MaHoSo} answered 404 with text/html instead of application/problem+json.",
                "GET /hoso/{MaHoSo} trả 404 dạng text/html thay vì application/problem+json.",
                method="get",
                path="/hoso/{MaHoSo}",
                operation_id="getHoSo",
                url="https://motcua-staging.example.gov.vn/hoso/ZZZ",
                details={"evidence": evidence},
            ),
        ),
        _o(
            "ARC002", "inventory:nghean", Status.ERROR, W, reason="inventory lists system 'lgsp-nghean' twice"
        ),
    ]
    subjects = (
        Subject(
            id=LEGACY,
            kind="spec",
            path=LEGACY,
            title="Bo dieu hop DVCQG - Mot cua dien tu (tai lieu cu)",
            version="3.0.3",
            sha256="a1" * 32,
        ),
        Subject(
            id=ONE_STOP,
            kind="spec",
            path=ONE_STOP,
            title="Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Nghệ An — API một cửa",
            version="3.1.0",
            sha256="b2" * 32,
        ),
        Subject(id=LIVE, kind="endpoint", base_url="https://motcua-staging.example.gov.vn"),
        Subject(id="inventory:nghean", kind="inventory", path="inventory/nghean.yaml"),
    )
    return RunResult(
        tool_version="0.1.0",
        profile=PROFILE,
        generated_at=STAMP,
        subjects=subjects,
        rules=RULES,
        outcomes=tuple(sorted(outcomes, key=Outcome.sort_key)),
        lang="en",
    )


def ready() -> RunResult:
    """The conforming spec alone: every rule passes or does not apply."""
    full = agency()
    outcomes = tuple(o for o in full.outcomes if o.subject == ONE_STOP and o.status is Status.PASSED)
    return RunResult(
        tool_version="0.1.0",
        profile=PROFILE,
        generated_at=STAMP,
        subjects=(full.subjects[1],),
        rules=tuple(r for r in RULES if any(o.rule == r.id for o in outcomes)),
        outcomes=outcomes,
    )


# Each string tries to run script; the payloads set window.__pwned so the browser test can tell.
XSS = (
    "<script>window.__pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "javascript:window.__pwned=3",
    "</script><script>window.__pwned=4</script>",
    "{{7*7}} {% raw %}${7*7}",
    "'--><svg onload=window.__pwned=5>",
    "ctrl:\x00\x01\x08\x0b\x0c\x1b\x7f lone:\ud800 \udfff sep:\u2028\u2029 end",
    "]]><!-- &amp; &lt;script&gt; \" ' `",
)


def hostile() -> RunResult:
    bad = " | ".join(XSS)
    path = 'specs/<script>window.__pwned=6</script>/"><img src=x onerror=window.__pwned=7>.yaml'
    rules = (
        RuleSpec(
            id="XSS001",
            name=bad,
            kind=Kind.STATIC,
            target="document",
            check="x",
            area=bad,
            summary=Text(en=bad, vi=bad),
            rationale=Text(en=bad),
            requirements=("VN-API-001",),
            citations=(
                Citation(instrument=bad, section=bad, url="javascript:window.__pwned=8"),
                Citation(instrument="ok", url='https://example.org/"><script>x</script>'),
            ),
            confidence=Confidence.CONFIRMED,
            severity=Severity.ERROR,
            tags=(bad,),
        ),
    )
    findings = tuple(
        _f(
            "XSS001",
            E,
            x,
            x,
            file=path,
            pointer="/" + x,
            line=n,
            column=1,
            details={"evidence": {"request": x, "response": bad, "curl": "curl '" + x + "'"}},
            waiver={"reason": x} if n == 3 else None,
        )
        for n, x in enumerate(XSS, 1)
    )
    findings += (
        _f("XSS001", W, bad, bad, method="<script>", path=bad, url="javascript:alert(1)"),
        _f("XSS001", INFO, bad, bad, system=bad, peer=bad),
    )
    outcomes = (
        Outcome(rule="XSS001", subject=path, status=Status.FAILED, severity=E, findings=findings),
        Outcome(rule="XSS001", subject=bad, status=Status.ERROR, severity=E, reason=bad),
    )
    return RunResult(
        tool_version="0.1.0",
        profile=ProfileInfo(name=bad, version=bad, digest="sha256:" + "00" * 32),
        generated_at=STAMP,
        subjects=(
            Subject(id=path, kind="spec", path=path, title=bad),
            Subject(id=bad, kind="endpoint", base_url=bad),
        ),
        rules=rules,
        outcomes=outcomes,
    )


SCENARIOS = {"agency": agency, "ready": ready, "hostile": hostile}
