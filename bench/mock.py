"""Benchmark the mock: requests/second for GET one customer, GET a page of 100, POST create.

Side by side in one run, each server in its own process on loopback with the same uvicorn
settings (uvloop, httptools, no access log):

- ``mock``: ``lotuspay-contract mock`` (SQLite in memory, 100 seeded customers);
- ``mock-db``: the same on a SQLite file (``--db``), one process;
- ``mock-w2``: the same file served by ``--workers 2`` (two processes, one WAL file);
- ``stub``: a minimal Starlette app answering a fixed customer (the ceiling for Starlette);
- ``prism``: Prism on ``schemas/openapi.yaml``, when ``--prism`` names its executable;
- ``base``: the mock of another checkout, when ``--baseline DIR`` names one (e.g. made with
  ``git archive REV | tar -x -C DIR``): a before/after comparison on the same machine load.

All servers run at once and the cases take turns (``--repeat`` rounds), so a change in the
machine's load hits every column alike. Ratios are reported as the best rounds' ratio with the
lowest and highest single-round ratio beside it (the noise), and as ratios of server CPU time
per request, which other load on a shared machine moves much less than requests/second. On a
2-core machine wrk takes part of a core: ``--workers 2`` cannot reach 2x, and its CPU per
request (both processes summed) is the fair check that a second worker costs nothing extra.

The load comes from ``wrk`` when it is installed (a C load generator: the numbers measure the
server), otherwise from an httpx client (then the client is the bottleneck on a small machine and
only the ratios mean something). Bounded: a few seconds per case, loopback only.

    python bench/mock.py [--seconds 3] [--connections 16] [--repeat 3] [--prism PATH/TO/prism]
                         [--baseline DIR]

Not a test: it prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk_test_benchmark000000000000000"
AUTH = "Basic " + __import__("base64").b64encode(f"{KEY}:".encode()).decode()
CUSTOMER_BODY = {"name": "Asha Verma", "email": "asha@example.in", "metadata": {"plan": "gold"}}


def serve_stub(port: int) -> None:
    """Run the fixed-answer Starlette app (the comparison point) on uvicorn."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from lotuspay_contract import schemas

    customer = schemas.load("customer")["examples"][0]
    one = json.dumps(customer).encode()
    page = json.dumps(
        {"object": "list", "data": [customer] * 100, "total_count": 100, "url": "/v1/customers"}
    ).encode()

    async def get_one(request: Request) -> Response:
        return Response(one, media_type="application/json")

    async def customers(request: Request) -> Response:
        if request.method == "POST":
            await request.body()
            return Response(one, media_type="application/json")
        return Response(page, media_type="application/json")

    app = Starlette(
        routes=[
            Route("/v1/customers", customers, methods=["GET", "POST"]),
            Route("/v1/customers/{id}", get_one),
        ]
    )
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; 0.0 elsewhere).

    On a shared machine, requests per second swing with other load; the CPU time a server
    spends per request does not, so it is the figure that compares two versions fairly.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (``--workers`` forks its servers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return cpu_seconds(pid) + sum(cpu_seconds(int(child)) for child in children)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def server(command: list[str], url: str, root: Path = ROOT) -> Iterator[int]:
    """Run a server until the block ends; yield its process id."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(url)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def servers(
    prism: str | None, baseline: Path | None, db_dir: Path
) -> Iterator[tuple[str, list[str], int, Path]]:
    port = free_port()
    yield "stub", [sys.executable, __file__, "--serve-stub", str(port)], port, ROOT

    def mock(port: int, *extra: str) -> list[str]:
        cli = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock"]
        return [*cli, "--port", str(port), "--seed-customers", "100", "--api-key", KEY, *extra]

    if baseline:
        port = free_port()
        yield "base", mock(port), port, baseline
    port = free_port()
    yield "mock", mock(port), port, ROOT
    port = free_port()
    yield "mock-db", mock(port, "--db", str(db_dir / "one.sqlite3")), port, ROOT
    port = free_port()
    w2 = mock(port, "--db", str(db_dir / "two.sqlite3"), "--workers", "2")
    yield "mock-w2", w2, port, ROOT
    if prism:
        port = free_port()
        spec = str(ROOT / "schemas" / "openapi.yaml")
        yield "prism", [prism, "mock", spec, "-p", str(port), "-h", "127.0.0.1"], port, ROOT


def run_wrk(url: str, method: str, seconds: float, connections: int) -> float:
    script = (
        f'wrk.method = "{method}"\n'
        f'wrk.headers["Authorization"] = "{AUTH}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        + (f"wrk.body = {json.dumps(json.dumps(CUSTOMER_BODY))}\n" if method == "POST" else "")
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", f.name, url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx answers from {method} {url}", file=sys.stderr)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


def run_httpx(url: str, method: str, seconds: float, connections: int) -> float:
    async def main() -> int:
        done = 0
        deadline = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=connections)
        headers = {"Authorization": AUTH}
        async with httpx.AsyncClient(limits=limits, headers=headers, timeout=10.0) as client:

            async def worker() -> None:
                nonlocal done
                while time.monotonic() < deadline:
                    if method == "POST":
                        await client.post(url, json=CUSTOMER_BODY)
                    else:
                        await client.get(url)
                    done += 1

            await asyncio.gather(*(worker() for _ in range(connections)))
        return done

    return asyncio.run(main()) / seconds


def first_customer(base: str) -> str:
    page = httpx.get(f"{base}/v1/customers?limit=1", headers={"Authorization": AUTH}, timeout=10)
    data = page.json().get("data") or [{"id": "CU0011AABBCC22"}]
    return str(data[0]["id"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each case")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--prism", help="Prism executable (npm install @stoplight/prism-cli)")
    parser.add_argument("--baseline", type=Path, help="another checkout whose mock to compare")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per case (best and spread)")
    parser.add_argument("--serve-stub", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_stub:
        serve_stub(args.serve_stub)
        return 0
    load = run_wrk if shutil.which("wrk") else run_httpx
    print(f"load generator: {'wrk' if load is run_wrk else 'httpx (client-bound)'}; "
          f"{args.connections} connections, {args.seconds:g} s per case, {args.repeat} "
          f"rounds, loopback; load average before: {load_average()}")  # fmt: skip
    rates: dict[str, dict[str, list[float]]] = {}  # requests/second, one per round
    cpu: dict[str, dict[str, list[float]]] = {}  # server CPU microseconds per request, per round
    with ExitStack() as stack:
        cases: dict[str, dict[str, tuple[str, str]]] = {}
        pids: dict[str, int] = {}
        db_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        for name, command, port, root in servers(args.prism, args.baseline, db_dir):
            base = f"http://127.0.0.1:{port}"
            pids[name] = stack.enter_context(server(command, f"{base}/v1/customers", root))
            customer = first_customer(base)
            cases[name] = {
                "GET one": (f"{base}/v1/customers/{customer}", "GET"),
                "GET page of 100": (f"{base}/v1/customers?limit=100", "GET"),
                "POST create": (f"{base}/v1/customers", "POST"),
            }
            rates[name] = {case: [] for case in cases[name]}
            cpu[name] = {case: [] for case in cases[name]}
        for case in cases["stub"]:
            for _ in range(args.repeat):  # the servers take turns: drift in load hits all alike
                for name in cases:
                    url, method = cases[name][case]
                    before = tree_cpu_seconds(pids[name])
                    rate = load(url, method, args.seconds, args.connections)
                    spent = tree_cpu_seconds(pids[name]) - before
                    rates[name][case].append(rate)
                    cpu[name][case].append(spent / (rate * args.seconds) * 1e6 if rate else 0.0)
    print(f"load average after: {load_average()}\n")
    report(rates, cpu)
    return 0


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


Rounds = dict[str, dict[str, list[float]]]  # server -> case -> one figure per round


def report(rates: Rounds, cpu: Rounds) -> None:
    """Print requests/second (best round), their ratios, and server CPU per request.

    A ratio "a/b" is a's rate over b's: the best rounds' ratio, then in brackets the lowest and
    highest ratio of a single round (both servers measured back to back, under the same load),
    which shows how much of the figure is noise. The CPU ratio is b's CPU per request over a's
    (higher is better, like the rate ratio): what the rate ratio would be if each server had a
    core of its own, which load on the machine does not move much.
    """
    names = list(rates)
    cases = list(rates["stub"])
    pairs = [("mock", "stub"), ("mock-w2", "stub"), ("mock-w2", "mock"), ("mock-w2", "mock-db")]
    pairs += [("mock", other) for other in ("base", "prism") if other in rates]
    print("requests/second, best of the rounds")
    print(f"{'case':<18}" + "".join(f"{n:>10}" for n in names))
    for case in cases:
        print(f"{case:<18}" + "".join(f"{max(rates[n][case]):>10.0f}" for n in names))
    print("\nserver CPU microseconds per request, all of a server's processes (lowest round; with")
    print("--workers the processes' CPU is summed)")
    print(f"{'case':<18}" + "".join(f"{n:>10}" for n in names))
    for case in cases:
        print(f"{case:<18}" + "".join(f"{min(cpu[n][case]):>10.0f}" for n in names))
    print("\nratios: rate a/b best rounds [lowest-highest single round]; CPU b/a per request")
    print(f"{'case':<18}{'pair':<18}{'rate':>8}{'rounds':>16}{'CPU':>8}")
    for case in cases:
        for a, b in pairs:
            best = _ratio(max(rates[a][case]), max(rates[b][case]))
            rounds = [_ratio(x, y) for x, y in zip(rates[a][case], rates[b][case], strict=True)]
            spread = f"[{min(rounds):.2f}-{max(rounds):.2f}]"
            per_request = _ratio(min(cpu[b][case]), min(cpu[a][case]))
            print(f"{case:<18}{a + '/' + b:<18}{best:>7.2f}x{spread:>16}{per_request:>7.2f}x")


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


if __name__ == "__main__":
    sys.exit(main())
