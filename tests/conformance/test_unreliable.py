"""A server whose answers change between identical requests fails checks with findings, never
check errors: here, one that acknowledges a create and then loses it."""

from __future__ import annotations

import pytest
from suite_helpers import MOCK_KEYS, run_against

from lotuspay_contract.conformance.mock import running_mock

#: Checks that create customers and read them back, each in its own way.
_NOTICING = ["CUS-RT-002", "CUS-STATE-001", "CUS-RT-001", "CUS-LIST-001"]


@pytest.fixture(scope="module")
def lost_run() -> object:
    with running_mock(api_keys=MOCK_KEYS, faults=["acknowledged_create_lost"]) as url:
        return run_against(url, _NOTICING)


def test_no_check_errors_and_the_run_fails(lost_run: object) -> None:
    results = lost_run.results  # type: ignore[attr-defined]
    assert [r.check.id for r in results if r.status == "error"] == []
    assert lost_run.exit_code == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("check_id", ["CUS-RT-002", "CUS-STATE-001"])
def test_the_finding_names_the_lost_id_at_must(lost_run: object, check_id: str) -> None:
    verdict = {r.check.id: r for r in lost_run.results}[check_id]  # type: ignore[attr-defined]
    assert verdict.status == "failed"
    lost = [f for f in verdict.findings if "was acknowledged" in f.message]
    assert lost, [f.message for f in verdict.findings]
    assert lost[0].level.value == "MUST"
    assert lost[0].rule == "endpoints.retrieve_customer"
    customer = lost[0].message.split("customer ", 1)[1].split(" ", 1)[0]
    assert customer.startswith("CU")
    assert customer in (lost[0].request or "")


def test_the_clean_mock_passes_the_same_checks() -> None:
    with running_mock(api_keys=MOCK_KEYS) as url:
        result = run_against(url, _NOTICING)
    assert {r.check.id: r.status for r in result.results} == dict.fromkeys(_NOTICING, "passed")
