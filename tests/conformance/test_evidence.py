"""Every pass rests on evidence: what each check judged, "not exercised", the coverage table."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from suite_helpers import SECRET_KEY, settings_for

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.report import junit_xml, render_summary, report_data
from lotuspay_contract.conformance.suite import (
    TIERS,
    Check,
    RunResult,
    RunSettings,
    close_session,
    new_run_id,
    open_session,
    run_check,
    run_suite,
    select_checks,
)
from lotuspay_contract.conformance.validation import Level


@pytest.fixture(scope="module")
def standard_run(clean_mock: str) -> tuple[RunResult, dict[str, Any]]:
    """One full standard run, without a second account's key (so CUS-AUTH-003 judges nothing)."""
    settings = RunSettings(
        base_url=clean_mock, api_key=SECRET_KEY, tier=TIERS["standard"], seed=7, run_id=new_run_id()
    )
    result = run_suite(settings)
    return result, report_data(result)


def test_no_check_passes_without_a_judged_answer(
    standard_run: tuple[RunResult, dict[str, Any]],
) -> None:
    _, report = standard_run
    passed = [c for c in report["checks"] if c["status"] == "passed"]
    assert len(passed) > 40
    for check in passed:
        assert check["judged"] > 0, check["id"]
        assert sum(e["answers"] for e in check["evidence"]) == check["judged"], check["id"]
    outcome = {c["id"]: (c["status"], c["reason"]) for c in report["checks"]}
    assert outcome["CUS-AUTH-003"] == (
        "not_exercised",
        "needs a second account's key (--second-api-key)",
    )
    assert report["summary"]["not_exercised"] >= 1


def test_coverage_lists_every_operation_and_status_the_run_saw(
    standard_run: tuple[RunResult, dict[str, Any]],
) -> None:
    result, report = standard_run
    rows = {(r["operation"], r["status"]): r for r in report["coverage"]}
    assert set(rows) == set(result.seen)
    assert {op for op, _ in rows} >= {
        "createCustomer",
        "listCustomers",
        "retrieveCustomer",
        "createBankAccount",
        "listBankAccounts",
        "retrieveBankAccount",
    }
    assert {200, 400, 404} <= {s for op, s in rows if op == "createBankAccount"} | {200, 400}
    assert sum(r["answers"] for r in rows.values()) == result.requests
    judged_by = {
        c["id"]: {(e["operation"], e["status"]) for e in c["evidence"]} for c in report["checks"]
    }
    for key, row in rows.items():
        assert row["checks"] == [c for c in row["checks"] if key in judged_by[c]]
    assert "CUS-SHAPE-001" in rows[("createCustomer", 200)]["checks"]
    assert "CUS-SHAPE-001" not in rows[("listCustomers", 200)]["checks"]
    terminal = render_summary(result)
    assert "coverage" in terminal
    assert "retrieveBankAccount" in terminal
    assert "1 not exercised" in terminal or "not exercised" in terminal.splitlines()[-1]


def test_junit_shows_not_exercised_checks_as_skipped_with_the_reason(
    standard_run: tuple[RunResult, dict[str, Any]],
) -> None:
    result, _ = standard_run
    suite = ET.fromstring(junit_xml(result))
    case = next(c for c in suite.iter("testcase") if c.get("name", "").startswith("CUS-AUTH-003"))
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "not exercised: needs a second account's key (--second-api-key)"
    )
    counted = sum(1 for r in result.results if r.status in ("skipped", "not_exercised"))
    assert suite.get("skipped") == str(counted)


def test_response_checks_alone_fail_on_the_traffic_they_need(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    argv = ["run", "--checks", "shape", "--mock-fault", "created_milliseconds", "--seed", "1"]
    code = main([*argv, "--report-json", str(out)])
    assert code == 1
    report = json.loads(out.read_text())
    shape = {c["id"]: c for c in report["checks"]}["CUS-SHAPE-001"]
    assert shape["status"] == "failed"
    assert {e["operation"] for e in shape["evidence"]} == {"createCustomer", "retrieveCustomer"}
    # The built-in traffic reaches every operation, errors included.
    operations = {row["operation"] for row in report["coverage"]}
    assert len(operations - {"undocumented"}) == 6
    assert any(row["status"] == 404 for row in report["coverage"])


def test_a_response_check_that_saw_nothing_in_its_remit_is_not_exercised(clean_mock: str) -> None:
    # A live key without --allow-live: the traffic only reads, so no bank account is answered.
    settings = settings_for(clean_mock)
    live = RunSettings(**{**settings.__dict__, "api_key": "sk_live_NoWrItEs0123456789"})
    result = run_suite(live, checks=select_checks(["CUS-SHAPE-003", "CUS-SHAPE-005"], "smoke"))
    verdicts = {r.check.id: r for r in result.results}
    assert verdicts["CUS-SHAPE-003"].status == "not_exercised"
    assert not verdicts["CUS-SHAPE-003"].evidence
    assert verdicts["CUS-SHAPE-005"].status == "passed"  # the traffic's 404 and 400
    assert "1 not exercised" in render_summary(result)


def _scenario(func: Any) -> Check:
    return Check("TEST-EV-001", Level.MUST, "a test check", "", "transport", "scenario", func)


def test_a_scenario_check_passes_only_on_answers_it_judged(clean_mock: str) -> None:
    sent_only = _scenario(lambda ctx: ctx.client.request("GET", "/v1/customers"))
    judged = _scenario(
        lambda ctx: ctx.body(ctx.client.request("GET", "/v1/customers"), 200, what="list")
    )
    declined = _scenario(lambda ctx: ctx.not_exercised("nothing to judge here"))
    session = open_session(settings_for(clean_mock), [sent_only])
    try:
        first, second, third = (run_check(c, session) for c in (sent_only, judged, declined))
    finally:
        close_session(session)
    assert (first.status, first.reason) == ("not_exercised", "judged no answer")
    assert second.status == "passed"
    assert dict(second.evidence) == {("listCustomers", 200): 1}
    assert (third.status, third.reason) == ("not_exercised", "nothing to judge here")
