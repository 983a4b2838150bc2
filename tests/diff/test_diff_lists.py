"""Lists compared exactly: scoped by the email filter to objects only the sequence created, so
order, limit, paging and counts of the two sides meet one to one."""

from __future__ import annotations

import time

import pytest
from diff_helpers import create, op, settings_for

from lotuspay_contract.conformance.diff import play_sequence, run_diff
from lotuspay_contract.conformance.diff._generate import list_workout
from lotuspay_contract.conformance.diff._operations import PAUSE_SECONDS, Operation
from lotuspay_contract.conformance.diff._runner import _Player
from lotuspay_contract.conformance.diff._runner import _sides as sides
from lotuspay_contract.conformance.mock import MockURL, running_mock
from lotuspay_contract.conformance.validation import RULE_TAGS

#: List faults of the mock -> the rules a MUST difference may cite (all [doc]).
LIST_FAULTS = {
    "list_oldest_first": {"list.order"},
    "limit_ignored": {"list.limit"},
    "page_ignored": {"list.page", "list.past_end"},
    "page_overlap": {"list.page"},
    "default_limit_10": {"list.default_limit"},
    "bank_account_list_ignores_limit": {"list.limit", "endpoints.list_bank_accounts"},
    "bank_account_list_oldest_first": {"list.order"},
    "email_filter_ignored": {"list.email_filter", "list.email_no_match"},
}


@pytest.mark.parametrize("fault", list(LIST_FAULTS))
def test_a_list_fault_is_a_must_difference(fault: str, reference: MockURL) -> None:
    with running_mock(faults=[fault]) as target:
        result = run_diff(settings_for(target, reference))
    assert result.exit_code == 1, fault
    difference = result.failures[0].difference
    assert difference.level == "MUST"
    assert difference.rule in LIST_FAULTS[fault], difference
    assert RULE_TAGS[difference.rule or ""] == ("doc",)


def test_the_clean_mock_shows_no_list_difference(reference: MockURL) -> None:
    with running_mock() as target:
        steps = play_sequence(settings_for(target, reference), list_workout())
    assert [d for s in steps for d in s.differences] == []
    lists = [s for s in steps if s.op is not None and s.op.kind == "list_customers"]
    assert len(lists) >= 8  # the workout reached every list rule


def test_an_overlapping_page_is_a_page_difference(reference: MockURL) -> None:
    ops = [
        create(email=0),
        create(email=0),
        create(email=0),
        op("list_customers", email=0, limit=2, page=2),
    ]
    with running_mock(faults=["page_overlap"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [(d.step, d.rule, d.level) for s in steps for d in s.differences]
    assert found == [(4, "list.page", "MUST")]


def test_a_pause_waits_only_before_the_next_create(reference: MockURL) -> None:
    ref, tgt = sides(settings_for(reference, reference), time.monotonic())
    player = _Player(ref, tgt, "t")
    waited: list[float] = []
    now = [100.0]
    player.sleep, player.clock = waited.append, lambda: now[0]
    pause = Operation("pause")
    try:
        player.play([create(), pause, pause, op("list_customers", email=0)])
        assert waited == []  # no create followed: nothing to wait for
        player.play([create(), pause, create()])
    finally:
        ref.client.close()
        tgt.client.close()
    assert waited == [pytest.approx(PAUSE_SECONDS)]
