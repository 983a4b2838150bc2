"""``mock --workers N``: the workers end with their parent, however it ends (kill -9 too)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from lotuspay_contract.conformance.mock._workers import WORKERS_SUPPORTED

pytestmark = pytest.mark.skipif(not WORKERS_SUPPORTED, reason="--workers forks (POSIX only)")

#: The stated requirement: the port is free again within 2 s of the parent's death.
PORT_FREE_WITHIN = 2.0


def _port_free(port: int) -> bool:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _wait_port_free(port: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if _port_free(port):
            return True
        time.sleep(0.02)
    return _port_free(port)


def _start(tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock"]
    command += ["--workers", "2", "--db", str(tmp_path / "mock.db"), "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # both workers start; one answering is enough
        try:
            if httpx.get(f"{url}/v1/customers", timeout=1).status_code == 401:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.communicate()  # closes the pipe
    raise AssertionError("the workers never answered")


def _children(pid: int) -> list[int]:
    """The worker pids (Linux /proc), to clean up after a failure; [] elsewhere."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_kill_9_of_the_parent_frees_the_port(tmp_path: Path) -> None:
    process, url = _start(tmp_path)
    port = int(url.rsplit(":", 1)[1])
    workers = _children(process.pid)
    try:
        assert not _port_free(port)  # the workers hold it while serving
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=5)  # waits, and closes the pipe
        free = _wait_port_free(port, PORT_FREE_WITHIN)
        assert free, f"port {port} still held {PORT_FREE_WITHIN} s after the parent died"
    finally:
        for pid in workers:  # orphans of a failed run must not outlive the test
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_still_stops_every_worker(tmp_path: Path) -> None:
    process, url = _start(tmp_path)
    port = int(url.rsplit(":", 1)[1])
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=10)  # waits, and closes the pipe
    assert process.returncode == 0
    assert _wait_port_free(port, PORT_FREE_WITHIN)


def test_workers_without_fork_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lotuspay_contract.conformance import mock
    from lotuspay_contract.conformance.cli import main
    from lotuspay_contract.conformance.mock import _workers

    monkeypatch.setattr(_workers, "WORKERS_SUPPORTED", False)
    monkeypatch.setattr(mock, "WORKERS_SUPPORTED", False)  # what the CLI reads
    status = main(["mock", "--workers", "2", "--db", str(tmp_path / "m.db"), "--port", "0"])
    assert status == 2
    assert "--workers needs os.fork" in capsys.readouterr().err
    with socket.socket() as sock, pytest.raises(RuntimeError, match=r"needs os\.fork"):
        _workers.serve_workers(sock, 2, db_path=str(tmp_path / "m.db"), api_keys=())
