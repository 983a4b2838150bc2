"""The plugin under pytest-xdist: one verdict per check, one merged JSON/HTML/HAR report that
agrees with pytest's outcomes and its --junitxml, and the same failing checks as a serial run.

Each run here starts two xdist workers, so the runs are few and the selections small.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from suite_helpers import MOCK_KEYS, SECRET_KEY
from test_key_never_leaks import leaks
from test_report_har import assert_har_shape

from lotuspay_contract.conformance.plugin._xdist import (
    merge_har,
    spread_long_checks,
)
from lotuspay_contract.conformance.report import HarRecorder, merge_reports
from lotuspay_contract.conformance.suite import select_checks

#: pytest's outcome for each verdict (a SHOULD finding passes with a warning, see the plugin).
OUTCOME = {
    "passed": "passed",
    "warned": "passed",
    "noted": "passed",
    "failed": "failed",
    "error": "failed",
    "skipped": "skipped",
    "not_exercised": "skipped",
}
#: A MUST fault in every answer's shape, one in errors and a SHOULD one: response checks and
#: scenario checks fail, one warns.
FAULTS = ("created_string", "error_type_missing", "metadata_null")


@pytest.fixture(scope="module")
def faulty_mock() -> Iterator[str]:
    from lotuspay_contract.conformance.mock import running_mock

    with running_mock(api_keys=list(MOCK_KEYS), faults=FAULTS) as url:
        yield url


def _run(pytester: pytest.Pytester, url: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "-p",
        "no:randomly",
        "--lotuspay-url",
        url,
        "--lotuspay-key",
        SECRET_KEY,
        "--lotuspay-tier",
        "smoke",
        "--lotuspay-seed",
        "11",
        *args,
    )


def _verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


def _assert_report_agrees(result: pytest.RunResult, report: dict[str, Any]) -> None:
    """One verdict per check, none left "not run", counts as pytest's."""
    ids = [c["id"] for c in report["checks"]]
    assert len(ids) == len(set(ids))
    assert not [c["id"] for c in report["checks"] if c["reason"] == "not run"]
    outcomes = Counter(OUTCOME[s] for s in _verdicts(report).values())
    seen = result.parseoutcomes()
    assert {k: seen.get(k, 0) for k in ("passed", "failed", "skipped")} == {
        k: outcomes[k] for k in ("passed", "failed", "skipped")
    }
    summary = report["summary"]
    assert summary["total"] == len(ids) == sum(outcomes.values())
    assert report["verdict"] == ("fail" if outcomes["failed"] else "pass")
    failed = {c["id"] for c in report["checks"] if OUTCOME[c["status"]] == "failed"}
    for check_id in failed:
        result.stdout.fnmatch_lines([f"FAILED lotuspay::{check_id}*"])


def _junit_outcomes(path: Path) -> dict[str, str]:
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
        found[case.get("name", "")] = {"failure": "failed", "skipped": "skipped"}.get(
            next(iter(kinds), ""), "passed"
        )
    return found


def test_a_distributed_run_writes_one_report_that_agrees_with_pytest(
    pytester: pytest.Pytester, clean_mock: str
) -> None:
    out = pytester.path
    result = _run(
        pytester,
        clean_mock,
        "-n",
        "2",
        "-k",
        "not FUZZ and not STATE",  # the two slowest; nothing here depends on them
        "--lotuspay-report-json",
        str(out / "r.json"),
        "--lotuspay-report-html",
        str(out / "r.html"),
        "--lotuspay-report-har",
        str(out / "r.har"),
        "--junitxml",
        str(out / "junit.xml"),
    )
    report = json.loads((out / "r.json").read_text())
    _assert_report_agrees(result, report)
    verdicts = _verdicts(report)
    # Each check judges only its own customers: the other worker's creates fail nothing.
    assert not {i for i, s in verdicts.items() if OUTCOME[s] == "failed"}
    assert report["seed"] == 11
    assert {"CUS-HTTP-003", "CUS-RT-001"} <= set(verdicts)  # a response and a scenario check
    # The response checks judged both workers' traffic: CUS-HTTP-003 judges every answer.
    (no_5xx,) = (c for c in report["checks"] if c["id"] == "CUS-HTTP-003")
    assert no_5xx["judged"] == report["requests"] == sum(r["answers"] for r in report["coverage"])
    assert _junit_outcomes(out / "junit.xml") == {i: OUTCOME[s] for i, s in verdicts.items()}
    html = (out / "r.html").read_text()
    assert all(check_id in html for check_id in verdicts)
    har = (out / "r.har").read_text()
    assert len(assert_har_shape(json.loads(har))) == report["requests"]
    for text in (har, html, (out / "r.json").read_text(), result.stdout.str()):
        assert not leaks(text)


