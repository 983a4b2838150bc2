"""``lotuspay-contract mock --workers 2 --db FILE``: two processes, one SQLite file, one truth.

A real two-worker mock on 127.0.0.1 takes a bounded burst of concurrent creates from several
threads, each thread on its own connections (so both workers serve): unkeyed creates, keyed
creates, and the same Idempotency-Keys sent from different threads at once. Afterwards the
listings must hold exactly the acknowledged objects: none lost, none duplicated, one object per
key, and nothing in the other account (spec: idempotency, accounts).
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_support import BANK_ACCOUNT

THREADS = 6
CREATES = 24  # per thread
SHARED_KEYS = 8  # keys every thread sends (same body): one object each
TIMEOUT = 10.0
#: A client with these limits opens a new connection for every request.
FRESH = httpx.Limits(max_keepalive_connections=0)
CLI = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock"]


@dataclass
class Mock:
    url: str
    keys: list[str]
    process: subprocess.Popen[str]


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    db = tmp_path_factory.mktemp("workers") / "mock.sqlite3"
    process = subprocess.Popen(
        [*CLI, "--workers", "2", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    try:
        url = process.stdout.readline().strip()
        banner = process.stderr.readline()
        keys = re.findall(r"sk_test_[A-Za-z0-9]{24}", banner)
        assert url.startswith("http://127.0.0.1:"), (url, banner)
        assert len(keys) == 2, banner
        _wait_until_serving(url, keys[0])
        yield Mock(url, keys, process)
    finally:
        process.terminate()
        process.communicate(timeout=TIMEOUT)  # waits, and closes the pipes
    assert process.returncode == 0


def _wait_until_serving(url: str, key: str) -> None:
    for _ in range(200):
        try:
            httpx.get(f"{url}/v1/customers", auth=(key, ""), timeout=1.0)
            return
        except httpx.TransportError:
            threading.Event().wait(0.05)
    raise AssertionError(f"{url} did not answer")


def _worker_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def test_every_worker_accepts_the_issued_keys(workers: Mock) -> None:
    # Each request on a new connection: the kernel hands them to both workers. A worker that
    # had issued its own keys would answer 401 to about half of them.
    with httpx.Client(timeout=TIMEOUT, limits=FRESH) as client:
        statuses = [
            client.get(f"{workers.url}/v1/customers", auth=(key, "")).status_code
            for _ in range(20)
            for key in workers.keys
        ]
    assert statuses == [200] * len(statuses)
    wrong = httpx.get(f"{workers.url}/v1/customers", auth=("sk_test_" + "x" * 24, ""), timeout=5)
    assert wrong.status_code == 401
    if Path("/proc").exists():
        assert len(_worker_pids(workers.process.pid)) == 2


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket table")
def test_each_worker_listens_on_a_socket_of_its_own(workers: Mock) -> None:
    """SO_REUSEPORT: the kernel spreads connections over the workers' sockets. Workers that
    accepted from one shared socket were not spread (one took nearly every connection)."""
    port = int(workers.url.rsplit(":", 1)[1])
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    listening = [row for row in rows if row[1].endswith(f":{port:04X}") and row[3] == "0A"]
    assert len(listening) == 2, listening


@dataclass
class Load:
    """What the threads sent and what was acknowledged."""

    acknowledged: list[tuple[str | None, str]] = field(default_factory=list)  # (key, id)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _create(
    client: httpx.Client, path: str, body: dict[str, str], key: str | None, load: Load
) -> None:
    headers = {"idempotency-key": key} if key else {}
    response = client.post(path, data=body, headers=headers)
    with load.lock:
        if response.status_code == 200:
            load.acknowledged.append((key, response.json()["id"]))
        else:
            load.refused.append(response.text)


def _thread(
    url: str, key: str, parent: str, number: int, load: Load, go: threading.Barrier
) -> None:
    go.wait(timeout=TIMEOUT)
    # Every fourth request on a fresh connection, the rest on this thread's own keep-alive one.
    with (
        httpx.Client(auth=(key, ""), timeout=TIMEOUT) as client,
        httpx.Client(auth=(key, ""), timeout=TIMEOUT, limits=FRESH) as fresh,
    ):
        for i in range(CREATES):
            if i % 2:
                path = f"{url}/v1/customers/{parent}/bank_accounts"
                body = {**BANK_ACCOUNT, "account_holder_name": f"t{number}-{i}"}
            else:
                path, body = f"{url}/v1/customers", {"name": f"t{number}-{i}"}
            idempotency_key: str | None
            if i % 3 == 0:
                idempotency_key = None
            elif i < SHARED_KEYS * 2:  # sent by every thread, bodies alike: one object per key
                idempotency_key = f"shared-{i}"
                body = {**body, "name": f"shared-{i}"} if "name" in body else body
                if "account_holder_name" in body:
                    body = {**body, "account_holder_name": f"shared-{i}"}
            else:
                idempotency_key = f"t{number}-{i}"
            _create(fresh if i % 4 == 0 else client, path, body, idempotency_key, load)


def _list_all(client: httpx.Client, path: str) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    total = 0
    for page in range(1, 50):
        body = client.get(path, params={"limit": 100, "page": page}).json()
        total = body["total_count"]
        if not body["data"]:
            return items, total
        items += body["data"]
    raise AssertionError("too many pages")


def test_concurrent_creates_across_workers_lose_and_duplicate_nothing(workers: Mock) -> None:
    url, (key, other) = workers.url, workers.keys
    with httpx.Client(auth=(key, ""), timeout=TIMEOUT) as client:
        parent = client.post(f"{url}/v1/customers", data={"name": "parent"}).json()["id"]
        load = Load()
        go = threading.Barrier(THREADS)
        threads = [
            threading.Thread(target=_thread, args=(url, key, parent, n, load, go))
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        assert load.refused == []
        assert len(load.acknowledged) == THREADS * CREATES

        # One object per key, whichever worker and connection each duplicate reached.
        by_key: dict[str, set[str]] = {}
        for idempotency_key, object_id in load.acknowledged:
            if idempotency_key:
                by_key.setdefault(idempotency_key, set()).add(object_id)
        assert all(len(ids) == 1 for ids in by_key.values()), by_key
        expected = {object_id for _, object_id in load.acknowledged}

        customers, customer_total = _list_all(client, f"{url}/v1/customers")
        banks, bank_total = _list_all(client, f"{url}/v1/customers/{parent}/bank_accounts")
        listed = [c["id"] for c in customers if c["id"] != parent] + [b["id"] for b in banks]
        assert len(listed) == len(set(listed)), "an object is listed twice"
        assert set(listed) == expected
        assert customer_total == len(customers)
        assert bank_total == len(banks)
        # The embedded list is the 10 most recent of the same bank accounts.
        embedded = client.get(f"{url}/v1/customers/{parent}").json()["bank_accounts"]
        assert embedded["total_count"] == bank_total
        assert [b["id"] for b in embedded["data"]] == [b["id"] for b in banks[:10]]

    with httpx.Client(auth=(other, ""), timeout=TIMEOUT) as client:
        assert client.get(f"{url}/v1/customers").json()["total_count"] == 0
        assert client.get(f"{url}/v1/customers/{parent}").status_code == 404


def test_workers_without_db_is_a_usage_error() -> None:
    result = subprocess.run(
        [*CLI, "--workers", "2", "--port", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "--db" in result.stderr
