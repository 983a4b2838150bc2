"""Benchmark: adaptive concurrency (``run_suite(jobs=None)``) against fixed ``jobs``.

Not a test. The mock is served in a child process (its own interpreter, as a remote target
would be), loopback only, a fresh one per run; the suite runs in this process through
``run_suite``. Three targets:

- ``latency``: every answer held ``--latency-ms`` (default 40): ``jobs=1``, ``jobs=8`` and
  adaptive, wall time and verdicts (check id and status) compared;
- ``rate_limited``: the mock's quirk (every 9th request of a key gets 429, ``Retry-After: 0``):
  adaptive vs ``jobs=8``, failed checks and 429 answers counted;
- ``bucket``: a sandbox-like limit of ``--bucket-rate`` requests per second per key (a token
  bucket in front of the mock, ``Retry-After: 1``), answers held ``--latency-ms``: adaptive vs
  ``jobs=8``, failed checks and 429 answers counted.

Usage::

    python bench/adaptive.py [--tier standard] [--latency-ms 40] [--bucket-rate 40]
        [--only latency,rate_limited,bucket]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

KEYS = ("sk_test_benchmarkAdapt0123456789ab", "sk_test_benchmarkAdapt0123456789cd")


def _bucket(app: Any, rate: float) -> Any:
    """Wrap ASGI ``app``: past ``rate`` requests per second per key (burst ``rate``), a 429."""
    buckets: dict[bytes, tuple[float, float]] = {}
    lock = threading.Lock()

    async def limited(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        key = dict(scope["headers"]).get(b"authorization", b"")
        now = time.monotonic()
        with lock:
            tokens, last = buckets.get(key, (rate, now))
            tokens = min(rate, tokens + (now - last) * rate)
            allowed = tokens >= 1
            buckets[key] = (tokens - 1 if allowed else tokens, now)
        if allowed:
            await app(scope, receive, send)
            return
        body = b'{"error": {"type": "rate_limit_error", "message": "Too many requests."}}'
        headers = [(b"content-type", b"application/json"), (b"retry-after", b"1")]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return limited


def serve(port_file: str, target: str, latency_ms: float, rate: float) -> None:
    """Child process: serve the mock for ``target``; write its URL to ``port_file``."""
    import uvicorn

    from lotuspay_contract.conformance.mock import create_app
    from lotuspay_contract.conformance.mock._server import bind_socket, uvicorn_config

    quirks = ["rate_limited"] if target == "rate_limited" else []
    app: Any = create_app(api_keys=list(KEYS), latency_ms=latency_ms, quirks=quirks)
    if target == "bucket":
        app = _bucket(app, rate)
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0))
    Path(port_file).write_text(f"http://127.0.0.1:{sock.getsockname()[1]}")
    server.run(sockets=[sock])


def _run(args: argparse.Namespace, tmp: Path, target: str, jobs: int | None) -> dict[str, Any]:
    from lotuspay_contract.conformance.suite import TIERS, RunSettings, new_run_id, run_suite

    port_file = tmp / f"port-{time.monotonic_ns()}"
    latency = 0.0 if target == "rate_limited" else args.latency_ms
    child = subprocess.Popen(
        [
            *(sys.executable, __file__, "--serve", str(port_file), "--target", target),
            *("--latency-ms", str(latency), "--bucket-rate", str(args.bucket_rate)),
        ]
    )
    try:
        for _ in range(300):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.1)
        settings = RunSettings(
            base_url=port_file.read_text(),
            api_key=KEYS[0],
            second_key=KEYS[1],
            tier=TIERS[args.tier],
            seed=1,
            run_id=new_run_id(),
        )
        started = time.perf_counter()
        result = run_suite(settings, jobs=jobs, max_duration=args.max_duration)
        elapsed = time.perf_counter() - started
    finally:
        child.terminate()
        child.wait(30)
    return {
        "wall": elapsed,
        "requests": result.requests,
        "throttled": result.throttled,
        "counts": result.counts(),
        "verdicts": {r.check.id: r.status for r in result.results},
    }


def _row(target: str, name: str, run: dict[str, Any]) -> str:
    counts = run["counts"]
    return (
        f"{target:<13} {name:<10} {run['wall']:8.1f} {run['requests']:>8} {run['throttled']:>6} "
        f"{counts['failed']:>6} {counts['error']:>5} {counts['not_exercised']:>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--target", default="latency", help=argparse.SUPPRESS)
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--bucket-rate", type=float, default=40.0)
    parser.add_argument("--tier", default="standard", choices=("smoke", "standard", "deep"))
    parser.add_argument("--max-duration", type=float, default=600.0)
    parser.add_argument("--only", default="latency,rate_limited,bucket")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.target, args.latency_ms, args.bucket_rate)
        return
    plans = {
        "latency": [("jobs=1", 1), ("jobs=8", 8), ("adaptive", None)],
        "rate_limited": [("jobs=8", 8), ("adaptive", None)],
        "bucket": [("jobs=8", 8), ("adaptive", None)],
    }
    print(
        f"tier {args.tier}, seed 1, latency {args.latency_ms:g} ms, bucket {args.bucket_rate:g}/s"
    )
    print(
        f"{'target':<13} {'mode':<10} {'wall s':>8} {'requests':>8} {'429s':>6} "
        f"{'failed':>6} {'error':>5} {'not ex':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for target in args.only.split(","):
            runs = [(name, _run(args, Path(tmp), target, jobs)) for name, jobs in plans[target]]
            for name, run in runs:
                print(_row(target, name, run), flush=True)
            first = runs[0][1]["verdicts"]
            for name, run in runs[1:]:
                found = run["verdicts"]
                differ = sorted(
                    k for k in first.keys() | found.keys() if first.get(k) != found.get(k)
                )
                same = "identical" if not differ else "differ: " + ", ".join(differ)
                print(f"{target:<13} {name} vs {runs[0][0]}: verdicts {same}")


if __name__ == "__main__":
    main()
