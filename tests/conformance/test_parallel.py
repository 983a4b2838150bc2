"""``--jobs`` and ``--shard``: the same verdicts whatever the scheduling, on a clean and a faulty
mock; the deadline still cuts a parallel run cleanly; a client stops from another thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from suite_helpers import MOCK_KEYS, settings_for

from lotuspay_contract.conformance.client import DeadlineReached, LotusPayClient
from lotuspay_contract.conformance.mock import running_mock
from lotuspay_contract.conformance.report import merge_reports, report_data
from lotuspay_contract.conformance.suite import (
    DEADLINE_REASON,
    INTERRUPTED_REASON,
    RunResult,
    run_suite,
    select_checks,
    shard_checks,
)
from lotuspay_contract.conformance.suite._parallel import drives_hypothesis

# One per family the faults reach: a response check (content type) merged across shards, a list,
# idempotency, a 5xx on a bad body, auth.
FAULTS = (
    "errors_plain_text",
    # Not list_oldest_first: CUS-STATE-001 sees that fault only when its customers' created
    # stamps span a second boundary, which depends on how fast the run goes (CUS-LIST-001
    # catches it at any speed).
    "limit_ignored",
    "idempotency_ignored",
    "crash_on_malformed_json",
    "accepts_unissued_keys",
)


@pytest.fixture(scope="module", params=(None, *FAULTS))
def mock(request: pytest.FixtureRequest) -> Iterator[tuple[str, str | None]]:
    """A mock with one fault, or none; and the fault's name."""
    faults = (request.param,) if request.param else ()
    with running_mock(api_keys=list(MOCK_KEYS), faults=faults) as url:
        yield str(url), request.param


def _timing_note(check: dict[str, Any]) -> bool:
    """A slow-answer note (CUS-HTTP-004, MAY): timing, which load and threads change."""
    failures = check["failures"]
    return (
        check["status"] == "noted"
        and bool(failures)
        and all(f["message"].startswith("the answer took") for f in failures)
    )


def _verdicts(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["id"], "passed" if _timing_note(c) else c["status"]) for c in report["checks"]]


def _shard_report(url: str, index: int, count: int) -> dict[str, Any]:
    checks = shard_checks(select_checks(None, "smoke"), index, count, "smoke")
    report = report_data(run_suite(settings_for(url), checks=checks))
    report["shard"] = {"index": index, "count": count}
    return report


def test_jobs_8_and_two_shards_merged_give_the_same_verdicts(
    mock: tuple[str, str | None],
) -> None:
    """Two shards run one check at a time (``--jobs 1``), merged, against the whole tier 8 at a
    time; on the clean mock the whole tier one at a time too."""
    mock_url, fault = mock
    merged = merge_reports([_shard_report(mock_url, 1, 2), _shard_report(mock_url, 2, 2)])
    parallel = report_data(run_suite(settings_for(mock_url), jobs=8))
    assert _verdicts(parallel) == _verdicts(merged)
    if fault is None:  # the clean mock: --jobs 1 over the whole tier as well
        serial = report_data(run_suite(settings_for(mock_url), jobs=1))
        assert _verdicts(serial) == _verdicts(parallel)
        assert serial["verdict"] == "pass"
    else:
        assert parallel["verdict"] == "fail", f"the suite misses the fault {fault}"
    assert merged["summary"]["total"] == parallel["summary"]["total"]
    # Hypothesis draws from the seed and the check id only: the same examples, the same answers.
    generated = [c.id for c in select_checks(None, "smoke") if drives_hypothesis(c)]
    assert generated, "the smoke tier has checks that generate examples"
    by_id = {c["id"]: c for c in merged["checks"]}
    for check in parallel["checks"]:
        if check["id"] in generated:
            assert check["evidence"] == by_id[check["id"]]["evidence"], check["id"]


def _cut_run(url: str) -> RunResult:
    # 20 requests a second and one second: the deadline cuts the run with checks in flight.
    return run_suite(settings_for(url), jobs=4, max_duration=1.0, rate_limit=20)


def test_the_deadline_cuts_a_parallel_run_and_every_check_gets_a_verdict(clean_mock: str) -> None:
    result = _cut_run(clean_mock)
    assert [r.check.id for r in result.results] == [c.id for c in select_checks(None, "smoke")]
    assert result.stopped == DEADLINE_REASON
    assert result.cut > 0
    assert result.exit_code == 1
    cut = [r for r in result.results if r.reason == DEADLINE_REASON]
    assert all(r.status in ("skipped", "failed") for r in cut)
    # Nothing between: a scenario check finished with a verdict, or the deadline cut it.
    for each in result.results:
        if each.check.kind == "scenario" and each.status == "skipped":
            assert each.reason in (DEADLINE_REASON, "needs --live-key"), each


def test_an_interrupt_stops_a_parallel_run_in_order(clean_mock: str) -> None:
    """Ctrl-C reaches the main thread while workers run (here: raised from the first result):
    the checks in flight are cancelled, none is reported as cut by the deadline."""
    seen: list[str] = []

    def interrupt(result: object) -> None:
        seen.append("result")
        if len(seen) == 1:
            raise KeyboardInterrupt

    result = run_suite(settings_for(clean_mock), jobs=4, on_result=interrupt)
    assert result.stopped == INTERRUPTED_REASON
    assert [r.check.id for r in result.results] == [c.id for c in select_checks(None, "smoke")]
    assert not any(r.reason == DEADLINE_REASON for r in result.results)
    assert any(r.reason == INTERRUPTED_REASON for r in result.results)


def test_abort_stops_a_call_in_flight_in_another_thread() -> None:
    started = threading.Event()

    async def never_answers(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(60)
        return httpx.Response(200, json={})

    client = LotusPayClient(
        "http://127.0.0.1:9",
        "sk_test_abcdefABCDEF0123456789",
        transport=httpx.MockTransport(never_answers),
    )
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.request("GET", "/v1/customers")
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    assert started.wait(10)
    client.abort()
    worker.join(10)
    assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], DeadlineReached)
    with pytest.raises(DeadlineReached):
        client.request("GET", "/v1/customers")
    client.close()
