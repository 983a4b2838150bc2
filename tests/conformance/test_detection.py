"""Detection power: every fault of the mock fails the run, on the check that targets it.

Each fault breaks one rule; the table names the check that enforces that rule. The run selects
only that check, so the test proves the check itself catches the fault (other checks may catch
it too: see tests/conformance/README notes in the report). SHOULD faults warn by default and fail
under --strict.
"""

from __future__ import annotations

import pytest
from suite_helpers import MOCK_KEYS, run_against

from lotuspay_contract.conformance.mock import FAULTS, running_mock

#: fault -> the check that enforces the rule the fault breaks.
DETECTED_BY: dict[str, str] = {
    "created_milliseconds": "CUS-SEM-002",
    "created_string": "CUS-SHAPE-001",
    "object_capitalised": "CUS-SHAPE-001",
    "metadata_null": "CUS-RT-005",
    "account_number_leaked": "CUS-BANK-003",
    "livemode_inverted": "CUS-SEM-001",
    "total_count_short": "CUS-SHAPE-001",
    "bank_account_customer_self": "CUS-BANK-005",
    "retrieve_drops_metadata": "CUS-RT-001",
    "name_truncated": "CUS-RT-002",
    "list_oldest_first": "CUS-LIST-001",
    "limit_ignored": "CUS-LIST-002",
    "page_ignored": "CUS-LIST-003",
    "email_filter_ignored": "CUS-LIST-005",
    "email_no_match_empty": "CUS-LIST-006",
    "error_type_missing": "CUS-SHAPE-005",
    "error_type_misspelled": "CUS-SHAPE-005",
    "error_param_missing": "CUS-REQ-002",
    "not_found_as_400": "CUS-ERR-001",
    "errors_plain_text": "CUS-HTTP-001",
    "create_status_201": "CUS-HTTP-002",
    "missing_key_accepted": "CUS-AUTH-001",
    "accounts_shared": "CUS-AUTH-003",
    "unauthorized_as_403": "CUS-AUTH-001",
    "accept_ignored": "CUS-HTTP-005",
    "idempotency_ignored": "CUS-IDEM-002",
    "idempotency_key_per_body": "CUS-IDEM-002",
    "idempotency_replay_200": "CUS-IDEM-001",
    "form_brackets_ignored": "CUS-RT-003",
    "json_body_refused": "CUS-RT-003",
    "unknown_params_ignored": "CUS-ROB-005",
    "long_email_truncated": "CUS-REQ-001",
    "ifsc_lowercase_accepted": "CUS-REQ-002",
    "crash_on_malformed_json": "CUS-ROB-001",
    "crash_on_non_ascii": "CUS-HTTP-003",
    "default_limit_10": "CUS-LIST-008",
    "bank_account_list_ignores_limit": "CUS-BANK-006",
    "bank_account_list_oldest_first": "CUS-BANK-007",
    "undocumented_delete_allowed": "CUS-HTTP-006",
    "embeds_oldest_bank_accounts": "CUS-BANK-008",
    "bank_account_idempotency_ignored": "CUS-IDEM-003",
    "accepts_unissued_keys": "CUS-AUTH-005",
}

#: Faults the mock labels MUST that break only a [conv] or [ours] rule of docs/contract.md: a
#: default run warns (never fails) on them, --strict fails. fault -> why it is SHOULD.
SHOULD_BY_CONTRACT: dict[str, str] = {
    "metadata_null": "metadata.values [conv]: {} rather than null for an empty map",
    "name_truncated": "request.stored [conv]: values come back as sent",
    "create_status_201": "endpoints.status_200 [conv]: any 2xx is a success [doc]",
    "error_param_missing": "request.param [conv]: param is optional in the docs",
    "ifsc_lowercase_accepted": "bank_account_create.account_ifsc.format [conv]: 11 chars is [doc]",
}

#: Response checks need traffic: these scenario checks provide the requests they judge.
_TRAFFIC = ["CUS-RT-001", "CUS-RT-004", "CUS-ERR-001", "CUS-BANK-004", "CUS-LIST-004"]


def test_table_covers_every_fault() -> None:
    assert set(DETECTED_BY) == set(FAULTS)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_fails_its_check(fault: str) -> None:
    check_id = DETECTED_BY[fault]
    level = "SHOULD" if fault in SHOULD_BY_CONTRACT else getattr(FAULTS[fault], "level", "MUST")
    with running_mock(api_keys=MOCK_KEYS, faults=[fault]) as url:
        default = run_against(url, [check_id, *_TRAFFIC])
        strict = run_against(url, [check_id, *_TRAFFIC], strict=True)
    verdict = {r.check.id: r for r in default.results}[check_id]
    strict_verdict = {r.check.id: r for r in strict.results}[check_id]
    assert strict_verdict.status == "failed", f"{fault} not caught by {check_id} under strict"
    if level == "MUST":
        assert verdict.status == "failed", f"{fault} not caught by {check_id}: {verdict.status}"
        assert default.exit_code == 1
    else:
        assert verdict.status == "warned", f"SHOULD fault {fault}: {verdict.status}"
    assert any(f.check_id == check_id for f in verdict.findings)
