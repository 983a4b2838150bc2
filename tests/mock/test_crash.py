"""Crash safety: ``kill -9`` a real mock mid-load, restart it on the same SQLite file, retry.

Each round runs a few clients making keyed creates (customers and bank accounts) against a real
``lotuspay-contract mock --db FILE`` process, kills it at a random moment, restarts it on the
same file and retries every unanswered request with its Idempotency-Key. Then the listings must
hold exactly one object per key, and every object acknowledged before the crash (spec:
idempotency; a retry after a lost answer must not create a second object).
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from mock_support import BANK_ACCOUNT

ROUNDS = 20
CLIENTS = 3
CREATES = 40  # per client at most; the kill comes long before most are sent
TIMEOUT = 10.0
HERE = Path(__file__).resolve().parent


class Forks:
    """Drive ``mock_forks.py``: start real mock processes on a db file, ``kill -9`` them."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def _ask(self, line: str) -> str:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def start(self, db: Path) -> tuple[int, str]:
        pid, _, url = self._ask(f"start {db}").partition(" ")
        assert url.startswith("http://127.0.0.1:"), (pid, url)
        return int(pid), url

    def kill(self, pid: int) -> None:
        assert self._ask(f"kill {pid}") == "killed"


@pytest.fixture(scope="module")
def forks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forks]:
    log = tmp_path_factory.mktemp("forks") / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "mock_forks.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        assert process.stdout is not None
        try:
            assert process.stdout.readline().strip() == "ready", log.read_text()
            yield Forks(process)
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=TIMEOUT)
            process.stdout.close()


@dataclass
class Round:
    """What one round sent and what came back."""

    key: str
    parent: str = ""
    # Idempotency-Key -> (path, body) of every create sent; acknowledged answers by key.
    sent: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    acknowledged: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _load(client: httpx.Client, url: str, state: Round, number: int, go: threading.Barrier) -> None:
    """Keyed creates, alternating customers and bank accounts, until the first lost answer."""
    bank_accounts = f"{url}/v1/customers/{state.parent}/bank_accounts"
    auth = httpx.BasicAuth(state.key, "")
    go.wait(timeout=TIMEOUT)
    for i in range(CREATES):
        key = f"c{number}-{i}"
        if i % 2:
            path, body = bank_accounts, {**BANK_ACCOUNT, "account_holder_name": key}
        else:
            path, body = f"{url}/v1/customers", {"name": key}
        with state.lock:
            state.sent[key] = (path, body)
        try:
            response = client.post(path, data=body, headers={"idempotency-key": key}, auth=auth)
        except httpx.TransportError:
            return  # the mock died: this request is unanswered
        with state.lock:
            if response.status_code != 200:
                state.refused.append(response.text)
                return
            state.acknowledged[key] = response.json()["id"]


def _run_round(
    forks: Forks, clients: list[httpx.Client], db: Path, number: int, rng: random.Random
) -> tuple[int, int]:
    """One crash round; return (objects created, retries answered as replays)."""
    state = Round(key=f"sk_test_crashround{number:04d}")
    auth = httpx.BasicAuth(state.key, "")
    main, *loaders = clients
    pid, url = forks.start(db)
    state.parent = main.post(f"{url}/v1/customers", data={"name": "p"}, auth=auth).json()["id"]
    go = threading.Barrier(len(loaders) + 1)
    threads = [
        threading.Thread(target=_load, args=(client, url, state, n, go))
        for n, client in enumerate(loaders)
    ]
    for thread in threads:
        thread.start()
    go.wait(timeout=TIMEOUT)
    time.sleep(rng.uniform(0.01, 0.12))
    forks.kill(pid)
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert state.refused == []
    unanswered = {k: v for k, v in state.sent.items() if k not in state.acknowledged}

    pid, url = forks.start(db)
    try:
        answers = dict(state.acknowledged)
        replays = 0
        for key, (path, body) in unanswered.items():
            path = url + path[path.index("/v1/") :]  # the same request to the new port
            retry = main.post(path, data=body, headers={"idempotency-key": key}, auth=auth)
            assert retry.status_code == 200, retry.text
            answers[key] = retry.json()["id"]
            replays += retry.headers.get("idempotent-replayed") == "true"
        customers = main.get(f"{url}/v1/customers?limit=100", auth=auth).json()
        bank_accounts = f"{url}/v1/customers/{state.parent}/bank_accounts?limit=100"
        accounts = main.get(bank_accounts, auth=auth).json()
    finally:
        forks.kill(pid)

    listed = [c["id"] for c in customers["data"] if c["id"] != state.parent]
    listed += [b["id"] for b in accounts["data"]]
    assert customers["total_count"] - 1 + accounts["total_count"] == len(listed)
    # One object per key: no duplicate, nothing lost, every acknowledged id still there.
    assert len(listed) == len(state.sent), (len(listed), len(state.sent), number)
    assert sorted(listed) == sorted(answers.values())
    assert set(state.acknowledged.values()) <= set(listed)
    return len(listed), replays


