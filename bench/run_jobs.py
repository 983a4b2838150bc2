"""Benchmark: ``lotuspay-contract run --jobs 8`` vs ``--jobs 1`` against a slow server.

Not a test. A real target answers in tens of milliseconds, the local mock in one or two: the
mock here is served in a child process with its ``latency_ms`` option, holding every answer
``--latency-ms`` (default 40), so what ``--jobs`` saves is the waiting,
as it would be against a sandbox. Each run gets a fresh mock (the same empty account), loopback
only, bounded by ``--max-duration``. The verdicts (check id and status) of the runs are compared.

Usage::

    python bench/run_jobs.py [--tier deep] [--latency-ms 40] [--jobs 8] [--max-duration 1200]
        [--pytest]

With ``--pytest`` the plugin runs too: ``pytest -n 0`` against ``-n 4`` (pytest-xdist), and ``-n 4
--lotuspay-jobs 4`` (each worker runs a long check's parts in 4 threads).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

KEYS = ("sk_test_benchmarkJobs0123456789ab", "sk_test_benchmarkJobs0123456789cd")


def serve(port_file: str, latency_ms: float) -> None:
    """Child process: serve the mock, every answer held ``latency_ms``; write its URL."""
    import uvicorn

    from lotuspay_contract.conformance.mock import create_app
    from lotuspay_contract.conformance.mock._server import bind_socket, uvicorn_config

    # The mock's own --latency-ms: every answer held that long (the network and a busier server).
    app = create_app(api_keys=list(KEYS), latency_ms=latency_ms)
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0))  # type: ignore[arg-type]
    Path(port_file).write_text(f"http://127.0.0.1:{sock.getsockname()[1]}")
    server.run(sockets=[sock])


def _start_mock(tmp: Path, latency_ms: float) -> tuple[subprocess.Popen[bytes], str]:
    port_file = tmp / f"port-{time.monotonic_ns()}"
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port_file), "--latency-ms", str(latency_ms)]
    )
    for _ in range(300):  # 30 s at most
        if port_file.exists() and port_file.read_text():
            return child, port_file.read_text()
        time.sleep(0.1)
    child.kill()
    raise RuntimeError("the mock did not start within 30 s")


def _cli(url: str, args: argparse.Namespace, jobs: int, report: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "lotuspay_contract.conformance.cli", "run", "--base-url", url),
        *("--second-api-key", KEYS[1], "--tier", args.tier, "--seed", "1"),
        *("--jobs", str(jobs), "--max-duration", str(args.max_duration), "-q"),
        *("--report-json", str(report)),
    ]


def _pytest(
    url: str, args: argparse.Namespace, workers: int, parts: int, report: Path
) -> list[str]:
    return [
        *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(workers)),
        *("--lotuspay-url", url, "--lotuspay-second-key", KEYS[1], "--lotuspay-tier", args.tier),
        *("--lotuspay-seed", "1", "--lotuspay-jobs", str(parts)),
        *("--lotuspay-max-duration", str(args.max_duration), "--lotuspay-report-json", str(report)),
    ]


def _run(
    args: argparse.Namespace, tmp: Path, command: Callable[[str, Path], list[str]]
) -> tuple[float, dict[str, Any]]:
    child, url = _start_mock(tmp, args.latency_ms)
    report = tmp / f"report-{time.monotonic_ns()}.json"
    try:
        started = time.perf_counter()
        subprocess.run(
            command(url, report),
            cwd=tmp,  # no project's pytest configuration applies
            env={**os.environ, "LOTUSPAY_API_KEY": KEYS[0]},
            check=False,
            timeout=args.max_duration + 120,
        )
        elapsed = time.perf_counter() - started
    finally:
        child.terminate()
        child.wait(30)
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return elapsed, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--tier", default="deep", choices=("smoke", "standard", "deep"))
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--max-duration", type=float, default=1200.0)
    parser.add_argument(
        "--pytest", action="store_true", help="also the plugin: pytest -n 0 vs -n 4 (xdist)"
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.latency_ms)
        return
    modes: list[tuple[str, Callable[[str, Path], list[str]]]] = [
        ("run --jobs 1", lambda url, r: _cli(url, args, 1, r)),
        (f"run --jobs {args.jobs}", lambda url, r: _cli(url, args, args.jobs, r)),
    ]
    if args.pytest:
        modes += [
            ("pytest -n 0", lambda url, r: _pytest(url, args, 0, 1, r)),
            ("pytest -n 4", lambda url, r: _pytest(url, args, 4, 1, r)),
            ("pytest -n 4 --lotuspay-jobs 4", lambda url, r: _pytest(url, args, 4, 4, r)),
        ]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(name, *_run(args, Path(tmp), command)) for name, command in modes]
    print(f"tier {args.tier}, {args.latency_ms:g} ms added to every answer, seed 1")
    print(f"{'mode':<30}  {'wall s':>8}  {'requests':>8}  {'speed-up':>8}  verdict")
    for name, elapsed, report in rows:
        base = rows[2][1] if name.startswith("pytest") else rows[0][1]
        print(
            f"{name:<30}  {elapsed:8.1f}  {report['requests']:>8}  {base / elapsed:7.2f}x  "
            f"{report['verdict']} {report['summary']}"
        )
    verdicts = [{c["id"]: c["status"] for c in report["checks"]} for _, _, report in rows]
    for (name, _, _), found in zip(rows[1:], verdicts[1:], strict=True):
        differ = sorted(
            k for k in verdicts[0].keys() | found.keys() if verdicts[0].get(k) != found.get(k)
        )
        print(f"{name}: verdicts {'identical' if not differ else 'differ: ' + ', '.join(differ)}")
    slowest = sorted(rows[1][2]["checks"], key=lambda c: -c["duration_seconds"])[:3]
    longest = ", ".join(f"{c['id']} {c['duration_seconds']:.0f} s" for c in slowest)
    print(f"longest checks at --jobs {args.jobs}: {longest}")


if __name__ == "__main__":
    main()
