"""The checks registry: stable ids, levels from the spec, the README table generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lotuspay_contract.conformance import Level
from lotuspay_contract.conformance.suite import FAMILIES, all_checks, get_check

README = Path(__file__).resolve().parents[2] / "README.md"


def test_ids_are_unique_and_well_formed() -> None:
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    for check_id in ids:  # built-in ids; check packs' are X-<PACK>-NNN
        assert re.fullmatch(r"CUS-[A-Z]+-\d{3}", check_id), check_id


def test_every_family_has_checks() -> None:
    assert {c.family for c in all_checks()} == set(FAMILIES)


CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "contract.md"
_TAG_LEVEL = {"doc": Level.MUST, "conv": Level.SHOULD, "ours": Level.MAY}


def _tags_in_contract() -> dict[str, list[str]]:
    """Every rule id of docs/contract.md with ALL its tags, read independently of the registry."""
    found: dict[str, list[str]] = {}
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        match = re.search(r'<a id="([^"]+)"></a>`([^`]+)`((?:\s*\[[a-z]+(?::[^\]]*)?\])+)', line)
        if match:
            assert match.group(1) == match.group(2), line
            found[match.group(1)] = re.findall(r"\[([a-z]+)", match.group(3))
    return found


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: c.id)
def test_level_is_derived_from_all_tags_of_its_rules(check: object) -> None:
    from lotuspay_contract.conformance.suite import Check

    assert isinstance(check, Check)
    tags = _tags_in_contract()
    assert check.rules, f"{check.id} cites no contract rule"
    behind = [tag for rule in check.rules for tag in tags[rule]]
    # The weakest tag wins: a MUST rests on [doc] tags alone.
    expected = max((_TAG_LEVEL[t] for t in behind), key=list(Level).index)
    assert check.level is expected, f"{check.id}: {check.rules} are tagged {behind}"
    if check.level is Level.MUST:
        assert set(behind) == {"doc"}, f"{check.id} is MUST but rests on {behind}"
    assert check.title
    assert len(check.title) < 100


def test_a_rule_with_several_tags_takes_the_weakest() -> None:
    from lotuspay_contract.conformance.suite._registry import level_of, parse_contract

    assert parse_contract('- <a id="a.b"></a>`a.b` [doc: page] [conv] text') == {
        "a.b": ("doc", "conv")
    }
    several = [r for r, t in _tags_in_contract().items() if len(set(t)) > 1]
    for rule in several:
        assert level_of(rule) is not Level.MUST, rule
    assert level_of(["customer.created", "metadata.values"]) is Level.SHOULD
    assert level_of("client.limits") is Level.MAY  # [ours]: never MUST (CUS-HTTP-004 was)
    assert get_check("CUS-HTTP-004").level is Level.MAY


def test_unknown_check_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="CUS-HTTP-001"):
        get_check("CUS-NOPE-001")


def _catalogue_markdown(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    from lotuspay_contract.conformance.cli import main

    assert main(["checks", "--format", "markdown", *argv]) == 0
    return capsys.readouterr().out


def test_readme_table_is_the_catalogue_command(capsys: pytest.CaptureFixture[str]) -> None:
    """The one source: README's block is ``lotuspay-contract checks --format markdown``."""
    from lotuspay_contract.conformance.mock import FAULTS

    table = _catalogue_markdown(capsys)
    rows = table.splitlines()[2:]
    assert len(rows) == len(all_checks())
    assert rows[0].startswith("| `CUS-HTTP-001` | MUST | transport | Every response ")
    for row, check in zip(rows, all_checks(), strict=True):
        for rule in check.rules:  # every rule behind the level, with all its tags, is shown
            assert f"[`{rule}`](docs/contract.md#{rule})" in row, row
    for fault in FAULTS.values():  # every fault is listed on the row of the check catching it
        row = next(r for r in rows if r.startswith(f"| `{fault.detected_by}` |"))
        assert f"`{fault.name}`" in row.rsplit("|", 2)[1]
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- checks:start -->", "<!-- checks:end -->"
    assert start in text, "README.md lost its check table start marker"
    assert end in text, "README.md lost its check table end marker"
    section = text.split(start, 1)[1].split(end, 1)[0]
    assert section.strip() == table.strip(), (
        "the README check table is stale: paste `lotuspay-contract checks --format markdown`"
    )


def test_catalogue_filters_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from lotuspay_contract.conformance.cli import main

    assert main(["checks", "--format", "json", "--level", "MAY"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows
    assert {r["level"] for r in rows} == {"MAY"}
    assert rows[0]["rules"][0]["url"].startswith("docs/contract.md#")
    smoke = _catalogue_markdown(capsys, "--tier", "smoke").splitlines()[2:]
    assert len(smoke) == sum(c.runs_in("smoke") for c in all_checks())
    assert main(["checks"]) == 0
    out = capsys.readouterr().out
    assert "CUS-LIST-001" in out
    assert "catches: list_oldest_first" in out


def test_custom_ids_and_rules_are_validated() -> None:
    from lotuspay_contract.conformance import Rule, scenario_check
    from lotuspay_contract.conformance.suite import CheckPackError

    def fn(ctx: object) -> None: ...

    fn.__module__ = "my_pack"  # a module outside the package: the custom-check rules apply
    bad = [
        ("CUS-ACME-001", "customer.name", "X-<PACK>-NNN"),
        ("X-acme-001", "customer.name", "X-<PACK>-NNN"),
        ("X-SHAPE-001", "customer.name", "built-in family"),
        ("X-ACME-001", "acme.nope", "not a rule of docs/contract.md"),
        ("X-ACME-001", Rule("customer.name", "doc"), "must start with acme."),
        ("X-ACME-001", Rule("acme.x", "must"), "tag must be one of"),  # type: ignore[arg-type]
    ]
    for check_id, rules, message in bad:
        with pytest.raises(CheckPackError, match=re.escape(message)):
            scenario_check(check_id, "title", rules)(fn)
    assert not [c for c in all_checks() if c.id.startswith("X-")]
