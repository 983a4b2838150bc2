"""Issue 21: one level per finding, the same everywhere.

Against every fault and every quirk of the mock, the checks concerned run (in process, strict,
the smoke tier); each finding is printed at the level of the contract rule it cites (a finding
without a rule, at its check's declared level), and each check's row, in the terminal
summary, the JSON report and the JUnit report, shows its verdict's level: the gravest level
among its findings, else the declared one, so no row says SHOULD beside a MUST finding.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from suite_helpers import MOCK_KEYS, run_against

from lotuspay_contract.conformance.mock import FAULTS, QUIRKS, running_mock
from lotuspay_contract.conformance.report import render_summary, report_data
from lotuspay_contract.conformance.report._junit import junit_xml
from lotuspay_contract.conformance.suite import all_checks
from lotuspay_contract.conformance.suite._registry import RULE_TAGS, level_of
from lotuspay_contract.conformance.suite._results import RunResult, gravest_level

pytestmark = pytest.mark.slow

#: Response checks need traffic: these scenario checks provide the requests they judge.
_TRAFFIC = ["CUS-RT-001", "CUS-RT-004", "CUS-ERR-001", "CUS-BANK-004", "CUS-LIST-004"]
_PHASES = {"CUS-FUZZ-001", "CUS-STATE-001"}


def level_contradictions(result: RunResult) -> list[str]:
    """Every place a finding's or a row's printed level is not the one rule says it is."""
    wrong = []
    data = {row["id"]: row for row in report_data(result)["checks"]}
    junit = ET.fromstring(junit_xml(result))
    junit_levels = {
        case.find("properties/property[@name='check_id']").get("value"): case.find(  # type: ignore[union-attr]
            "properties/property[@name='level']"
        ).get("value")  # type: ignore[union-attr]
        for case in junit.iter("testcase")
    }
    rows = {
        line.split()[1]: line.split()[2]
        for line in render_summary(result).splitlines()
        if re.match(r"\S+ +[A-Z]+-[A-Z]+-\d{3} ", line)
    }
    for verdict in result.results:
        check = verdict.check
        for finding in verdict.findings:
            expected = level_of(finding.rule) if finding.rule in RULE_TAGS else check.level
            if finding.level is not expected:
                wrong.append(
                    f"{check.id} {finding.rule}: {finding.level.value}, rule says {expected.value}"
                )
            if f"({finding.level.value}):" not in str(finding).splitlines()[0]:
                wrong.append(f"{check.id}: the finding line does not print {finding.level.value}")
        row = (gravest_level(f.level for f in verdict.findings) or check.level).value
        shown = {
            "summary": rows.get(check.id),
            "json": data[check.id]["level"],
            "junit": junit_levels.get(check.id),
        }
        wrong += [
            f"{check.id}: {where} shows {lv}, verdict is {row}"
            for where, lv in shown.items()
            if lv != row
        ]
    return wrong


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_findings_are_at_their_rules_levels(fault: str) -> None:
    with running_mock(api_keys=MOCK_KEYS, faults=[fault]) as url:
        result = run_against(url, [FAULTS[fault].detected_by, *_TRAFFIC], strict=True)
    assert any(r.findings for r in result.results), f"{fault} gave no finding to judge"
    assert level_contradictions(result) == []


def _checks_of(rules: tuple[str, ...]) -> list[str]:
    chosen = [c.id for c in all_checks() if set(c.rules) & set(rules) and c.id not in _PHASES]
    return list(dict.fromkeys([*chosen, *_TRAFFIC]))


@pytest.mark.parametrize("quirk", sorted(QUIRKS))
def test_quirk_findings_are_at_their_rules_levels(quirk: str) -> None:
    with running_mock(api_keys=MOCK_KEYS, quirks=[quirk]) as url:
        result = run_against(url, _checks_of(QUIRKS[quirk].rules), strict=True)
    assert level_contradictions(result) == []


def test_the_plugin_junit_level_is_the_verdicts(pytester: pytest.Pytester) -> None:
    """CUS-HTTP-002 is declared MUST (errors.statuses); a 201 create breaks only
    endpoints.status_200 [conv]: its item's JUnit level says SHOULD, as its finding does."""
    junit = pytester.path / "junit.xml"
    with running_mock(api_keys=MOCK_KEYS, faults=["create_status_201"]) as url:
        pytester.runpytest(
            "--lotuspay-url",
            str(url),
            "--lotuspay-key",
            MOCK_KEYS[0],
            "--lotuspay-tier",
            "smoke",
            "--lotuspay-seed",
            "5",
            "-q",
            "-p",
            "no:randomly",
            "-k",
            "HTTP-002 or RT-001",
            f"--junitxml={junit}",
        )
    cases = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in ET.parse(junit).getroot().iter("testcase")
    }
    (http_002,) = [props for name, props in cases.items() if "HTTP-002" in str(name)]
    assert http_002["level"] == "SHOULD"
