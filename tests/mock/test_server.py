"""The mock over real loopback sockets: the CLI, running_mock, restarts with --db, concurrency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from mock_support import BANK_ACCOUNT, CUSTOMER, TEST_KEY, checked, error_of

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.mock import running_mock

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0


@contextmanager
def cli_mock(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``lotuspay-contract mock`` on a free port; yield its printed base URL and process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=TIMEOUT)
        for pipe in (process.stdout, process.stderr):  # else a ResourceWarning, an error here
            if pipe is not None:
                pipe.close()


def test_cli_serves_and_stops_cleanly_on_sigterm() -> None:
    key = "sk_live_clitestkey0000000000000"
    with cli_mock("--api-key", key, "--seed-customers", "3") as (url, process):
        with httpx.Client(base_url=url, auth=(key, ""), timeout=TIMEOUT) as client:
            listing = checked(client.get("/v1/customers"), "customer_list")
            assert listing["total_count"] == 3
            assert all(c["livemode"] is True for c in listing["data"])
            error_of(client.get("/v1/customers", auth=(TEST_KEY, "")), 401)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=TIMEOUT) == 0
        assert process.stderr is not None
        log = process.stderr.read()
    assert key not in log
    assert "sk_live_****" in log


def test_cli_with_a_fault_misbehaves() -> None:
    with cli_mock("--api-key", TEST_KEY, "--fault", "created_milliseconds") as (url, _):
        response = httpx.post(f"{url}/v1/customers", auth=(TEST_KEY, ""), timeout=TIMEOUT)
        assert response.json()["created"] > 10**12


def test_cli_rejects_unknown_fault_names() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock", "--fault", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 2
    assert "lotuspay-contract faults" in result.stderr


def test_cli_lists_faults() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", "faults"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0
    assert "created_milliseconds" in result.stdout
    assert "[doc]" in result.stdout


def test_restart_with_db_keeps_everything(tmp_path: Path) -> None:
    db = str(tmp_path / "mock.sqlite3")
    auth = (TEST_KEY, "")
    with (
        cli_mock("--api-key", TEST_KEY, "--db", db) as (url, _),
        httpx.Client(base_url=url, auth=auth, timeout=TIMEOUT) as c,
    ):
        made = checked(
            c.post("/v1/customers", json=CUSTOMER, headers={"idempotency-key": "k"}), "customer"
        )
        path = f"/v1/customers/{made['id']}/bank_accounts"
        account = checked(c.post(path, data=BANK_ACCOUNT), "bank_account")
        before = checked(c.get(f"/v1/customers/{made['id']}"), "customer")
    with (
        cli_mock("--api-key", TEST_KEY, "--db", db) as (url, _),
        httpx.Client(base_url=url, auth=auth, timeout=TIMEOUT) as c,
    ):
        assert checked(c.get(f"/v1/customers/{made['id']}"), "customer") == before
        assert checked(c.get(f"{path}/{account['id']}"), "bank_account") == account
        replay = c.post("/v1/customers", json=CUSTOMER, headers={"idempotency-key": "k"})
        assert checked(replay, "customer") == made
        assert checked(c.get("/v1/customers"), "customer_list")["total_count"] == 1


def test_running_mock_yields_a_live_url_and_stops() -> None:
    with running_mock(seed_customers=2) as url:
        response = httpx.get(f"{url}/v1/customers", auth=(url.api_keys[0], ""), timeout=TIMEOUT)
        assert checked(response, "customer_list")["total_count"] == 2
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/v1/customers", timeout=1.0)


def test_concurrent_creates_on_loopback(any_key_mock: str) -> None:
    """8 clients x 200 creates, every 10th with a key shared by all clients."""
    key = "sk_test_concurrency00000000000"
    clients, creates, shared_every = 8, 200, 10
    results: list[list[tuple[int, str, bool]]] = [[] for _ in range(clients)]

    def work(n: int) -> None:
        with httpx.Client(base_url=any_key_mock, auth=(key, ""), timeout=TIMEOUT) as client:
            for i in range(creates):
                shared = i % shared_every == 0
                headers = {"idempotency-key": f"shared-{i}" if shared else f"own-{n}-{i}"}
                body = {"name": f"shared {i}" if shared else f"client {n} #{i}"}
                r = client.post("/v1/customers", json=body, headers=headers)
                results[n].append((r.status_code, r.json().get("id", ""), shared))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    answers = [a for per_client in results for a in per_client]
    assert len(answers) == clients * creates
    assert Counter(status for status, _, _ in answers) == {200: clients * creates}
    shared_ids = {i for _, i, shared in answers if shared}
    own_ids = [i for _, i, shared in answers if not shared]
    assert len(shared_ids) == creates // shared_every  # one object per shared key
    assert len(set(own_ids)) == len(own_ids)
    expected = len(own_ids) + len(shared_ids)
    with httpx.Client(base_url=any_key_mock, auth=(key, ""), timeout=TIMEOUT) as client:
        listing = checked(client.get("/v1/customers?limit=1"), "customer_list")
        assert listing["total_count"] == expected
        for customer_id in [*shared_ids, *own_ids[::50]]:
            checked(client.get(f"/v1/customers/{customer_id}"), "customer")


def test_latency_delays_every_answer_without_blocking_others() -> None:
    """``latency_ms`` waits before each answer, errors included, and waits concurrently: 8
    requests at once take less than the 8 waits one after another would (2 s)."""
    latency, requests = 0.25, 8
    with running_mock(latency_ms=latency * 1000) as url:
        auth = (url.api_keys[0], "")

        def timed(path: str, results: list[float]) -> None:
            start = time.monotonic()
            httpx.get(f"{url}{path}", auth=auth, timeout=TIMEOUT)
            results.append(time.monotonic() - start)

        alone: list[float] = []
        for path in ("/v1/customers", "/v1/customers/CU0000NOTTHERE", "/v1/nowhere"):
            timed(path, alone)
        assert min(alone) >= latency, alone
        together: list[float] = []
        threads = [
            threading.Thread(target=timed, args=("/v1/customers", together))
            for _ in range(requests)
        ]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT * 2)
        assert len(together) == requests
        assert min(together) >= latency
        assert time.monotonic() - start < latency * requests


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
def test_cli_rejects_bad_latency(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock", "--latency-ms", value]) == 2
    expected = f"--latency-ms: expected a number of milliseconds of at least 0, got {value!r}"
    assert expected in capsys.readouterr().err


def test_running_mock_rejects_negative_latency() -> None:
    with pytest.raises(ValueError, match="latency_ms must be a finite number of at least 0"):
        running_mock(latency_ms=-5).__enter__()
