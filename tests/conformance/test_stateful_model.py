"""The state machine's model answers more than its own creates: ids one character off its own
(404) and the second account's view of its list (none of its customers)."""

from __future__ import annotations

import pytest
from suite_helpers import MOCK_KEYS, run_against

from lotuspay_contract.conformance.mock import running_mock


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("not_found_as_400", "one character off"),
        ("leak_email_filter", "the second account's list filtered by the machine's address"),
    ],
)
def test_the_machine_fails_on_what_its_model_answers(fault: str, said: str) -> None:
    with running_mock(api_keys=MOCK_KEYS, faults=[fault]) as url:
        result = run_against(url, ["CUS-STATE-001"])
    verdict = result.results[0]
    assert verdict.status == "failed", verdict.status
    assert any(said in f.message and f.level.value == "MUST" for f in verdict.findings)


def test_the_clean_mock_passes_the_machine() -> None:
    with running_mock(api_keys=MOCK_KEYS) as url:
        result = run_against(url, ["CUS-STATE-001"])
    assert result.results[0].status == "passed"
