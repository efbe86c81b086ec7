"""``test_live``: run a profile's live rules against a running API. Plain arguments in, ``RunResult``
out; nothing prints, nothing exits.

Credentials come only from environment variables named by ``AuthConfig``: a secret is never an
argument, and every value read is scrubbed from messages, evidence and notes.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from .api import DEFAULT_PROFILE, Clock, default_clock, make_result
from .engine.runner import Credentials, LiveOptions, LiveReport, run_live
from .errors import SpecLoadError, UsageError
from .model import RunResult, Subject
from .profiles import ResolvedProfile, resolve_profile
from .specs import load_spec

MODES = ("probe", "full")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthConfig:
    """``bearer``: token in $env; ``header``: header NAME with value in $env; ``oauth2``: client
    credentials from $client_id_env/$client_secret_env, token URL from the flag or the spec."""

    kind: str
    env: str = ""
    header: str = ""
    client_id_env: str = ""
    client_secret_env: str = ""
    scope: str = ""

    @classmethod
    def parse(cls, text: str, *, client_id_env: str | None = None, client_secret_env: str | None = None) -> AuthConfig:
        kind, _, rest = text.partition(":")
        if kind == "bearer" and rest:
            return cls(kind="bearer", env=rest)
        if kind == "header" and rest.count(":") == 1:
            name, env = rest.split(":")
            return cls(kind="header", header=name, env=env)
        if kind == "oauth2":
            if not (client_id_env and client_secret_env):
                raise UsageError("--auth oauth2 needs --client-id-env and --client-secret-env")
            return cls(kind="oauth2", client_id_env=client_id_env, client_secret_env=client_secret_env, scope=rest)
        raise UsageError(f"--auth {text!r}: expected bearer:ENV, header:NAME:ENV or oauth2[:SCOPES]")


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise UsageError(f"environment variable {name} is not set or empty")
    return value


def spec_token_url(data: Any) -> str | None:
    schemes = ((data.get("components") or {}).get("securitySchemes") or {}) if isinstance(data, dict) else {}
    for scheme in schemes.values() if isinstance(schemes, dict) else ():
        flow = ((scheme or {}).get("flows") or {}).get("clientCredentials") if isinstance(scheme, dict) else None
        if isinstance(flow, dict) and isinstance(flow.get("tokenUrl"), str):
            return str(flow["tokenUrl"])
    return None


def authenticator(auth: AuthConfig, token_url: str | None) -> Any:
    """Read the secrets now (so a missing variable is a usage error before any request) and return
    the runner's callback."""
    if auth.kind == "bearer":
        token = _env(auth.env)
        creds = Credentials(headers={"Authorization": f"Bearer {token}"}, secrets=(token,),
                            curl={"Authorization": f"Bearer ${auth.env}"}, token=token)
        return lambda _session: creds
    if auth.kind == "header":
        value = _env(auth.env)
        creds = Credentials(headers={auth.header: value}, secrets=(value,), curl={auth.header: f"${auth.env}"},
                            hidden_headers=(auth.header,))
        return lambda _session: creds
    client_id, secret = _env(auth.client_id_env), _env(auth.client_secret_env)
    if not token_url:
        raise UsageError("--auth oauth2: no token URL (give --token-url; the spec declares none)")

    def fetch(session: requests.Session) -> Credentials:
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        secrets = (secret, basic, client_id) if len(client_id) >= 8 else (secret, basic)
        form = {"grant_type": "client_credentials", **({"scope": auth.scope} if auth.scope else {})}
        try:
            resp = session.post(token_url, data=form, headers={"Authorization": f"Basic {basic}"})
            token = resp.json().get("access_token") if resp.status_code == 200 else None
        except (requests.RequestException, ValueError, AttributeError) as exc:
            return Credentials(secrets=secrets, note=f"token request to {token_url} failed: {type(exc).__name__}")
        if not isinstance(token, str) or not token:
            return Credentials(secrets=secrets, note=f"token request to {token_url} answered HTTP {resp.status_code} "
                               "without an access_token; continuing unauthenticated")
        return Credentials(headers={"Authorization": f"Bearer {token}"}, secrets=(*secrets, token),
                           curl={"Authorization": "Bearer $TOKEN"}, token=token)
    return fetch


