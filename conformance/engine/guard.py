"""The live engine's transport guard, redaction and evidence.

``GuardedSession`` is the only way live requests leave the process. At ``send`` it enforces, for
every request whoever builds it (our probes, schemathesis cases, stateful links, redirects):

* the destination is the base URL's host:port or the token URL's, else it is refused and recorded;
* the request budget (count) and the total time budget;
* the rate limit (requests per second, by spacing sends);
* a deadline on the whole exchange, body included: the send runs in a worker thread joined with a
  timeout, so a server that dribbles bytes or never ends a body cannot hold the run;
* a cap on the body size kept (larger bodies are cut and the connection dropped);
* no redirect following: a redirect is the response under test, not an instruction.
"""

from __future__ import annotations

import base64
import shlex
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import requests

MAX_BODY = 4 << 20  # bytes kept per response
EVIDENCE_LIMIT = 4096  # characters of request/response kept in evidence
REDACTED = "[REDACTED]"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
SENSITIVE_PARAMS = frozenset({"access_token", "token", "api_key", "apikey", "client_secret", "password"})


class BudgetExhausted(requests.exceptions.RequestException):
    """The request count or the time budget is spent: no further request is sent."""


class BlockedRequest(requests.exceptions.ConnectionError):
    """A request to a host:port that is not the target: refused before any connection."""


def host_port(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


class GuardedSession(requests.Session):
    def __init__(self, *, allowed: Iterable[str], max_requests: int, rate: float, timeout: float,
                 deadline: float, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.trust_env = False  # no proxies or netrc from the environment: traffic goes where we say
        self.allowed = frozenset(host_port(u) for u in allowed)
        self.max_requests, self.rate, self.timeout, self.deadline = max_requests, rate, timeout, deadline
        self._clock = clock
        self.sent = 0
        self.blocked: list[str] = []
        self.exhausted = ""  # why the budget ran out, once it did
        self._last = 0.0
        self._lock = threading.Lock()

    def remaining(self) -> int:
        return max(0, self.max_requests - self.sent)

    def note_blocked(self, url: str) -> None:
        hp = host_port(url)
        if hp not in self.blocked:
            self.blocked.append(hp)

    def _admit(self, url: str, count: bool) -> float:
        """Check host, budget and rate; return the time left for this exchange."""
        if host_port(url) not in self.allowed:
            self.note_blocked(url)
            raise BlockedRequest(f"refused to contact {host_port(url)}: not the target")
        with self._lock:
            if count and self.sent >= self.max_requests:
                self.exhausted = self.exhausted or f"request budget of {self.max_requests} spent"
                raise BudgetExhausted(self.exhausted)
            now = self._clock()
            if self.rate > 0:
                wait = self._last + 1.0 / self.rate - now
                if wait > 0:
                    time.sleep(min(wait, max(0.0, self.deadline - now)))
                    now = self._clock()
            left = self.deadline - now
            if left <= 0:
                self.exhausted = self.exhausted or "time budget spent"
                raise BudgetExhausted(self.exhausted)
            if count:
                self.sent += 1
            self._last = now
        return min(self.timeout, left)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        left = self._admit(request.url or "", count=True)
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        kwargs["timeout"] = (min(left, self.timeout), min(left, self.timeout))
        kwargs["proxies"] = {}
        # schemathesis passes verify=True per request, which would override the session's CA file.
        kwargs["verify"] = self.verify
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                resp = requests.Session.send(self, request, **kwargs)
                chunks, size = [], 0
                for chunk in resp.iter_content(64 << 10):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_BODY:
                        resp.headers["X-Conformance-Truncated"] = str(MAX_BODY)
                        break
                resp._content = b"".join(chunks)[:MAX_BODY]
                resp._content_consumed = True  # type: ignore[attr-defined]
                resp.close()
                box["response"] = resp
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc

        worker = threading.Thread(target=work, name="conformance-send", daemon=True)
        worker.start()
        worker.join(left + 0.05)
        if worker.is_alive():  # the thread dies with its socket; we do not wait for it
            raise requests.exceptions.ReadTimeout(f"no complete response within {left:.1f} s")
        if "error" in box:
            raise box["error"]
        resp = box["response"]
        location = resp.headers.get("Location")
        if resp.is_redirect and location:
            target = requests.compat.urljoin(request.url or "", location)
            if host_port(target) not in self.allowed:
                self.note_blocked(target)
        return resp


# --- redaction and evidence ------------------------------------------------------------------------

def secret_forms(secret: str) -> set[str]:
    """A secret as a server might echo it back: raw, percent-encoded, and base64 in its usual forms
    (a 500 page dumping a Basic header, a debug echo). Short secrets get no encoded forms: their
    encodings are too short to be distinctive and would blank unrelated text."""
    forms = {secret}
    if len(secret) >= 8:
        raw = secret.encode("utf-8", "surrogatepass")
        std = base64.b64encode(raw).decode("ascii")
        url = base64.urlsafe_b64encode(raw).decode("ascii")
        forms |= {quote(secret, safe=""), quote_plus(secret), std, std.rstrip("="), url, url.rstrip("=")}
    return {f for f in forms if f}


def redact_text(text: str, secrets: Iterable[str]) -> str:
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms |= secret_forms(secret)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def redact_url(url: str, secrets: Iterable[str]) -> str:
    parts = urlsplit(url)
    query = [(k, REDACTED if k.lower() in SENSITIVE_PARAMS else v) for k, v in parse_qsl(parts.query, True)]
    clean = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, urlencode(query), ""))
    return redact_text(clean, secrets)


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str],
                   extra: Iterable[str] = ()) -> dict[str, str]:
    hidden = SENSITIVE_HEADERS | {h.lower() for h in extra}
    out = {}
    for name, value in headers.items():
        low = name.lower()
        out[low] = REDACTED if low in hidden else redact_text(str(value), secrets)
    return out


