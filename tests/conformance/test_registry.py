"""The checks registry: stable ids, levels from the spec, the README table generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lotuspay_contract.conformance import Level
from lotuspay_contract.conformance.suite import (
    FAMILIES,
    all_checks,
    get_check,
    render_markdown_table,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_ids_are_unique_and_well_formed() -> None:
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    for check_id in ids:
        assert re.fullmatch(r"CUS-[A-Z]+-\d{3}", check_id), check_id


def test_every_family_has_checks() -> None:
    assert {c.family for c in all_checks()} == set(FAMILIES)


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: c.id)
def test_level_matches_the_clause_tag(check: object) -> None:
    from lotuspay_contract.conformance.suite import Check

    assert isinstance(check, Check)
    tag = re.match(r"\[(doc|conv|ours)\]", check.clause)
    assert tag, f"{check.id}: the clause must start with its spec tag"
    expected = {"doc": Level.MUST, "conv": Level.SHOULD, "ours": Level.MUST}[tag.group(1)]
    # [ours] appears only on CUS-HTTP-004, which guards the suite's own limits.
    if tag.group(1) == "ours":
        assert check.id == "CUS-HTTP-004"
    assert check.level is expected
    assert check.title
    assert len(check.title) < 100


def test_unknown_check_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="CUS-HTTP-001"):
        get_check("CUS-NOPE-001")


def test_table_has_one_row_per_check() -> None:
    rows = render_markdown_table().splitlines()[2:]
    assert len(rows) == len(all_checks())
    assert rows[0].startswith("| `CUS-HTTP-001` | MUST | transport |")


def test_readme_table_is_in_sync() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- checks:start -->", "<!-- checks:end -->"
    assert start in text, "README.md lost its check table start marker"
    assert end in text, "README.md lost its check table end marker"
    section = text.split(start, 1)[1].split(end, 1)[0]
    assert section.strip() == render_markdown_table().strip(), (
        "the README check table is stale: paste conformance.checks.render_markdown_table()"
    )
