"""Serving the mock over a real socket: uvicorn (uvloop + httptools) in a background thread.

Several processes on one port are :mod:`._workers`' (``mock --workers N``).

The server speaks through :mod:`._protocol` (request deadlines, a header cap, a connection cap
and JSON answers for malformed HTTP: what uvicorn still answers itself is listed there).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from ._app import build_app
from ._faults import resolve_faults
from ._layer import FaultLayer, Rewrite
from ._protocol import ServerLimits, protocol_for
from ._quirks import resolve_quirks
from ._recording import Recorder, RecordingLayer
from ._transient import TRANSIENTS, TransientLayer
from ._triggers import TriggerLayer

__all__ = [
    "MockURL",
    "ServerLimits",
    "base_url",
    "bind",
    "bind_socket",
    "create_app",
    "issue_keys",
    "running_mock",
    "uvicorn_config",
]

_START_TIMEOUT = 10.0


def issue_keys(count: int = 2) -> tuple[str, ...]:
    """Return ``count`` fresh test-mode keys (``sk_test_`` and 24 random alphanumerics)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return tuple(
        "sk_test_" + "".join(secrets.choice(alphabet) for _ in range(24)) for _ in range(count)
    )


class MockURL(str):
    """The base URL of a running mock, which also knows the keys the mock issued.

    A plain ``str`` everywhere a URL is expected; ``api_keys`` are the accepted keys (two
    test-mode keys, i.e. two accounts, unless chosen by the caller).
    """

    api_keys: tuple[str, ...]

    def __new__(cls, url: str, api_keys: Sequence[str]) -> MockURL:
        made = super().__new__(cls, url)
        made.api_keys = tuple(api_keys)
        return made


def create_app(
    *,
    api_keys: Sequence[str] | None = None,
    accept_any_key: bool = False,
    db_path: str | None = None,
    faults: Sequence[str] = (),
    quirks: Sequence[str] = (),
    seed_customers: int = 0,
    latency_ms: float = 0,
    transient: str | None = None,
    triggers: bool = False,
    recorder: Recorder | None = None,
) -> Starlette:
    """Return the mock as a Starlette app, to serve or to call in-process.

    Args:
        api_keys: the keys the mock issued: the only ones accepted (others get 401, as the
            contract says for a key that is not valid). None issues two fresh test keys; they
            are in ``app.state.api_keys``.
        accept_any_key: accept any well-formed ``sk_test_``/``sk_live_`` key as its own account.
            A deviation from the contract (a real server refuses keys it never issued), for
            tests that are not about authentication.
        db_path: a SQLite file that keeps everything across restarts; None keeps it in memory.
        faults: names from ``FAULTS`` of bugs to simulate; unknown names raise ValueError.
        quirks: names from ``QUIRKS`` of legal variations to show; unknown names raise ValueError.
        seed_customers: customers each account starts with.
        latency_ms: milliseconds to wait before answering each request, as a slow server would
            (``asyncio.sleep``: other requests are served meanwhile); for benchmarks of slow
            targets. Answers the protocol gives itself (408, 431, 503, malformed HTTP) do not
            wait.
        transient: the name of a transient failure of ``TRANSIENTS`` to show (429s, a 500 or
            a dropped connection on first attempts, slow answers), for client tests.
        triggers: answer the reserved inputs of ``TRIGGERS`` with their errors. Off by
            default: the mock as the suite's reference never has them. The names of those
            that fired are in ``app.state.trigger_fires``.
        recorder: a :class:`Recorder` that keeps every request as the client sent it
            (outermost layer); its ``begin`` also restarts transient and "once" state.

    >>> import httpx
    >>> app = create_app(seed_customers=2)
    >>> transport = httpx.ASGITransport(app=app)  # for httpx.AsyncClient(transport=...)
    >>> len(app.state.api_keys)
    2
    """
    if seed_customers < 0:
        raise ValueError(f"seed_customers must be at least 0, got {seed_customers!r}")
    if not (math.isfinite(latency_ms) and latency_ms >= 0):
        raise ValueError(f"latency_ms must be a finite number of at least 0, got {latency_ms!r}")
    if transient is not None and transient not in TRANSIENTS:
        known = ", ".join(TRANSIENTS)
        raise ValueError(f"unknown transient variation {transient!r}: expected any of {known}")
    resolved = resolve_faults(list(faults))
    layers: list[Rewrite] = [*resolved, *resolve_quirks(quirks)]
    for fault in resolved:
        accept_any_key = bool(fault.app_settings.get("accept_any_key", accept_any_key))
    issued = tuple(api_keys) if api_keys is not None else issue_keys()
    app = build_app(
        api_keys=None if accept_any_key else issued,
        db_path=db_path,
        seed_customers=seed_customers,
    )
    app.state.api_keys = issued
    app.state.trigger_fires = []
    # Starlette wraps the last added layer around the others: triggers sit inside the quirks
    # (their errors show the quirks too), the recorder outside everything.
    if triggers:
        app.add_middleware(TriggerLayer, recorder=recorder, fired=app.state.trigger_fires)
    if layers:
        app.add_middleware(FaultLayer, faults=layers)
    if transient is not None:
        app.add_middleware(TransientLayer, name=transient, recorder=recorder)
    if latency_ms:
        app.add_middleware(_Latency, seconds=latency_ms / 1000)  # every answer waits
    if recorder is not None:
        app.add_middleware(RecordingLayer, recorder=recorder)
    return app