def _clip(text: str) -> str:
    return text if len(text) <= EVIDENCE_LIMIT else text[:EVIDENCE_LIMIT] + f"… [{len(text) - EVIDENCE_LIMIT} more]"


def evidence(ex: Any, secrets: Iterable[str], curl_auth: Mapping[str, str]) -> dict[str, str]:
    """{"request", "response", "curl"} for an Exchange; secrets replaced, sizes capped."""
    secrets = tuple(secrets)
    lines = [f"{ex.method.upper()} {ex.url}"] + [f"{k}: {v}" for k, v in sorted(ex.request_headers.items())]
    if ex.status is None:
        response = f"(no response: {ex.error})"
    else:
        head = [f"HTTP {ex.status} {ex.reason}".rstrip()] + [f"{k}: {v}" for k, v in sorted(ex.headers.items())]
        body = ex.body.decode("utf-8", "replace")
        response = "\n".join(head) + "\n\n" + body
    return {"request": _clip(redact_text("\n".join(lines), secrets)),
            "response": _clip(redact_text(response, secrets)),
            "curl": _clip(curl(ex, secrets, curl_auth))}


def curl(ex: Any, secrets: Iterable[str], curl_auth: Mapping[str, str]) -> str:
    """A curl command reproducing the exchange; credentials come from env references ("$TOKEN")."""
    parts = ["curl", "-i", "-X", ex.method.upper()]
    for name, value in sorted(ex.request_headers.items()):
        if name in ("user-agent", "accept-encoding", "connection", "content-length"):
            continue
        if value == REDACTED:
            continue
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if ex.purpose not in ("unauthenticated", "health", "token_in_query"):
        for name, ref in sorted(curl_auth.items()):
            parts += ["-H", f'"{name}: {ref}"']  # double quotes: the shell expands the env reference
    url = ex.url
    if ex.purpose == "token_in_query":
        ref = (curl_auth.get("Authorization") or "Bearer $TOKEN").split()[-1]
        url = url.replace(f"access_token={REDACTED}", f"access_token={ref}").replace(
            f"access_token={requests.utils.quote(REDACTED)}", f"access_token={ref}")
        parts.append(f'"{url}"')
    else:
        parts.append(shlex.quote(url))
    return redact_text(" ".join(parts), secrets)
