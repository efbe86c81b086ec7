"""pytest plugin (``pytest11`` entry point): inert unless ``--conformance-spec`` is given.

``pytest --conformance-spec S --conformance-base-url U [--conformance-profile P]`` adds one item
per (live rule, operation) for rules that look at exchanges, and one per rule for endpoint-level
rules (transport, latency, ...). The live run happens once, at the first item; each item reports
its findings with citations instead of a traceback. ``conformance_result`` gives the RunResult.
Credentials: ``--conformance-auth bearer:ENV`` (values from the environment only).
"""

from __future__ import annotations

from typing import Any

import pytest

_KEY = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("conformance", "live conformance of an agency API")
    g.addoption("--conformance-spec", metavar="SPEC", help="OpenAPI document; enables the plugin")
    g.addoption("--conformance-base-url", metavar="URL", help="running API to test")
    g.addoption("--conformance-profile", default="vn-full", metavar="P", help="profile (default vn-full)")
    g.addoption("--conformance-mode", default="probe", choices=("probe", "full"))
    g.addoption("--conformance-auth", metavar="SPEC", help="bearer:ENV or header:NAME:ENV")
    g.addoption("--conformance-max-requests", type=int, default=300, metavar="N")
    g.addoption("--conformance-rate", type=float, default=10.0, metavar="R")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("conformance_spec", default=None))


class ConformanceFailure(Exception):
    """Findings of one (rule, operation) item."""


class ConformanceItem(pytest.Item):
    def __init__(self, *, rule: Any, operation: tuple[str, str, str | None] | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule, self.operation = rule, operation

    def runtest(self) -> None:
        from .model import Status

        result = _result(self.config)
        outcome = next((o for o in result.outcomes if o.rule == self.rule.id), None)
        if outcome is None or outcome.status in (Status.SKIPPED, Status.NOT_APPLICABLE):
            pytest.skip(outcome.reason if outcome is not None else "rule not run")
        if outcome.status is Status.ERROR:
            raise ConformanceFailure(f"{self.rule.id} could not be checked: {outcome.reason}")
        findings = [f for f in outcome.findings if self._mine(f.location)]
        if findings:
            raise ConformanceFailure(self._describe(findings))

    def _mine(self, loc: Any) -> bool:
        if self.operation is None:
            return True
        method, path, op_id = self.operation
        return loc.method == method and loc.path == path

    def _describe(self, findings: list[Any]) -> str:
        rule = self.rule
        lines = [f"{rule.id} {rule.name} [{', '.join(rule.requirements)}] ({rule.severity.value}): "
                 f"{rule.summary.en}"]
        lines += [f"  - {f.message}" for f in findings]
        for c in rule.citations:
            lines.append(f"  cites: {c.instrument}{' ' + c.section if c.section else ''}{' ' + c.url if c.url else ''}")
        curl = next((f.details.get("evidence", {}).get("curl") for f in findings if f.details.get("evidence")), None)
        if curl:
            lines.append(f"  reproduce: {curl}")
        return "\n".join(lines)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return (str(self.config.getoption("conformance_spec")), None, self.name)


def _result(config: pytest.Config) -> Any:
    state = config.stash.setdefault(_KEY, {})
    if "result" not in state:
        from .api_live import AuthConfig, test_live

        auth = config.getoption("conformance_auth")
        state["result"] = test_live(
            config.getoption("conformance_spec"), base_url=config.getoption("conformance_base_url"),
            profile=config.getoption("conformance_profile"), mode=config.getoption("conformance_mode"),
            max_requests=config.getoption("conformance_max_requests"), rate=config.getoption("conformance_rate"),
            auth=AuthConfig.parse(auth) if auth else None)
    return state["result"]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    if not config.getoption("conformance_base_url"):
        raise pytest.UsageError("--conformance-spec needs --conformance-base-url")
    from .profiles import resolve_profile
    from .registry import load_checks
    from .specs import load_spec

    doc = load_spec(config.getoption("conformance_spec"))
    raw = doc.data.get("paths") if isinstance(doc.data, dict) else None
    paths: dict[str, Any] = raw if isinstance(raw, dict) else {}
    ops = []
    for path in sorted(paths):
        for method in ("get", "head", "options", "post", "put", "patch", "delete"):
            op = (paths[path] or {}).get(method) if isinstance(paths[path], dict) else None
            if isinstance(op, dict):
                ops.append((method.upper(), path, op.get("operationId")))
    checks = load_checks()
    for rule in resolve_profile(config.getoption("conformance_profile")).rules.values():
        if rule.kind.value != "live":
            continue
        target = checks[rule.check].target
        if target.startswith("exchange"):
            for method, path, op_id in ops:
                name = f"{rule.id}[{op_id or method + ' ' + path}]"
                items.append(ConformanceItem.from_parent(session, name=name, rule=rule, operation=(method, path, op_id)))
        else:
            items.append(ConformanceItem.from_parent(session, name=rule.id, rule=rule, operation=None))


@pytest.fixture(scope="session")
def conformance_result(pytestconfig: pytest.Config) -> Any:
    """The live RunResult (runs the live check once per session)."""
    if not _enabled(pytestconfig):
        pytest.skip("conformance plugin not enabled (--conformance-spec)")
    return _result(pytestconfig)
