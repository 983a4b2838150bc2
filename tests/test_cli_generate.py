"""``lotuspay-contract generate``: JSON lines from the strategies, reproducible by seed."""

from __future__ import annotations

import json

import pytest

from lotuspay_contract.conformance import validate
from lotuspay_contract.conformance.cli._generate import KINDS
from lotuspay_contract.conformance.cli._main import main

SCHEMA_OF = {
    "customer": "customer",
    "customer_list": "customer_list",
    "bank_account": "bank_account",
    "mandate": "mandate",
    "subscription": "subscription",
    "error": "error",
    "create_params": "customer_create",
}


def lines(capsys: pytest.CaptureFixture[str], *argv: str) -> list[object]:
    assert main(["generate", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("kind", sorted(SCHEMA_OF))
def test_every_line_is_a_valid_document(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    documents = lines(capsys, "--kind", kind, "--count", "15", "--seed", "3")
    assert len(documents) == 15
    for document in documents:
        assert validate(document, SCHEMA_OF[kind]) == [], document


def test_invalid_customers_break_their_labelled_rule(capsys: pytest.CaptureFixture[str]) -> None:
    for line in lines(capsys, "--kind", "invalid_customer", "--count", "20"):
        assert isinstance(line, dict)
        assert set(line) == {"rule", "level", "document"}
        found = validate(line["document"], "customer", strict=line["level"] != "MUST")
        assert line["rule"] in {v.rule for v in found}


def test_same_seed_same_lines_other_seed_other_lines(capsys: pytest.CaptureFixture[str]) -> None:
    first = lines(capsys, "--kind", "customer", "--count", "10", "--seed", "42")
    again = lines(capsys, "--kind", "customer", "--count", "10", "--seed", "42")
    other = lines(capsys, "--kind", "customer", "--count", "10", "--seed", "43")
    assert first == again
    assert first != other


def test_kinds_cover_the_issue_list() -> None:
    assert {
        "customer",
        "customer_list",
        "bank_account",
        "create_params",
        "invalid_customer",
    } <= set(KINDS)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kind", "customers"], "invalid choice: 'customers'"),
        (["--kind", "customer", "--count", "0"], "--count must be between 1 and 100000, not 0"),
        (["--kind", "customer", "--count", "many"], "'many' is not a whole number"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
