"""Operational problems are stops or "not exercised", never verdicts on the server.

A refused key, throttling and an outage are told apart from faults by counting (requests,
answers), never by the wall clock: the runs here read a virtual clock (:class:`SteppingClock`)
whose every reading costs a fixed step, a machine's speed, so the same run on a machine twice
as slow or twice as fast is the same run with another step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import always, serving
from suite_helpers import SECOND_KEY, SECRET_KEY, settings_for

from lotuspay_contract.conformance.mock import running_mock
from lotuspay_contract.conformance.suite import select_checks
from lotuspay_contract.conformance.suite._runner import RunResult, run_suite

# Well formed, never issued by any mock of these tests.
_NOT_ISSUED = "sk_test_NoTiSsUeDkEy0123456789"


class SteppingClock:
    """Virtual time: every reading advances ``step`` seconds; a sleep returns at once and is
    only added up (threads sleep side by side, so no one timeline could hold their sleeps)."""

    def __init__(self, step: float) -> None:
        self.now = 1000.0
        self.step = step
        self.slept = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            self.now += self.step
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept += max(seconds, 0.0)


_ALWAYS_429 = always(
    "429 Too Many Requests",
    b'{"error": {"type": "rate_limit_error", "message": "slow down"}}',
    {"content-type": "application/json", "retry-after": "999999"},
)
_ALWAYS_503 = always(
    "503 Service Unavailable",
    b'{"error": {"type": "api_error", "message": "down for maintenance"}}',
    {"content-type": "application/json"},
)


@pytest.fixture(scope="module")
def always_429() -> Iterator[str]:
    with serving(_ALWAYS_429) as url:
        yield url


def _statuses(result: RunResult) -> dict[str, str]:
    return {r.check.id: r.status for r in result.results}


def _run_429(url: str, step: float, jobs: int | None = 1) -> tuple[RunResult, SteppingClock]:
    clock = SteppingClock(step)
    result = run_suite(
        settings_for(url), checks=select_checks(None, "smoke"), jobs=jobs, clock=clock
    )
    return result, clock


def test_always_429_fails_no_check_and_says_so(always_429: str) -> None:
    result, clock = _run_429(always_429, 0.002)
    counts = result.counts()
    assert counts["failed"] == 0, _statuses(result)
    assert counts["error"] == 0, _statuses(result)
    limited = [r for r in result.results if (r.reason or "").startswith("rate limited")]
    assert limited, _statuses(result)
    assert all(r.status == "not_exercised" for r in limited)
    assert "answer(s) 429" in (limited[0].reason or "")
    assert result.throttled >= len(limited)
    assert result.throttle_note is not None
    assert "--rate-limit" in result.throttle_note
    assert result.throttle_note in result.notices
    # Retry-After: 999999 was honoured up to the cap, within the run's retry budget.
    assert 0 < clock.slept <= 0.25 * result.max_duration  # type: ignore[operator]
    assert result.stopped is None
    assert result.exit_code == 0


def test_always_429_gives_the_same_verdicts_on_a_slower_or_faster_machine(
    always_429: str,
) -> None:
    runs = [_run_429(always_429, step)[0] for step in (0.001, 0.002, 0.004)]
    assert _statuses(runs[0]) == _statuses(runs[1]) == _statuses(runs[2])
    assert [r.reason for r in runs[0].results] == [r.reason for r in runs[2].results]


def test_always_429_gives_the_same_verdicts_with_adaptive_jobs(always_429: str) -> None:
    serial, _ = _run_429(always_429, 0.002, jobs=1)
    adaptive, _ = _run_429(always_429, 0.002, jobs=None)
    assert _statuses(adaptive) == _statuses(serial)


def test_a_refused_main_key_stops_the_run_after_one_request() -> None:
    with running_mock(api_keys=[SECRET_KEY]) as url:
        settings = settings_for(url)
        result = run_suite(
            type(settings)(**{**settings.__dict__, "api_key": _NOT_ISSUED, "second_key": None})
        )
    assert result.requests <= 1
    assert result.exit_code == 2
    assert result.counts()["failed"] == 0
    assert {r.status for r in result.results} == {"skipped"}
    stopped = result.stopped or ""
    assert stopped.startswith("key refused: ")
    assert "--api-key" in stopped
    assert "sk_test_****" in stopped
    assert _NOT_ISSUED.removeprefix("sk_test_") not in stopped
    assert {r.reason for r in result.results} == {"not run: key refused"}


def test_a_refused_second_key_leaves_only_its_check_not_exercised() -> None:
    with running_mock(api_keys=[SECRET_KEY]) as url:  # SECOND_KEY not issued
        result = run_suite(settings_for(url), checks=select_checks(["CUS-AUTH-003"], "smoke"))
    (isolation,) = result.results
    assert isolation.status == "not_exercised", isolation
    assert "--second-api-key" in (isolation.reason or "")
    assert SECOND_KEY.removeprefix("sk_test_") not in (isolation.reason or "")
    assert result.exit_code == 0
    assert result.stopped is None


def test_a_target_answering_5xx_to_everything_stops_as_unavailable() -> None:
    with serving(_ALWAYS_503) as url:
        result = run_suite(settings_for(url), clock=SteppingClock(0.001))
    stopped = result.stopped or ""
    assert stopped.startswith("target unavailable"), _statuses(result)
    assert result.exit_code == 2
    # Counted in requests: the stretch that tells an outage, then nothing more is sent.
    assert result.requests <= 40, result.requests
    failed = [r.check.id for r in result.results if r.status == "failed"]
    assert len(failed) < len(result.results) // 3, failed


_CLI = (sys.executable, "-m", "lotuspay_contract.conformance.cli", "run")


def test_cli_with_a_key_not_issued_exits_2_with_one_line_and_writes_reports(
    tmp_path: Path,
) -> None:
    report = tmp_path / "r.json"
    junit = tmp_path / "j.xml"
    with running_mock(api_keys=[SECRET_KEY]) as url:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("LOTUSPAY_API_KEY", None)
        proc = subprocess.run(
            [
                *_CLI,
                "--base-url",
                url,
                "--api-key",
                _NOT_ISSUED,
                "--report-json",
                str(report),
                "--junitxml",
                str(junit),
            ],
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 2, out
    assert "Traceback" not in out
    lines = [line for line in out.splitlines() if "was refused" in line or "answered 401" in line]
    assert len(lines) == 1, out
    assert "--api-key" in lines[0]
    assert "sk_test_****" in lines[0]
    assert _NOT_ISSUED.removeprefix("sk_test_") not in out
    data = json.loads(report.read_text())
    assert data["summary"]["failed"] == 0
    assert data["requests"] <= 1
    assert data["stopped"].startswith("key refused")
    assert junit.read_text().strip()


def test_response_checks_alone_against_always_429_neither_crash_nor_fail(always_429: str) -> None:
    # No scenario check: the built-in traffic sends the requests, and is throttled too.
    chosen = [c for c in select_checks(None, "smoke") if c.kind == "response"]
    result = run_suite(settings_for(always_429), checks=chosen, clock=SteppingClock(0.002))
    assert result.counts()["failed"] == 0, _statuses(result)
    assert result.throttled > 0