def _spec_token_url_on_target(data: Any, base_url: str) -> str | None:
    """The spec's tokenUrl, but only when it is on the base URL's host: a URL taken from an untrusted
    document must not widen where the harness sends client secrets."""
    from urllib.parse import urljoin

    from .engine.guard import host_port

    url = spec_token_url(data)
    if url is None:
        return None
    url = urljoin(base_url, url)
    if host_port(url) != host_port(base_url):
        raise UsageError(f"the spec's tokenUrl {url} is not on the base URL's host; pass --token-url to "
                         "confirm where client credentials may be sent")
    return url


def spec_environment(data: Any) -> str | None:
    info = data.get("info") if isinstance(data, dict) else None
    for where in (info, data):
        if isinstance(where, dict) and isinstance(where.get("x-vn-environment"), str):
            return str(where["x-vn-environment"]).lower()
    return None


@dataclass(slots=True, kw_only=True)
class LiveResult:
    result: RunResult
    notes: list[str] = field(default_factory=list)
    report: LiveReport | None = None


def test_live(spec_path: str, *, base_url: str, profile: str | ResolvedProfile = DEFAULT_PROFILE,
              mode: str = "probe", max_requests: int = 300, rate: float = 10.0, timeout: float = 10.0,
              budget_seconds: float = 300.0, auth: AuthConfig | None = None, environment: str | None = None,
              allow_production: bool = False, clock: Clock = default_clock, token_url: str | None = None,
              ca_file: str | None = None, http_port: int | None = None, burst: int = 0,
              lang: str = "en") -> RunResult:
    return run_live_test(spec_path, base_url=base_url, profile=profile, mode=mode, max_requests=max_requests,
                         rate=rate, timeout=timeout, budget_seconds=budget_seconds, auth=auth,
                         environment=environment, allow_production=allow_production, clock=clock,
                         token_url=token_url, ca_file=ca_file, http_port=http_port, burst=burst, lang=lang).result


test_live.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite the name


def run_live_test(spec_path: str, *, base_url: str, profile: str | ResolvedProfile = DEFAULT_PROFILE,
                  mode: str = "probe", max_requests: int = 300, rate: float = 10.0, timeout: float = 10.0,
                  budget_seconds: float = 300.0, auth: AuthConfig | None = None, environment: str | None = None,
                  allow_production: bool = False, clock: Clock = default_clock, token_url: str | None = None,
                  ca_file: str | None = None, http_port: int | None = None, burst: int = 0,
                  lang: str = "en") -> LiveResult:
    """``test_live`` with the run's notes (budget spent, token failures) and raw observations."""
    if mode not in MODES:
        raise UsageError(f"mode must be one of {', '.join(MODES)}")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--base-url {base_url!r} is not an http(s) URL")
    for name, value in (("max-requests", max_requests), ("rate", rate), ("timeout", timeout),
                        ("budget", budget_seconds)):
        if value <= 0:
            raise UsageError(f"--{name} must be positive")
    if burst and mode != "full":
        raise UsageError("the rate-limit burst is only sent in --mode full")
    resolved = profile if isinstance(profile, ResolvedProfile) else resolve_profile(profile)
    try:
        doc = load_spec(spec_path)
    except SpecLoadError:
        raise
    env = (environment or spec_environment(doc.data) or "").lower()
    if mode == "full" and env == "production" and not allow_production:
        raise UsageError("refusing --mode full against a production target (x-vn-environment or --environment "
                         "says production); pass --allow-production to override")
    if token_url is None and auth is not None and auth.kind == "oauth2":
        token_url = _spec_token_url_on_target(doc.data, base_url)
    authenticate = authenticator(auth, token_url) if auth is not None else None
    opts = LiveOptions(base_url=base_url.rstrip("/"), mode=mode, max_requests=max_requests, rate=rate,
                       timeout=timeout, budget_seconds=budget_seconds, token_url=token_url, ca_file=ca_file,
                       http_port=http_port, burst=burst)
    subject = Subject(id=opts.base_url, kind="endpoint", path=spec_path, title=doc.title(),
                      version=doc.version, base_url=opts.base_url, sha256=doc.sha256)
    report = run_live(doc, list(resolved.rules.values()), subject.id, opts, authenticate=authenticate)
    result = make_result(resolved, [subject], report.outcomes, clock=clock, lang=lang)
    return LiveResult(result=result, notes=report.notes, report=report)
