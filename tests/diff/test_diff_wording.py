"""Issue 21: a short page names the page size rule, as docs/contract.md words it."""

from __future__ import annotations

from diff_helpers import create, op, settings_for

from lotuspay_contract.conformance.diff import play_sequence
from lotuspay_contract.conformance.mock import MockURL, running_mock


def test_a_server_ignoring_limit_is_told_of_list_limit(reference: MockURL) -> None:
    """list.limit [doc]: "a page holds limit objects while more exist"; a page past what
    an ignored limit served is short under that rule, never under list.page."""
    ops = [create(), create(), create(), op("list_customers", limit=2, page=1)]
    ops += [op("list_customers", limit=2, page=2)]
    with running_mock(faults=["limit_ignored"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [(d.rule, d.summary) for s in steps for d in s.differences]
    assert ("list.limit", "more objects than limit") in found
    # The target's page base is not known yet (pages may count from 0): not decided.
    assert (None, "fewer objects than limit=2 while the target holds more") in found
    assert all(rule != "list.page" for rule, _ in found)