def test_a_distributed_run_fails_the_checks_a_serial_run_fails(
    pytester: pytest.Pytester, faulty_mock: str
) -> None:
    chosen = ("-k", "HTTP or SHAPE or ERR or RT or AUTH")  # response and scenario checks
    serial_json, xdist_json = pytester.path / "serial.json", pytester.path / "xdist.json"
    serial = _run(
        pytester, faulty_mock, "-n", "0", *chosen, "--lotuspay-report-json", str(serial_json)
    )
    xdist = _run(
        pytester, faulty_mock, "-n", "2", *chosen, "--lotuspay-report-json", str(xdist_json)
    )
    by_serial = _verdicts(json.loads(serial_json.read_text()))
    by_xdist = _verdicts(json.loads(xdist_json.read_text()))
    failing = {i for i, s in by_serial.items() if s in ("failed", "error")}
    assert {"CUS-SHAPE-001", "CUS-ERR-001"} <= failing  # a response and a scenario check
    assert "warned" in by_serial.values()
    assert by_xdist == by_serial
    assert xdist.ret == serial.ret == pytest.ExitCode.TESTS_FAILED
    _assert_report_agrees(xdist, json.loads(xdist_json.read_text()))
    xdist.stdout.fnmatch_lines(["*LotusPayWarning*"])


def test_an_unreachable_target_stops_a_distributed_run_with_one_line(
    pytester: pytest.Pytester,
) -> None:
    result = _run(pytester, "http://127.0.0.1:9", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    out = result.stdout.str() + result.stderr.str()
    assert "lotuspay: target unreachable" in out
    assert "FAILED" not in out


def test_the_plugin_loads_without_xdist(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "http://127.0.0.1:9", "-p", "no:xdist", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["lotuspay::CUS-*"])


def _part(status: str, **extra: Any) -> dict[str, Any]:
    check = {"id": "CUS-SHAPE-001", "status": status, "reason": None, "duration_seconds": 0}
    return {"run_id": "r", "requests": 2, "notices": [], "coverage": [], "checks": [check | extra]}


def test_merge_takes_the_most_severe_verdict_and_every_finding_once() -> None:
    finding = {"check": "CUS-SHAPE-001", "rule": "type", "pointer": "/created", "level": "MUST"}
    evidence = [{"operation": "createCustomer", "status": 200, "answers": 2}]
    parts = [
        _part("passed", evidence=evidence, failures=[], occurrences=0),
        _part("failed", evidence=evidence, failures=[finding], occurrences=3),
        _part("failed", evidence=evidence, failures=[finding], occurrences=1),
    ]
    (check,) = merge_reports(parts)["checks"]
    assert check["status"] == "failed"
    assert check["failures"] == [finding]
    assert (check["occurrences"], check["judged"]) == (4, 6)
    merged = merge_reports(parts)
    assert (merged["requests"], merged["verdict"], merged["summary"]["failed"]) == (6, "fail", 1)


def test_merge_lets_a_placeholder_yield_and_keeps_not_exercised_only_when_all_are() -> None:
    placeholder = _part("skipped", reason="not run")
    judged = merge_reports([placeholder, _part("not_exercised"), _part("passed")])
    assert judged["checks"][0]["status"] == "passed"
    alone = merge_reports([placeholder])
    assert alone["checks"][0]["reason"] == "not run"
    assert merge_reports([_part("not_exercised"), _part("not_exercised")])["verdict"] == "pass"


def test_merged_har_holds_every_entry_by_start_time() -> None:
    def har(*starts: str) -> str:
        entries = [{"startedDateTime": s} for s in starts]
        return json.dumps({"log": {"version": "1.2", "comment": "", "entries": entries}})

    text = merge_har(
        [har("2026-01-01T00:00:02", "2026-01-01T00:00:03"), har("2026-01-01T00:00:01")], "run x"
    )
    log = json.loads(text)["log"]
    assert [e["startedDateTime"][-1] for e in log["entries"]] == ["1", "2", "3"]
    assert log["comment"] == "run x"
    assert log["creator"] == json.loads(HarRecorder().render())["log"]["creator"]


def test_long_checks_go_first_and_apart_so_no_worker_queues_two() -> None:
    checks = select_checks(None, "deep", None)
    spread = spread_long_checks(checks)
    assert sorted(c.id for c in spread) == sorted(c.id for c in checks)
    at = [n for n, c in enumerate(spread) if c.id in ("CUS-STATE-001", "CUS-FUZZ-001")]
    assert at[0] == 0
    assert at[1] - at[0] >= len(checks) // 3  # beyond any first chunk xdist hands one worker


def test_dist_each_is_a_usage_error(pytester: pytest.Pytester) -> None:
    # Every worker would run every check: one verdict per check needs xdist's default split.
    result = pytester.runpytest(
        "-n",
        "2",
        "--dist",
        "each",
        "--lotuspay-url",
        "http://127.0.0.1:9",
        "--lotuspay-key",
        SECRET_KEY,
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--dist each runs every check on every worker*"])


def test_a_worker_that_crashes_fails_the_merged_report(
    pytester: pytest.Pytester, clean_mock: str
) -> None:
    # A worker killed mid-run sends nothing: its checks cannot be passes, and the run fails.
    pytester.makepyfile(test_crash="import os\n\ndef test_crash():\n    os._exit(3)\n")
    out = pytester.path / "r.json"
    result = _run(
        pytester,
        clean_mock,
        "-n",
        "2",
        "--max-worker-restart",
        "0",
        "-k",
        "crash or HTTP-001",
        "--lotuspay-report-json",
        str(out),
    )
    assert result.ret != pytest.ExitCode.OK
    report = json.loads(out.read_text())
    assert report["verdict"] == "fail"
