"""Rule x path coverage: every MUST rule of the contract, on every operation and input it
governs, has a check that can fail on it there, or is marked not observable with a reason."""

from __future__ import annotations

import json

import pytest

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.suite import all_checks
from lotuspay_contract.conformance.suite._coverage import (
    NOT_OBSERVABLE,
    coverage_matrix,
    governed_paths,
)
from lotuspay_contract.conformance.suite._operations import INPUTS, OPERATION_IDS
from lotuspay_contract.conformance.validation import RULE_TAGS


def test_no_must_rule_has_a_path_without_a_check() -> None:
    missing = {r.rule: r.gaps for r in coverage_matrix() if r.level == "MUST" and r.gaps}
    assert missing == {}


def test_every_doc_and_conv_rule_has_a_row_and_every_path_is_known() -> None:
    rows = {r.rule: r for r in coverage_matrix()}
    wanted = {r for r, tags in RULE_TAGS.items() if {"doc", "conv"} & set(tags)}
    wanted -= {r for r, tags in RULE_TAGS.items() if "ours" in tags}
    assert set(rows) == wanted
    known = {*OPERATION_IDS.values(), "undocumented"}
    for rule in rows:
        for path in governed_paths(rule):
            operation, _, given = path.partition("[")
            assert operation in known, (rule, path)
            assert not given or given.rstrip("]") in INPUTS, (rule, path)


def test_a_rule_marked_not_observable_says_why() -> None:
    for row in coverage_matrix():
        if row.not_observable:
            assert len(row.not_observable) > 20, row.rule
    assert set(NOT_OBSERVABLE) <= set(RULE_TAGS)


@pytest.mark.parametrize(
    ("removed", "rule", "path"),
    [
        ("CUS-BANK-009", "transport.encodings", "createBankAccount[form]"),
        ("CUS-HTTP-007", "transport.auth", "createBankAccount"),
        ("CUS-ISO-003", "transport.accounts", "createCustomer[other account]"),
    ],
)
def test_without_the_check_the_matrix_shows_the_gap(removed: str, rule: str, path: str) -> None:
    rows = coverage_matrix(c for c in all_checks() if c.id != removed)
    assert path in {r.rule: r for r in rows}[rule].gaps


def test_checks_rules_prints_the_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--rules"]) == 0
    text = capsys.readouterr().out
    assert "transport.accounts  MUST" in text
    assert "retrieveBankAccount[other account]" in text
    assert "0 MUST rule x path pair(s) without a check" in text
    assert main(["checks", "--rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["rule"] == "list.email_filter" for r in rows)
