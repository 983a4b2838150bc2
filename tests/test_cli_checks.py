"""Issue 21: ``checks --tier`` says what a tier changes; no tier column that says nothing."""

from __future__ import annotations

import pytest

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.cli._checks import catalogue, render_markdown, render_table
from lotuspay_contract.conformance.suite import all_checks


def test_every_built_in_check_runs_in_every_tier_and_the_tier_says_its_sizes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    builtin = [c for c in all_checks() if c.id.startswith("CUS-")]
    assert {c.min_tier for c in builtin} == {"smoke"}  # else the column must come back
    assert main(["checks", "--tier", "deep"]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert first == (
        "tier deep: every built-in check runs in every tier; deep draws 200 examples per "
        "property, 200 fuzz cases per operation, 100 state machine runs of 50 steps, and pages "
        "through 25 customers"
    )
    assert rest[-1] == f"{len(all_checks())} checks"


def test_no_tier_column_unless_a_check_starts_later() -> None:
    rows = catalogue()
    assert render_markdown(rows).splitlines()[0] == (
        "| id | level | family | check | contract rules | mock faults caught |"
    )
    later = [{**rows[0], "tier": "deep"}, *rows[1:]]
    assert "| tier |" in render_markdown(later).splitlines()[0]
    assert " deep     " in render_table(later).splitlines()[0]
    assert " smoke " not in render_table(rows).splitlines()[0]
