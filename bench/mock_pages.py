"""Benchmark the mock's pages: does a page of 100 cost more when the account is large?

One ``lotuspay-contract mock --db FILE`` process serves two accounts: one with 30,000 customers
and one with 100 (both written to the file before the mock starts). One client on loopback asks
for page 1 and the last page of 100 of each account, in turns, and reports the median time per
request through HTTP and the server's CPU time per request. Target: the large account's pages
within 1.5x the small one's.

    python bench/mock_pages.py [--customers 30000] [--requests 200] [--workers 1]

Not a test: it prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mock import ROOT, cpu_seconds, free_port, server  # noqa: UP026

from lotuspay_contract.conformance.mock._requests import authenticate
from lotuspay_contract.conformance.mock._seed import seed_customer_params
from lotuspay_contract.conformance.mock._store import Store

BIG_KEY = "sk_test_benchmarkbig0000000000000"
SMALL_KEY = "sk_test_benchmarksmall00000000000"


def populate(path: str, customers: int) -> None:
    """Write both accounts to the file: ``customers`` in one, 100 in the other."""
    store = Store(path)
    for key, count in ((BIG_KEY, customers), (SMALL_KEY, 100)):
        account = authenticate("Basic " + base64.b64encode(f"{key}:".encode()).decode(), None)
        store.open_account(account.id, False, (seed_customer_params(i) for i in range(count)))
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=30_000, help="in the large account")
    parser.add_argument("--requests", type=int, default=200, help="per case and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    parser.add_argument("--workers", type=int, default=1, help="mock processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "pages.sqlite3")
        started = time.perf_counter()
        populate(db, args.customers)
        print(f"wrote {args.customers} + 100 customers in {time.perf_counter() - started:.1f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock"]
        command += ["--port", str(port), "--db", db, "--workers", str(args.workers)]
        command += ["--api-key", BIG_KEY, "--api-key", SMALL_KEY]
        last_big = (args.customers + 99) // 100
        cases = {
            "page 1, 100 in account": (SMALL_KEY, 1),
            f"page 1, {args.customers}": (BIG_KEY, 1),
            "last page, 100": (SMALL_KEY, 1),
            f"last page ({last_big}), {args.customers}": (BIG_KEY, last_big),
        }
        wall: dict[str, float] = {}
        cpu: dict[str, float] = {}
        with (
            server(command, f"{base}/v1/customers", ROOT) as pid,
            httpx.Client(base_url=base, timeout=10.0) as client,
        ):
            for _ in range(args.repeat):
                for name, (key, page) in cases.items():
                    auth = (key, "")
                    params = {"limit": 100, "page": page}
                    for _ in range(20):  # warm the connection and SQLite's page cache
                        client.get("/v1/customers", params=params, auth=auth)
                    times = []
                    before = cpu_seconds(pid)
                    for _ in range(args.requests):
                        start = time.perf_counter()
                        response = client.get("/v1/customers", params=params, auth=auth)
                        times.append(time.perf_counter() - start)
                        assert len(response.json()["data"]) == 100, response.text[:200]
                    spent = (cpu_seconds(pid) - before) / args.requests
                    wall[name] = min(wall.get(name, 1e9), statistics.median(times) * 1e3)
                    cpu[name] = min(cpu.get(name, 1e9), spent * 1e3)
    print(f"one client, loopback, {args.requests} requests per case, best of {args.repeat}")
    print(f"{'case':<30}{'median ms':>12}{'server CPU ms':>16}")
    for name in cases:
        print(f"{name:<30}{wall[name]:>12.2f}{cpu[name]:>16.2f}")
    names = list(cases)
    for label, small, big in (("page 1", names[0], names[1]), ("last page", names[2], names[3])):
        print(
            f"{label}: {args.customers} vs 100 customers: {wall[big] / wall[small]:.2f}x wall, "
            f"{cpu[big] / cpu[small]:.2f}x server CPU (target within 1.5x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
