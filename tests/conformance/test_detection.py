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
