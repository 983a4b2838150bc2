"""Each mock fault the diff can see gives a MUST difference, shrunk to at most 5 requests."""

from __future__ import annotations

import json

import pytest
from diff_helpers import create as _create
from diff_helpers import op as _op
from diff_helpers import settings_for

from lotuspay_contract.conformance.diff import diff_report_data, play_sequence, run_diff
from lotuspay_contract.conformance.diff._operations import Operation
from lotuspay_contract.conformance.mock import MockURL, running_mock
from lotuspay_contract.conformance.validation import RULE_TAGS

#: Faults that break a [doc] rule the generated sequences reach (see docs/contract.md).
FAULTS = [
    "created_milliseconds",
    "created_string",
    "object_capitalised",
    "livemode_inverted",
    "error_type_misspelled",
    "not_found_as_400",
    "errors_plain_text",
    "json_body_refused",
    "crash_on_malformed_json",
    "email_no_match_empty",
    "error_type_missing",
    "bank_account_customer_self",
]


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_gives_a_must_difference_in_a_short_sequence(fault: str, reference: MockURL) -> None:
    with running_mock(faults=[fault]) as target:
        result = run_diff(settings_for(target, reference))
    assert result.exit_code == 1, fault
    finding = result.failures[0]
    assert finding.difference.level == "MUST"
    assert RULE_TAGS[finding.difference.rule or ""] == ("doc",)  # a MUST rests on [doc] alone
    assert finding.requests <= 5
    data = diff_report_data(result)
    assert data["failures"][0]["requests"] <= 5
    assert data["failures"][0]["clause"] == f"docs/contract.md#{finding.difference.rule}"
    text = json.dumps(data)
    for key in (target.api_keys[0], reference.api_keys[0]):
        assert key not in text
        assert key[8:] not in text


def _list(**args: object) -> Operation:
    return _op("list_customers", **args)


def test_a_page_past_the_end_that_is_not_empty_is_a_must_difference(reference: MockURL) -> None:
    ops = [_create(email=0), _list(email=0, page=2, limit=1)]
    with running_mock(faults=["page_ignored"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [d for s in steps for d in s.differences]
    assert [(d.rule, d.level, d.pointer) for d in found] == [("list.past_end", "MUST", "/data")]


def test_a_retrieve_that_loses_metadata_breaks_as_created(reference: MockURL) -> None:
    ops = [
        _create(metadata=(("plan", "gold"),)),
        Operation("retrieve_customer", (("customer", 0),)),
    ]
    with running_mock(faults=["retrieve_drops_metadata"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [(d.step, d.rule, d.level) for s in steps for d in s.differences]
    assert found == [(2, "endpoints.retrieve_customer", "MUST")]


def test_a_name_cut_short_is_a_should_difference_only(reference: MockURL) -> None:
    ops = [_create(name="Venkatanarasimharajuvaripeta Subramanian"), _list()]
    with running_mock(faults=["name_truncated"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [(d.rule, d.level) for s in steps for d in s.differences]
    assert found == [("request.stored", "SHOULD")]


def test_a_replayed_idempotency_key_that_creates_anew_is_a_must_difference(
    reference: MockURL,
) -> None:
    ops = [_create(idempotency=0), _create(idempotency=0)]
    with running_mock(faults=["idempotency_ignored"]) as target:
        steps = play_sequence(settings_for(target, reference), ops)
    found = [(d.step, d.pointer, d.rule, d.level) for s in steps for d in s.differences]
    assert found == [(2, "/id", "transport.idempotency", "MUST")]
    assert steps[1].differences[0].reference == "<customer 1>"
    assert steps[1].differences[0].target == "<customer 2, target only>"
