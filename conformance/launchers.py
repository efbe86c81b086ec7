"""Start the system under test on 127.0.0.1, wait until it answers, hand back its base URL, always
clean up: ``with DockerLauncher("agency/api:1.4", container_port=8080) as base_url: ...``, or
``ProcessLauncher("./serve --port {port}")``. ``http://127.0.0.1:PORT{health_path}`` (a free port,
or the one given) is polled until it answers below 500, within ``startup_timeout``. On leaving the
block, any error, Ctrl-C and SIGTERM the container is force-removed, or the process group terminated
then killed. ``log_tail()`` keeps the last lines of output; every failure is a one-line
``LaunchError`` (exit 2) ending with them.

Networking: containers run on the default bridge with their port published on 127.0.0.1 only
(``ports={"8080/tcp": ("127.0.0.1", port)}``), not with host networking. An agency image listens on
a fixed port of its own (``--container-port``); publishing lets the harness pick a free host port
without the image knowing, two runs never collide, the container cannot reach services on the host's
loopback, and a taken port fails the start instead of testing whatever else listens there. The
harness only ever connects to 127.0.0.1; the engine's proxy forwards to the container.

This is the only module that imports the ``docker`` SDK, and only when a ``DockerLauncher`` is used.
"""

from __future__ import annotations

import collections
import functools
import http.client
import os
import shlex
import signal
import socket
import subprocess
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import FrameType, TracebackType
from typing import Any

from .errors import UsageError
from .launch_errors import LaunchError

DEFAULT_HEALTH_PATH = "/"
DEFAULT_STARTUP_TIMEOUT = 60.0
DEFAULT_CONTAINER_PORT = 8080
LOG_LINES = 200  # ring buffer of the system's output
LINE_CHARS = 1000
STOP_GRACE = 5.0  # seconds between SIGTERM and SIGKILL to a process group
# Every container we start carries LABEL, LABEL.run (its own id) and, when $CONFORMANCE_LAUNCH_SESSION
# is set (say, to a CI job id), LABEL.session: what a CI job can clean up after a hard kill.
LABEL = "io.conformance.launcher"
SESSION_ENV = "CONFORMANCE_LAUNCH_SESSION"
HOST = "127.0.0.1"


def free_port(port: int = 0) -> int:
    """``port`` if it is free on 127.0.0.1 (``LaunchError`` if taken), or any free one for 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a TIME_WAIT leftover is not "taken"
        try:
            s.bind((HOST, port))
        except OSError as exc:
            raise LaunchError(f"port {HOST}:{port} is taken ({exc.strerror or exc}); choose another "
                              "or leave the port unset to use a free one", log_tail=None) from None
        return int(s.getsockname()[1])


def env_from_names(items: Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``NAME=ENV_VAR`` (or ``NAME``, meaning ``NAME=NAME``) → ``{NAME: $ENV_VAR}``. Values are only
    ever read from this process's environment, so secrets never appear on a command line."""
    pairs = ([(str(k), str(v)) for k, v in items.items()] if isinstance(items, Mapping)
             else [(n, v if sep else n) for n, sep, v in (i.partition("=") for i in items or ())])
    out: dict[str, str] = {}
    for name, var in pairs:
        if not name or not var or not var.replace("_", "").isalnum():
            raise UsageError(f"--env {name}={var}: expected NAME=ENV_VAR (the name of an environment "
                             "variable, never a value)")
        if var not in os.environ:
            raise UsageError(f"--env {name}={var}: environment variable {var} is not set")
        out[name] = os.environ[var]
    return out