def test_kill_9_mid_load_never_duplicates_nor_loses(forks: Forks, tmp_path: Path) -> None:
    db = tmp_path / "mock.sqlite3"  # one file for every round; each round is its own account
    rng = random.Random(20_240_909)
    created = replays = 0
    clients = [httpx.Client(timeout=TIMEOUT) for _ in range(CLIENTS + 1)]
    try:
        for number in range(ROUNDS):
            made, replayed = _run_round(forks, clients, db, number, rng)
            created += made
            replays += replayed
    finally:
        for client in clients:
            client.close()
    # The kills landed mid-load: objects were created, and some answers were lost after commit.
    assert created > ROUNDS * CLIENTS
    print(f"{ROUNDS} rounds, {created} objects, {replays} retries answered by replay")


def _unkeyed_load(
    client: httpx.Client, url: str, key: str, number: int, acknowledged: list[str]
) -> None:
    """Unkeyed creates until the first lost answer; record every acknowledged id."""
    for i in range(CREATES):
        try:
            response = client.post(f"{url}/v1/customers", data={"name": f"u{number}-{i}"},
                                   auth=(key, ""))  # fmt: skip
        except httpx.TransportError:
            return  # the mock died: this request is unanswered
        assert response.status_code == 200, response.text
        acknowledged.append(response.json()["id"])


def test_kill_9_keeps_every_acknowledged_unkeyed_create(forks: Forks, tmp_path: Path) -> None:
    """Unkeyed creates of one event-loop turn commit together (group commit): an answer is
    sent only after its commit, so no acknowledged customer is lost to a crash."""
    db = tmp_path / "mock.sqlite3"
    rng = random.Random(20_261_130)
    acknowledged_total = 0
    clients = [httpx.Client(timeout=TIMEOUT) for _ in range(CLIENTS)]
    try:
        for number in range(ROUNDS // 2):
            key = f"sk_test_unkeyedround{number:04d}"
            pid, url = forks.start(db)
            acknowledged: list[str] = []
            threads = [
                threading.Thread(target=_unkeyed_load, args=(client, url, key, n, acknowledged))
                for n, client in enumerate(clients)
            ]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.01, 0.12))
            forks.kill(pid)
            for thread in threads:
                thread.join(timeout=TIMEOUT)
            pid, url = forks.start(db)
            try:
                pages = [
                    clients[0].get(f"{url}/v1/customers?page={page}", auth=(key, "")).json()
                    for page in (1, 2)  # at most CLIENTS * CREATES = 120 customers
                ]
            finally:
                forks.kill(pid)
            ids = [customer["id"] for page in pages for customer in page["data"]]
            assert len(ids) == len(set(ids)) == pages[0]["total_count"]
            assert set(acknowledged) <= set(ids), (number, len(acknowledged), len(ids))
            acknowledged_total += len(acknowledged)
    finally:
        for client in clients:
            client.close()
    assert acknowledged_total > ROUNDS // 2 * CLIENTS  # the kills landed mid-load
