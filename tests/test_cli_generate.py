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


def test_a_seed_gives_the_same_lines_on_any_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """created is drawn below --now (a fixed default), never below the wall clock."""
    import subprocess
    import sys

    argv = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "generate"]
    argv += ["--kind", "customer", "--count", "5", "--seed", "7"]
    today = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout
    # A later "today": the same seed must not move with the clock.
    code = (
        "import time, runpy, sys; real = time.time; time.time = lambda: real() + 400 * 86400; "
        "sys.argv = ['lotuspay-contract', *sys.argv[1:]]; "
        "runpy.run_module('lotuspay_contract.conformance.cli', run_name='__main__')"
    )
    later = subprocess.run(
        [sys.executable, "-c", code, *argv[3:]],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert today == later
    created = [json.loads(line)["created"] for line in today.splitlines()]
    assert max(created) <= 1_767_225_600


def test_now_moves_the_created_bound(capsys: pytest.CaptureFixture[str]) -> None:
    documents = lines(capsys, "--kind", "customer", "--count", "20", "--now", "1500000000")
    assert all(1_420_070_400 <= d["created"] <= 1_500_000_000 for d in documents)  # type: ignore[index]


def test_objects_in_one_data_set_have_distinct_ids(capsys: pytest.CaptureFixture[str]) -> None:
    documents = lines(capsys, "--kind", "customer", "--count", "60", "--seed", "7")
    assert len({d["id"] for d in documents}) == 60  # type: ignore[index]


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
        (["--kind", "customer", "--now", "5"], "--now must be a Unix time no earlier than"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
