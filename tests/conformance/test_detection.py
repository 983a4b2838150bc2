"""Detection power: every fault of the mock fails the run, on every check listed to catch it.

Each fault breaks one rule; its ``caught_by`` (data in the mock's fault catalogue, printed by
``lotuspay-contract faults`` and ``checks``) names first the check that enforces that rule
(``detected_by``), then the other checks that fail on it (``also_caught_by``). The run selects
only those checks (and the scenario checks whose traffic the response checks judge), so the test
proves each listed check catches the fault. The rule's check warns on a SHOULD fault by default;
every listed check fails under --strict.
"""

from __future__ import annotations

import json

import pytest
from suite_helpers import MOCK_KEYS, run_against

from lotuspay_contract.conformance.mock import FAULTS, running_mock

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


def test_every_fault_names_known_checks() -> None:
    from lotuspay_contract.conformance.suite import get_check

    for fault in FAULTS.values():
        assert fault.caught_by[0] == fault.detected_by, fault.name
        assert len(set(fault.caught_by)) == len(fault.caught_by), fault.name
        for check_id in fault.caught_by:
            assert get_check(check_id).id == check_id, fault.name
    assert set(SHOULD_BY_CONTRACT) <= set(FAULTS)


def test_the_faults_command_lists_the_checks_that_catch_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lotuspay_contract.conformance.cli import main

    assert main(["faults", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["name"]: tuple(row["caught_by"]) for row in rows} == {
        name: fault.caught_by for name, fault in FAULTS.items()
    }
    assert main(["faults"]) == 0
    text = capsys.readouterr().out
    for fault in FAULTS.values():
        assert f"caught by: {', '.join(fault.caught_by)}" in text, fault.name


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_fails_its_check(fault: str) -> None:
    check_id, caught_by = FAULTS[fault].detected_by, FAULTS[fault].caught_by
    level = "SHOULD" if fault in SHOULD_BY_CONTRACT else getattr(FAULTS[fault], "level", "MUST")
    selected = list(dict.fromkeys([*caught_by, *_TRAFFIC]))
    with running_mock(api_keys=MOCK_KEYS, faults=[fault]) as url:
        default = run_against(url, selected)
        strict = run_against(url, selected, strict=True)
    verdict = {r.check.id: r for r in default.results}[check_id]
    strict_verdicts = {r.check.id: r for r in strict.results}
    missed = [c for c in caught_by if strict_verdicts[c].status != "failed"]
    assert not missed, f"{fault} not caught under strict by {missed}, listed in its caught_by"
    if level == "MUST":
        assert verdict.status == "failed", f"{fault} not caught by {check_id}: {verdict.status}"
        assert default.exit_code == 1
    else:
        assert verdict.status == "warned", f"SHOULD fault {fault}: {verdict.status}"
    assert any(f.check_id == check_id for f in verdict.findings)


#: The isolation checks: every path that reaches an object, tried from the second account.
_ISOLATION = ["CUS-ISO-001", "CUS-ISO-002", "CUS-ISO-003", "CUS-ISO-004"]


def test_every_path_that_reaches_an_object_has_a_leak_fault() -> None:
    from lotuspay_contract.conformance.mock._leak_rewrites import LEAK_PATHS

    leaks = {name for name in FAULTS if name.startswith("leak_")}
    assert {f"leak_{path}" for path in LEAK_PATHS} <= leaks
    assert {"leak_idempotency_key", "leak_bank_account_any_customer"} <= leaks


@pytest.mark.parametrize("fault", [name for name in FAULTS if name.startswith("leak_")])
def test_a_leak_names_the_path_and_both_accounts_masked(fault: str) -> None:
    with running_mock(api_keys=MOCK_KEYS, faults=[fault]) as url:
        result = run_against(url, _ISOLATION)
    verdicts = {r.check.id: r for r in result.results}
    caught = verdicts[FAULTS[fault].detected_by]
    assert caught.status == "failed", fault
    assert result.exit_code == 1
    message = caught.findings[0].message
    assert "/v1/customers" in message
    if fault != "leak_bank_account_any_customer":  # within one account: no second account
        assert "account A (--api-key sk_test_****)" in message
        assert "account B (--second-api-key sk_test_****)" in message
    for key in MOCK_KEYS:
        assert key not in message
        assert key[8:] not in message


def test_the_clean_mock_passes_every_isolation_check() -> None:
    with running_mock(api_keys=MOCK_KEYS) as url:
        result = run_against(url, _ISOLATION)
    assert {r.check.id: r.status for r in result.results} == dict.fromkeys(_ISOLATION, "passed")


def test_without_a_second_key_the_isolation_checks_are_not_exercised() -> None:
    from dataclasses import replace

    from suite_helpers import settings_for

    from lotuspay_contract.conformance.suite._runner import run_suite, select_checks

    with running_mock(api_keys=MOCK_KEYS) as url:
        settings = replace(settings_for(url), second_key=None)
        result = run_suite(settings, checks=select_checks(_ISOLATION, "smoke"))
    statuses = {r.check.id: r.status for r in result.results}
    assert statuses["CUS-ISO-001"] == "not_exercised", statuses
    assert statuses["CUS-ISO-002"] == "not_exercised", statuses
    assert statuses["CUS-ISO-003"] == "not_exercised", statuses
    from lotuspay_contract.conformance.report import render_summary

    for quiet in (False, True):
        first = render_summary(result, quiet=quiet).splitlines()[0]
        assert first.startswith("NOTE account isolation was not exercised"), first
        assert "--second-api-key" in first