class _Latency:
    """ASGI layer: wait ``seconds`` before the app answers an HTTP request."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)


def bind_socket(host: str, port: int, *, workers: int = 1) -> socket.socket:
    """Bind a listening TCP socket (port 0 picks a free one): the port is known before serving.

    For ``workers`` > 1 where the system has ``SO_REUSEPORT`` (Linux, BSDs), the socket only
    holds the port (bound, not listening): each worker of :func:`serve_workers` listens on a
    socket of its own on that port and the kernel spreads connections evenly over them. Workers
    accepting from one shared socket were not spread: one took nearly every connection.
    """
    spread = workers > 1 and hasattr(socket, "SO_REUSEPORT")
    return bind(host, port, reuse_port=spread, listen=not spread)


def bind(host: str, port: int, *, reuse_port: bool, listen: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if listen:
        sock.listen(1024)
    return sock


def uvicorn_config(
    app: Starlette, host: str, port: int, *, limits: ServerLimits | None = None
) -> uvicorn.Config:
    """The mock's uvicorn settings: uvloop, httptools with the mock's limits, no access log,
    no proxy headers."""
    limits = limits or ServerLimits()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http=protocol_for(limits),
        ws="none",
        lifespan="off",
        access_log=False,
        log_level="warning",
        # No proxy in front: the peer is the client, and X-Forwarded-For from a local client
        # must not rename it in the mock's log lines (uvicorn trusts 127.0.0.1 by default).
        proxy_headers=False,
        # Typed int, but uvicorn only hands it to loop.call_later: a float works.
        timeout_keep_alive=limits.keep_alive_timeout,  # type: ignore[arg-type]
    )


def base_url(sock: socket.socket) -> str:
    """The URL of the server root for a bound socket (the API is under ``/v1``)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextlib.contextmanager
def running_mock(
    *,
    api_keys: Sequence[str] | None = None,
    accept_any_key: bool = False,
    db_path: str | None = None,
    faults: Sequence[str] = (),
    quirks: Sequence[str] = (),
    seed_customers: int = 0,
    latency_ms: float = 0,
    transient: str | None = None,
    triggers: bool = False,
    recorder: Recorder | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: ServerLimits | None = None,
) -> Iterator[MockURL]:
    """Serve the mock on a real socket for the ``with`` block; yield its base URL.

    The URL is a :class:`MockURL`: ``url.api_keys`` are the keys the mock issued (see
    :func:`create_app` for the arguments). ``limits`` bound slow and greedy clients
    (:class:`ServerLimits`; the defaults suit CI).

    >>> with running_mock(seed_customers=1) as url:  # doctest: +SKIP
    ...     key = url.api_keys[0]
    ...     httpx.get(f"{url}/v1/customers", auth=(key, ""), timeout=5).status_code
    200
    """
    app = create_app(
        api_keys=api_keys,
        accept_any_key=accept_any_key,
        db_path=db_path,
        faults=faults,
        quirks=quirks,
        seed_customers=seed_customers,
        latency_ms=latency_ms,
        transient=transient,
        triggers=triggers,
        recorder=recorder,
    )
    sock = bind_socket(host, port)
    server = uvicorn.Server(uvicorn_config(app, host, port, limits=limits))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="lotuspay-mock", daemon=True
    )
    thread.start()
    url = MockURL(base_url(sock), app.state.api_keys)
    try:
        _wait_until_serving(server, thread, url, 1.0 + latency_ms / 1000)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()
        app.state.store.close()


def _wait_until_serving(
    server: uvicorn.Server, thread: threading.Thread, url: str, probe_timeout: float
) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError(f"the mock server at {url} stopped while starting")
        if server.started:
            try:
                httpx.get(f"{url}/v1/customers", timeout=probe_timeout)
            except httpx.TransportError:
                pass
            else:
                return
        time.sleep(0.01)
    server.should_exit = True
    raise RuntimeError(f"the mock server at {url} did not answer within {_START_TIMEOUT} s")
