"""A fork server for the crash test: real ``lotuspay-contract mock`` processes in milliseconds.

Starting ``python -m lotuspay_contract.conformance.cli mock`` costs about a second of imports;
twenty crash rounds need forty starts. This script imports the mock once, then, for each line
``start DB`` on stdin, forks a child that runs the CLI's own ``main(["mock", "--db", DB,
"--port", "0"])`` and answers ``PID URL``; ``kill PID`` sends that child SIGKILL (``kill -9``),
reaps it and answers ``killed``. It is single-threaded, so forking is safe.

    python tests/mock/mock_forks.py      # driven by tests/mock/test_crash.py
"""

from __future__ import annotations

import os
import signal
import sys


def _serve(db: str, write_end: int) -> None:
    """In the child: run the CLI with its stdout (the base URL line) on ``write_end``."""
    from lotuspay_contract.conformance.cli._main import main

    os.dup2(write_end, 1)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    os._exit(main(["mock", "--db", db, "--port", "0", "--accept-any-key"]))


def _start(db: str) -> str:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _serve(db, write_end)
        finally:
            os._exit(1)
    os.close(write_end)
    with os.fdopen(read_end) as child_stdout:
        url = child_stdout.readline().strip()
    return f"{pid} {url}"


def _kill(pid: int) -> str:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "killed"


def main() -> None:
    # Import (and warm) everything before the first fork: each child then starts at once.
    from lotuspay_contract.conformance.cli import _main  # noqa: F401
    from lotuspay_contract.conformance.mock._server import create_app, uvicorn_config
    from lotuspay_contract.conformance.validation import validate

    validate({"name": "warm"}, "customer_create", strict=True)
    validate({}, "bank_account_create", strict=True)
    app = create_app()
    uvicorn_config(app, "127.0.0.1", 0).load()  # imports the loop and protocol modules
    app.state.store.close()
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "start":
            print(_start(argument), flush=True)
        elif command == "kill":
            print(_kill(int(argument)), flush=True)


if __name__ == "__main__":
    main()
