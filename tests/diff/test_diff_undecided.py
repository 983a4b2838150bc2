"""What the contract does not decide is reported, never failing: a page base not yet known,
a 429 or the reference's own 5xx, undocumented properties, which 4xx an unmatched email gets."""

from __future__ import annotations

from functools import partial

import pytest
from diff_helpers import bank_account, settings_for
from diff_helpers import create as _create
from diff_helpers import op as _op

from lotuspay_contract.conformance.client import LotusPayClient
from lotuspay_contract.conformance.diff import _runner as runner
from lotuspay_contract.conformance.diff import play_sequence
from lotuspay_contract.conformance.diff._compare import (
    NOT_DECIDED,
    Difference,
    Undecided,
    level_of_rule,
)
from lotuspay_contract.conformance.diff._runner import Step
from lotuspay_contract.conformance.mock import MockURL, running_mock
from lotuspay_contract.conformance.validation import Level


def _found(steps: list[Step]) -> list[Difference]:
    return [d for s in steps for d in s.differences]


def _failing(steps: list[Step]) -> list[Difference]:
    return [d for d in _found(steps) if d.fails(strict=True)]


def test_a_zero_based_unfiltered_page_is_not_decided(reference: MockURL) -> None:
    ops = [_create(), _create(), _op("list_customers", limit=2, page=1)]
    with running_mock(quirks=["pages_from_zero"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    assert len(steps) == 3
    assert _failing(steps) == []
    assert "list.page" not in {d.rule for d in _found(steps)}


def test_the_references_own_5xx_is_not_blamed_on_the_target(reference: MockURL) -> None:
    ops = [_create(name="Aśha Verma")]
    with running_mock(faults=["crash_on_non_ascii"]) as crashing:
        steps = play_sequence(settings_for(reference, crashing), ops)
    assert steps[0].reference is not None
    assert steps[0].reference["status"] == 500
    found = [(d.pointer, d.reference, d.target, d.rule, d.level) for d in _found(steps)]
    assert found == [("/status", 500, 200, None, NOT_DECIDED)]


@pytest.mark.parametrize("limited", ["target", "reference"])
def test_a_429_on_either_side_is_not_decided(
    limited: str, reference: MockURL, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without retries the quirk's 429 (every 9th request of a key) reaches the comparison.
    monkeypatch.setattr(runner, "LotusPayClient", partial(LotusPayClient, max_retries=0))
    ops = [_create(email=n % 3) for n in range(10)]
    with running_mock(quirks=["rate_limited"]) as other:
        pair = (other, reference) if limited == "target" else (reference, other)
        steps = play_sequence(settings_for(*pair), ops)
    assert _failing(steps) == []
    statuses = [d for d in _found(steps) if d.pointer == "/status"]
    assert statuses
    assert all(d.level == NOT_DECIDED for d in statuses)
    assert 429 in {statuses[0].reference, statuses[0].target}


def test_undocumented_properties_of_the_reference_are_not_judged(reference: MockURL) -> None:
    ops = [
        _create(email=0),
        bank_account(0),
        _op("retrieve_customer", customer=0),
        _op("list_customers", email=0),
    ]
    with running_mock(quirks=["extra_properties"]) as extra:
        steps = play_sequence(settings_for(reference, extra), ops)
    found = _found(steps)
    assert {d.pointer.rsplit("/", 1)[-1] for d in found} >= {"x_region", "x_flags"}
    assert {(d.rule, d.level) for d in found} == {(None, NOT_DECIDED)}, found


def test_another_4xx_for_an_unmatched_email_is_not_decided(reference: MockURL) -> None:
    ops = [_op("list_customers", unmatched=True)]
    with running_mock(faults=["not_found_as_400"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [(d.pointer, d.reference, d.target, d.rule, d.level) for d in _found(steps)]
    assert found == [("/status", 404, 400, None, NOT_DECIDED)]


def test_a_2xx_for_an_unmatched_email_is_still_a_must(reference: MockURL) -> None:
    ops = [_op("list_customers", unmatched=True)]
    with running_mock(faults=["email_no_match_empty"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    assert [(d.rule, d.level) for d in _found(steps)] == [("list.email_no_match", "MUST")]


def test_a_level_is_a_contract_level_or_its_own_undecided_value() -> None:
    assert level_of_rule("list.page_base") is Level.MAY
    assert level_of_rule("list.email_no_match") is Level.MUST
    assert level_of_rule(None) is NOT_DECIDED is Undecided.NOT_DECIDED
    assert level_of_rule("no.such.rule") is NOT_DECIDED
    assert NOT_DECIDED not in set(Level)  # not a fourth contract level
    undecided = Difference(1, "op", "/status", 500, 200, None, NOT_DECIDED, "differs")
    assert not undecided.fails(strict=True)
    must = Difference(1, "op", "/data", [], [1], "list.past_end", Level.MUST, "differs")
    assert must.fails(strict=False)
