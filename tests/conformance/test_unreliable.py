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


def _context() -> object:
    from suite_helpers import SECRET_KEY, settings_for

    from lotuspay_contract.conformance.client import LotusPayClient
    from lotuspay_contract.conformance.suite import get_check
    from lotuspay_contract.conformance.suite._context import CheckContext, Session

    url = "http://127.0.0.1:9"  # never called: the examples below send nothing
    session = Session(settings_for(url), LotusPayClient(url, SECRET_KEY))
    return CheckContext(get_check("CUS-RT-002"), session)


def _flaky_once(first: BaseException) -> object:
    """A Hypothesis test that fails on its first call only: its replay passes (Flaky)."""
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    calls: list[int] = []

    @settings(database=None, phases=[Phase.generate], max_examples=5)
    @given(st.integers())
    def flaky(value: int) -> None:
        calls.append(value)
        if len(calls) == 1:
            raise first

    return flaky


def test_a_failure_a_replay_does_not_repeat_is_the_finding() -> None:
    from lotuspay_contract.conformance.suite._failure import CheckFailure
    from lotuspay_contract.conformance.suite._unreliable import unreliable_as_findings

    ctx = _context()
    first = ctx.finding("the first answer: 404", actual=404)  # type: ignore[attr-defined]
    with pytest.raises(CheckFailure) as caught, unreliable_as_findings(ctx):  # type: ignore[arg-type]
        _flaky_once(first)()  # type: ignore[operator]
    assert caught.value is first


def test_an_unreliable_error_is_a_finding_not_a_crash() -> None:
    from lotuspay_contract.conformance.suite._failure import CheckFailure
    from lotuspay_contract.conformance.suite._unreliable import unreliable_as_findings

    with pytest.raises(CheckFailure) as caught, unreliable_as_findings(_context()):  # type: ignore[arg-type]
        _flaky_once(KeyError("id"))()  # type: ignore[operator]
    assert "identical requests got different answers" in caught.value.message
