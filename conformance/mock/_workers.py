"""``mock --workers N``: the mock served by forked processes on one port and one SQLite file.

The parent forks the workers, replaces one that dies and stops them all on SIGINT or SIGTERM;
each worker ends when the parent dies, however it dies (``kill -9`` included): at once on
Linux through ``PR_SET_PDEATHSIG``, elsewhere when a pipe only the parent holds open reads
end-of-file. So no orphan keeps the port. POSIX only: there is no fork on Windows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

import uvicorn

from ._protocol import ServerLimits
from ._server import bind, create_app, uvicorn_config
from ._store import Store

__all__ = ["WORKERS_SUPPORTED", "serve_workers"]

#: A dead worker is replaced, unless this many died within ``_DEATH_WINDOW`` seconds (they
#: would keep dying): then every worker stops.
_MAX_DEATHS = 5
_DEATH_WINDOW = 10.0
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
#: Whether :func:`serve_workers` can run here: it forks (POSIX only; Windows has no fork).
WORKERS_SUPPORTED = hasattr(os, "fork")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
#: How long a worker whose parent died may take to stop gracefully before it exits anyway.
_ORPHAN_GRACE = 1.0


def serve_workers(
    sock: socket.socket,
    workers: int,
    *,
    db_path: str,
    api_keys: Sequence[str],
    limits: ServerLimits | None = None,
    **app_options: Any,
) -> int:
    """Serve the mock from ``workers`` forked processes sharing ``sock`` and one SQLite file.

    The kernel spreads connections over the processes: each listens on its own ``SO_REUSEPORT``
    socket when ``sock`` only holds the port (``bind_socket(..., workers=N)``), else all accept
    from ``sock``. Each has its own connection to the WAL file, where SQLite serializes the
    writes (:class:`Store`). Every worker accepts the same
    ``api_keys`` (issue them before calling) and serves through the mock's protocol and limits.
    Runs until SIGINT or SIGTERM, which stop every worker gracefully; a worker that dies is
    restarted. Workers stop when this process dies, however it dies (``kill -9`` included),
    so no orphan keeps the port. Returns the exit status: 0 after a requested stop, 1 if a
    worker kept dying. POSIX only (``os.fork``): RuntimeError where there is no fork.
    """
    if not WORKERS_SUPPORTED:
        raise RuntimeError("serving from several workers needs os.fork (POSIX); use 1 worker")
    Store(db_path).close()  # create or migrate the file once, before any worker opens it
    return _Workers(sock, db_path, tuple(api_keys), limits, app_options).run(workers)


class _Workers:
    """The parent's side: fork the workers, restart the dead, stop them all on a signal."""

    def __init__(
        self,
        sock: socket.socket,
        db_path: str,
        api_keys: tuple[str, ...],
        limits: ServerLimits | None,
        app_options: dict[str, Any],
    ) -> None:
        self.sock = sock
        self.db_path = db_path
        self.api_keys = api_keys
        self.limits = limits
        self.app_options = app_options
        self.started: dict[int, float] = {}  # worker pid -> start time
        self.stopping: list[int] = []
        self.deaths: list[float] = []
        # Held open by this process only: a worker reads end-of-file when it dies.
        self.lifeline_read, self.lifeline_write = os.pipe()

    def run(self, workers: int) -> int:
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            for _ in range(workers):
                self.start()
            while self.started:
                try:
                    pid, _ = os.wait()
                except ChildProcessError:
                    break
                if self.started.pop(pid, None) is not None and not self.stopping:
                    status = max(status, self.replace(pid))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(self.lifeline_read)
            os.close(self.lifeline_write)
        return status

    def replace(self, pid: int) -> int:
        """A worker died unasked: start another, unless they keep dying (then stop: 1)."""
        now = time.monotonic()
        self.deaths = [t for t in self.deaths if t > now - _DEATH_WINDOW] + [now]
        if len(self.deaths) >= _MAX_DEATHS:
            print(f"lotuspay-contract mock: {len(self.deaths)} workers died", file=sys.stderr)
            self.stop(signal.SIGTERM, None)
            return 1
        print(f"lotuspay-contract mock: worker {pid} died; starting another", file=sys.stderr)
        self.start()
        return 0

    def stop(self, number: int, frame: object) -> None:
        self.stopping.append(number)
        for pid in self.started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def start(self) -> None:
        parent = os.getpid()
        # A stop signal that reaches a worker before its server listens for one would be lost
        # (it would then serve on, ignoring the stop): blocked across the fork, the worker
        # takes it once its server has its handlers (_WorkerServer.startup).
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        pid = os.fork()
        if pid:
            self.started[pid] = time.monotonic()  # first: a stop delivered at unblock sees it
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
            return
        status = 1
        try:
            os.close(self.lifeline_write)
            _die_with_parent(parent, self.lifeline_read)
            self.serve()
            status = 0
        finally:
            sys.stderr.flush()
            os._exit(status)

    def serve(self) -> None:
        """The worker's side: serve until SIGINT or SIGTERM, then close the store."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            # uvicorn stops gracefully on these, then re-raises them to this no-op, so the
            # store closes and the worker exits 0.
            signal.signal(sig, lambda number, frame: None)
        host, port = self.sock.getsockname()[:2]
        if self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            own = self.sock
        else:
            own = bind(host, port, reuse_port=True, listen=True)
            self.sock.close()  # the parent's placeholder must not hold the port after us
        app = create_app(api_keys=self.api_keys, db_path=self.db_path, **self.app_options)
        server = _WorkerServer(uvicorn_config(app, host, port, limits=self.limits))
        server.run(sockets=[own])
        app.state.store.close()


class _WorkerServer(uvicorn.Server):
    """uvicorn's server, taking the stop signals blocked since the fork once it handles them."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _die_with_parent(parent: int, lifeline: int) -> None:
    """End this worker when ``parent`` dies: at once on Linux (``PR_SET_PDEATHSIG``), else
    when the lifeline pipe, whose write end only the parent holds, reads end-of-file."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # it died before the line above: nobody would signal us
        os._exit(1)

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(lifeline, 1):
                pass
        os.kill(os.getpid(), signal.SIGTERM)  # graceful first: the store closes
        time.sleep(_ORPHAN_GRACE)
        os._exit(1)

    threading.Thread(target=watch, name="lotuspay-lifeline", daemon=True).start()
