"""RefService: start/stop the reference agency service on a real socket."""

from __future__ import annotations

import secrets
import ssl
import threading
from collections.abc import Iterable
from types import TracebackType

from . import data
from .faults import check_faults
from .monitor import RequestLog
from .server import BASE_PATH, Config, _Server


class RefService:
    """The provincial one-stop API of specs/provincial-one-stop/openapi.yaml, with optional faults.

    >>> with RefService(faults={"no_auth_check"}) as svc:   # doctest: +SKIP
    ...     urllib.request.urlopen(svc.base_url + "/hoso")
    """

    def __init__(
        self,
        faults: Iterable[str] = (),
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: str = "refservice-client",
        client_secret: str = "refservice-secret",
        rate_limit: int | None = 50,
        slow_seconds: float = 2.5,
        stale_seconds: float = 3600.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """
        faults: names from FAULTS (unknown names raise ValueError with a suggestion).
        token: static bearer token with every scope; random when None (see .token).
        rate_limit: requests per second for secured operations before 429 (None: no limiter).
        slow_seconds / stale_seconds: size of the `slow` delay and of the `stale_date_header` lag.
        ssl_context: serve HTTPS with this server-side context (base_url then starts https://).
        """
        self.faults = check_faults(faults)
        self.token = token if token is not None else secrets.token_urlsafe(24)
        self.client_id, self.client_secret = client_id, client_secret
        self._cfg = Config(
            self.faults, self.token, client_id, client_secret, rate_limit, slow_seconds, stale_seconds
        )
        self._host, self._port, self._ssl = host, port, ssl_context
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests = RequestLog()

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> RefService:
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), self._cfg, self._ssl)
        server.requests = self.requests
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"refservice:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> RefService:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- addresses and observations ----------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("RefService is not running")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return self._host

    @property
    def origin(self) -> str:
        scheme = "https" if self._ssl is not None else "http"
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{scheme}://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """e.g. http://127.0.0.1:43123/motcua/1.0 (the spec's server base path)."""
        return self.origin + BASE_PATH

    @property
    def token_url(self) -> str:
        """OAuth 2.0 client-credentials token endpoint."""
        return self.origin + "/token"

    @property
    def spec_url(self) -> str:
        """The served copy of the OpenAPI document."""
        return self.origin + "/openapi.yaml"

    @property
    def scopes(self) -> tuple[str, ...]:
        return data.SCOPES

    def counts(self) -> dict[str, int]:
        """Requests answered so far, by HTTP method."""
        return self.requests.counts()
