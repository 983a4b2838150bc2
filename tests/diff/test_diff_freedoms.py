"""What the contract leaves free is never a failing difference: the clean mock and each quirk
(a legal variation, ``conformance/mock/_quirks.py``) give exit 0, and the freedoms the
sequences reach are normalised or judged below MUST."""

from __future__ import annotations

import pytest
from diff_helpers import bank_account, settings_for
from diff_helpers import create as _create
from diff_helpers import op as _op

from lotuspay_contract.conformance.diff import Operation, play_sequence, run_diff
from lotuspay_contract.conformance.mock import QUIRKS, MockURL, running_mock

#: A sequence that reaches every freedom the quirks vary: ids, embedded lists, pages, ties,
#: errors, metadata "" values, an arbitrary id.
EVERYTHING = [
    _create(email=0, metadata=(("plan", "gold"), ("ref", ""))),
    _create(email=0, name="Asha Verma"),
    _create(email=0, form=True, metadata=(("region", "south"),)),
    _op("retrieve_customer", customer=1),
    bank_account(0),
    _op("retrieve_customer", customer=0),
    _op("retrieve_bank_account", customer=0, account=0),
    _op("list_bank_accounts", customer=0, limit=1),
    _op("list_customers", email=0, limit=1, page=1),
    _op("list_customers", email=0, limit=2, page=2),
    _op("list_customers", email=0),
    _op("list_customers", limit=2),
    _op("list_customers", unmatched=True),
    _op("retrieve_unknown", arbitrary=True),
    _op("retrieve_unknown", arbitrary=False),
    Operation("bad_request", (("customer", 0),), "account_number_short"),
]


@pytest.mark.parametrize(
    ("quirk", "allowed"),
    [
        ("", set()),
        ("ids_stripe_style", set()),
        ("ids_uuid_long", set()),
        ("extra_properties", set()),
        ("property_order_reversed", set()),
        ("pages_from_zero", {("list.page_base", "MAY")}),
        ("ties_by_id", set()),
        ("arbitrary_id_400", set()),
        ("metadata_empty_unsets", set()),
        ("create_201", {("endpoints.status_200", "SHOULD")}),
        ("errors_flat", {("error.envelope", "SHOULD")}),
        ("errors_without_param", {("request.param", "SHOULD")}),
        ("gzip", set()),
        ("rate_limited", set()),
        ("metadata_null_when_empty", {("metadata.values", "SHOULD")}),
        ("pan_as_id", set()),
        ("holder_name_empty_accepted", set()),
        ("child_total_count_embedded", set()),
        ("latency", set()),
        ("charset_parameter", set()),
        ("connection_close", set()),
        ("chunked", set()),
    ],
)
def test_a_quirk_gives_no_failing_difference(
    quirk: str, allowed: set[tuple[str, str]], reference: MockURL
) -> None:
    """Each quirk (and the clean mock): generated sequences give exit 0, and one sequence that
    reaches what the quirk varies shows nothing but the quirk's own rule, below MUST."""
    with running_mock(quirks=[quirk] if quirk else []) as target:
        steps = play_sequence(settings_for(target, reference), EVERYTHING)
        result = run_diff(settings_for(target, reference, max_examples=3))
    assert result.failures == []
    assert result.exit_code == 0
    assert result.sequences >= 3  # it did compare answers: a pass rests on evidence
    assert len(steps) == len(EVERYTHING)  # every step reached both sides
    found = {(d.rule, d.level) for s in steps for d in s.differences}
    assert found == allowed, [d for s in steps for d in s.differences]


def test_every_quirk_is_played_explicitly() -> None:
    marks = test_a_quirk_gives_no_failing_difference.pytestmark  # type: ignore[attr-defined]
    played = {quirk for quirk, _ in marks[0].args[1]}
    assert played - {""} == set(QUIRKS)


def test_should_differences_fail_only_under_strict(reference: MockURL) -> None:
    with running_mock(quirks=["create_201"]) as target:
        lenient = run_diff(settings_for(target, reference, max_examples=3))
        strict = run_diff(settings_for(target, reference, max_examples=3, strict=True))
    assert lenient.exit_code == 0
    assert ("endpoints.status_200", "SHOULD") in {
        (f.difference.rule, f.difference.level) for f in lenient.others
    }
    assert strict.exit_code == 1
    assert [(f.difference.rule, f.requests) for f in strict.failures] == [
        ("endpoints.status_200", 1)
    ]


def test_the_deadline_stops_the_run_and_fails_it(reference: MockURL) -> None:
    with running_mock() as target:
        result = run_diff(settings_for(target, reference, max_duration=0.2))
    assert result.stopped == "deadline"
    assert result.exit_code == 1