class Launcher(ABC):
    """Context manager: ``__enter__`` starts and waits, returning the base URL; ``__exit__`` cleans up."""

    kind = "system"

    def __init__(self, *, health_path: str = DEFAULT_HEALTH_PATH,
                 startup_timeout: float = DEFAULT_STARTUP_TIMEOUT, host_port: int | None = None,
                 secrets: Sequence[str] = ()) -> None:
        if not health_path.startswith("/"):
            raise UsageError(f"--health-path {health_path!r} must start with /")
        if not startup_timeout > 0:
            raise UsageError("--startup-timeout must be positive")
        if host_port is not None and not 0 < host_port < 65536:
            raise UsageError(f"port {host_port} is out of range")
        self.health_path = health_path
        self.startup_timeout = float(startup_timeout)
        self.host_port = host_port
        self.port = 0
        self.base_url: str | None = None
        self._secrets = [s for s in secrets if len(s) >= 4]
        self._tail: list[str] = []
        self._old_handlers: dict[int, Any] = {}
        self._closed = False

    # What each kind provides: _start on self.port (LaunchError if it fails outright); _exit_reason,
    # None while running, else "exited with code 1"; _read_logs, the last LOG_LINES lines; _stop,
    # bounded, returning what could not be cleaned up.
    @abstractmethod
    def _start(self) -> None: ...

    @abstractmethod
    def _exit_reason(self) -> str | None: ...

    @abstractmethod
    def _read_logs(self) -> list[str]: ...

    @abstractmethod
    def _stop(self) -> str | None: ...

    def log_tail(self) -> list[str]:
        """The last lines the system wrote (secrets from ``env`` replaced by ***)."""
        if not self._closed:
            self._snapshot()
        return list(self._tail)

    def _snapshot(self) -> None:
        try:
            lines = self._read_logs()
        except Exception:  # logs are best effort: never hide the real error behind them
            return
        self._tail = [functools.reduce(lambda text, secret: text.replace(secret, "***"), self._secrets, line)
                      [:LINE_CHARS] for line in lines[-LOG_LINES:]]

    def fail(self, message: str) -> LaunchError:
        self._snapshot()
        return LaunchError(message, log_tail=self._tail)

    def __enter__(self) -> str:
        self._closed = False
        self._guard_signals()
        try:
            self.port = free_port(self.host_port or 0)
            self._start()
            self._wait_healthy()
        except BaseException:
            self._cleanup()
            raise
        self.base_url = f"http://{HOST}:{self.port}"
        return self.base_url

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        problem = self._cleanup()
        if problem and exc_type is None:
            raise LaunchError(problem, log_tail=self._tail)

    def _wait_healthy(self) -> None:
        url = f"http://{HOST}:{self.port}{self.health_path}"
        deadline = time.monotonic() + self.startup_timeout
        delay, last = 0.1, "no answer yet"
        while True:
            reason = self._exit_reason()
            if reason is not None:
                raise self.fail(f"{self.kind} {reason} before {url} answered")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self.fail(f"{url} did not answer within {self.startup_timeout:g} s ({last}); "
                                "check --health-path and --container-port, or raise --startup-timeout")
            status, last = _probe(self.port, self.health_path, timeout=min(2.0, max(remaining, 0.1)))
            if status is not None and status < 500:
                return
            time.sleep(min(delay, max(deadline - time.monotonic(), 0)))
            delay = min(delay * 1.5, 1.0)

    def _cleanup(self) -> str | None:
        if self._closed:
            return None
        interrupted = self._shield_signals()
        try:
            self._snapshot()
            problem = self._stop()
        finally:
            self._closed = True
            self._restore_signals()
        if interrupted:  # Ctrl-C during cleanup waited for it; honour it now
            raise KeyboardInterrupt
        return problem

    # SIGTERM (CI cancelling a job) must clean up like Ctrl-C, so it raises KeyboardInterrupt while a
    # system runs; during cleanup both are held back so cleanup is never cut short.
    def _guard_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._old_handlers = {signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt)}

    def _shield_signals(self) -> list[int]:
        got: list[int] = []
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                old = signal.signal(sig, lambda signum, frame: got.append(signum))
                self._old_handlers.setdefault(sig, old)
        return got

    def _restore_signals(self) -> None:
        for sig, handler in self._old_handlers.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        self._old_handlers = {}


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _probe(port: int, path: str, *, timeout: float) -> tuple[int | None, str]:
    # http.client, not urllib/requests: no proxy variables can send a loopback probe elsewhere.
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "conformance-launcher"})
        resp = conn.getresponse()
        resp.read(65536)
        return resp.status, f"last answer HTTP {resp.status}"
    except (OSError, http.client.HTTPException) as exc:
        return None, f"last attempt: {type(exc).__name__}"
    finally:
        conn.close()


class ProcessLauncher(Launcher):
    """A local process from ``command`` (``{port}`` is replaced by the chosen port, which is also in
    ``$PORT``), in its own process group so that everything it starts is stopped with it. No shell:
    write ``sh -c '...'`` for one."""

    kind = "process"

    def __init__(self, command: str | Sequence[str], *, env: Sequence[str] | Mapping[str, str] | None = None,
                 health_path: str = DEFAULT_HEALTH_PATH, startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
                 host_port: int | None = None, cwd: str | None = None) -> None:
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not argv:
            raise UsageError("--command is empty")
        self.env = env_from_names(env)
        super().__init__(health_path=health_path, startup_timeout=startup_timeout, host_port=host_port,
                         secrets=list(self.env.values()))
        self.argv, self.cwd = argv, cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self._lines: collections.deque[str] = collections.deque(maxlen=LOG_LINES)
        self._reader: threading.Thread | None = None

    def _start(self) -> None:
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        env = {**os.environ, **self.env, "PORT": str(self.port)}
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, env=env, cwd=self.cwd,
                                         start_new_session=True)
        except OSError as exc:
            raise LaunchError(f"cannot start {argv[0]!r}: {exc.strerror or exc}", log_tail=None) from None
        self._reader = threading.Thread(target=self._read, args=(self.proc,), daemon=True,
                                        name="conformance-launcher-log")
        self._reader.start()

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        with proc.stdout:  # closed when the output ends: the whole group has gone
            for raw in iter(proc.stdout.readline, b""):
                self._lines.append(raw[:LINE_CHARS].decode("utf-8", "replace").rstrip("\r\n"))

    def _exit_reason(self) -> str | None:
        code = self.proc.poll() if self.proc is not None else None
        return None if code is None else f"exited with code {code}"

    def _read_logs(self) -> list[str]:
        return list(self._lines.copy())  # copy() is atomic; iterating while the reader appends is not

    def _stop(self) -> str | None:
        proc = self.proc
        if proc is None:
            return None
        # The whole group: a wrapper script's children too. SIGKILL follows even when the leader
        # exited on SIGTERM, for stragglers that ignored it.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break  # nobody left in the group
            try:
                proc.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                pass
        if self._reader is not None:
            self._reader.join(timeout=1.0)  # the pipe closed with the group; a grandchild may hold it
        return None if proc.poll() is not None else f"process {proc.pid} did not stop"


