"""Benchmark: requests per second of the standard tier vs the Schemathesis CLI, same mock.

Not a test. Starts the mock in a child process (so neither tool shares a GIL with the server),
behind a tiny ASGI wrapper that counts requests (``GET /__count``). Then, in one run:

1. the smoke tier (wall time, as the README promises < 30 s);
2. the standard tier, in-process through ``run_suite``;
3. ``schemathesis run`` on schemas/openapi.yaml with a comparable number of requests.

Usage::

    python bench/suite.py [--schemathesis-examples N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk_test_benchmark0123456789abcd"


def serve(port_file: str) -> None:
    """Child process: serve the mock with a request counter; write the URL to ``port_file``."""
    import uvicorn

    from lotuspay_contract.conformance.mock import create_app
    from lotuspay_contract.conformance.mock._server import bind_socket, uvicorn_config

    app = create_app(api_keys=[KEY])
    count = 0

    async def counting(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal count
        if scope["type"] == "http" and scope["path"] == "/__count":
            body = json.dumps({"requests": count}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http":
            count += 1
        await app(scope, receive, send)

    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(counting, "127.0.0.1", 0))  # type: ignore[arg-type]
    Path(port_file).write_text(f"http://127.0.0.1:{sock.getsockname()[1]}")
    server.run(sockets=[sock])


def _count(url: str) -> int:
    with urllib.request.urlopen(f"{url}/__count", timeout=5) as answer:  # loopback only
        return int(json.load(answer)["requests"])


def _ours(url: str, tier: str) -> tuple[float, int, int]:
    from lotuspay_contract.conformance.suite import TIERS, RunSettings
    from lotuspay_contract.conformance.suite._runner import new_run_id, run_suite

    before = _count(url)
    started = time.perf_counter()
    result = run_suite(RunSettings(url, KEY, TIERS[tier], seed=1, run_id=new_run_id()))
    elapsed = time.perf_counter() - started
    return elapsed, _count(url) - before, result.exit_code


def _schemathesis(url: str, examples: int) -> tuple[float, int, int]:
    exe = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    command = [
        exe,
        "run",
        str(ROOT / "schemas" / "openapi.yaml"),
        "--url",
        url,
        "--auth",
        f"{KEY}:",
        "--max-examples",
        str(examples),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--checks",
        "all",
        "--seed",
        "1",
        "--no-color",
    ]
    before = _count(url)
    started = time.perf_counter()
    # A scratch directory: the CLI leaves a .schemathesis/ cache behind in its working directory.
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=900, check=False, cwd=scratch
        )
    elapsed = time.perf_counter() - started
    return elapsed, _count(url) - before, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schemathesis-examples", type=int, default=100)
    parser.add_argument("--serve", metavar="PORT_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    port_file = ROOT / "bench" / ".mock-url"
    port_file.unlink(missing_ok=True)
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 15
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        url = port_file.read_text()
        time.sleep(0.3)
        rows = []
        for name, run in (
            ("ours smoke", lambda: _ours(url, "smoke")),
            ("ours standard", lambda: _ours(url, "standard")),
            (
                f"schemathesis --max-examples {args.schemathesis_examples}",
                lambda: _schemathesis(url, args.schemathesis_examples),
            ),
        ):
            elapsed, requests, code = run()
            rows.append((name, elapsed, requests, requests / elapsed, code))
        print(f"{'run':<40} {'wall s':>8} {'requests':>9} {'req/s':>8} {'exit':>5}")
        for name, elapsed, requests, rate, code in rows:
            print(f"{name:<40} {elapsed:>8.2f} {requests:>9} {rate:>8.0f} {code:>5}")
        print(f"ratio standard/schemathesis: {rows[1][3] / rows[2][3]:.2f}x")
    finally:
        child.terminate()
        child.wait(10)
        port_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
