"""Issue 21: a replay that differs is shown as the JSON pointer where it differs and the two
values there, not as two whole bodies cut short."""

from __future__ import annotations

from suite_helpers import MOCK_KEYS, run_against

from lotuspay_contract.conformance.mock import running_mock
from lotuspay_contract.conformance.suite.checks.idempotency import differences


def test_differences_name_the_deepest_place_and_both_values() -> None:
    first = {"id": "CU1", "metadata": {"plan": "gold"}, "items": [1, 2], "x": 1}
    again = {"id": "CU2", "metadata": {"plan": "gold", "tier": "a"}, "items": [1, 3], "x": True}
    assert differences(first, again) == [
        ("/id", "CU1", "CU2"),
        ("/metadata/tier", "(absent)", "a"),
        ("/items/1", 2, 3),
        ("/x", 1, True),
    ]
    assert differences(first, first) == []
    assert differences([1], [1, 2]) == [("", [1], [1, 2])]
    assert differences({"a/b": 1}, {"a/b": 2}) == [("/a~1b", 1, 2)]


def test_a_replay_that_creates_anew_is_shown_at_its_id() -> None:
    with running_mock(api_keys=MOCK_KEYS, faults=["idempotency_ignored"]) as url:
        result = run_against(url, ["CUS-IDEM-001"])
    (verdict,) = result.results
    assert verdict.status == "failed"
    finding = verdict.findings[0]
    assert finding.pointer == "/id"
    assert finding.message.startswith(
        "a replayed create: the replay's body differs from the first answer at /id"
    )
    assert isinstance(finding.expected, str)
    assert isinstance(finding.actual, str)
    assert finding.expected != finding.actual
    assert "…" not in str(finding)