def docker_client() -> Any:
    """A client for the engine ``DOCKER_HOST`` names (default: the local socket), or ``LaunchError``."""
    import docker
    from docker.errors import DockerException

    where = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except DockerException as exc:
        detail = " ".join(str(exc).split())[:200]
        raise LaunchError(f"no Docker engine reachable at {where} ({detail}); start one (e.g. "
                          "scripts/start-dockerd.sh) or use --command to start the system as a process",
                          log_tail=None) from None
    return client


class DockerLauncher(Launcher):
    """A container of a local ``image`` (never pulled), its ``container_port`` published on
    127.0.0.1, environment from ``env`` (``NAME=ENV_VAR``), ``args`` appended to its entrypoint."""

    kind = "container"

    def __init__(self, image: str, *, container_port: int = DEFAULT_CONTAINER_PORT,
                 env: Sequence[str] | Mapping[str, str] | None = None, health_path: str = DEFAULT_HEALTH_PATH,
                 startup_timeout: float = DEFAULT_STARTUP_TIMEOUT, host_port: int | None = None,
                 args: Sequence[str] | None = None, labels: Mapping[str, str] | None = None) -> None:
        if not image:
            raise UsageError("--image is empty")
        if not 0 < container_port < 65536:
            raise UsageError(f"--container-port {container_port} is out of range")
        self.env = env_from_names(env)
        super().__init__(health_path=health_path, startup_timeout=startup_timeout, host_port=host_port,
                         secrets=list(self.env.values()))
        self.image, self.container_port = image, container_port
        self.args = list(args) if args is not None else None
        self.run_id = uuid.uuid4().hex[:12]
        self.name = f"conformance-sut-{self.run_id}"
        session = {f"{LABEL}.session": os.environ[SESSION_ENV]} if os.environ.get(SESSION_ENV) else {}
        self.labels = {LABEL: "1", f"{LABEL}.run": self.run_id, **session, **(labels or {})}
        self.client: Any = None
        self.container: Any = None

    def _start(self) -> None:
        from docker.errors import APIError, DockerException, ImageNotFound

        self.client = docker_client()
        try:  # never pull: an image that is not here is an error, not a download
            self.client.images.get(self.image)
        except ImageNotFound:
            raise LaunchError(f"image {self.image!r} is not present in the local engine (the harness never "
                              "pulls; build or load it first)", log_tail=None) from None
        except DockerException as exc:
            raise LaunchError(f"image {self.image!r}: {_api_message(exc)}", log_tail=None) from None
        try:
            # create + start, not containers.run(): run() pulls a missing image by itself.
            self.container = self.client.containers.create(
                self.image, command=self.args, name=self.name, labels=self.labels, environment=self.env,
                ports={f"{self.container_port}/tcp": (HOST, self.port)}, detach=True)
            self.container.start()
        except APIError as exc:
            text = _api_message(exc)
            if "already allocated" in text or "address already in use" in text:
                raise self.fail(f"port {HOST}:{self.port} is taken ({text})") from None
            raise self.fail(f"cannot start a container of {self.image!r}: {text}") from None

    def _exit_reason(self) -> str | None:
        from docker.errors import DockerException, NotFound

        try:
            self.container.reload()
        except NotFound:
            return "was removed"
        except DockerException as exc:
            return f"could not be inspected ({_api_message(exc)})"
        state = self.container.attrs.get("State", {})
        if state.get("Status") in ("exited", "dead"):
            return f"exited with code {state.get('ExitCode')}"
        return None

    def _read_logs(self) -> list[str]:
        raw = self.container.logs(stdout=True, stderr=True, tail=LOG_LINES) if self.container else b""
        return str(raw.decode("utf-8", "replace")).splitlines()

    def _stop(self) -> str | None:
        from docker.errors import DockerException, NotFound

        if self.client is None:
            return None
        try:
            # By name: an interrupt between create and its answer leaves self.container unset. The log
            # tail is already taken, so no graceful stop: force-removal kills at once.
            self.client.api.remove_container(self.name, force=True, v=True)
        except NotFound:
            pass  # never created, or already gone
        except DockerException as exc:
            return f"could not remove container {self.name}: {_api_message(exc)}"
        finally:
            self.client.close()
        return None


def _api_message(exc: Exception) -> str:
    text = getattr(exc, "explanation", None) or str(exc)
    return " ".join(str(text).split())[:300]

