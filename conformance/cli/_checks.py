"""``lotuspay-contract checks``: the catalogue of checks, the one source of the README's table.

Each check with its id, level, family, title, the contract rules it enforces (with their tags
and a link into ``docs/contract.md``) and the mock faults it catches (each fault's
``detected_by``). Check packs (``--checks-module``, the ``lotuspay_contract.checks`` entry
points) are listed too.

No tier column: every built-in check runs in every tier, and a tier sets only how much each
does (examples per property, the fuzz and state machine sizes, the customers a page walk
creates), which ``--tier`` prints. A check pack's check may still start at a later tier
(``min_tier``); the column comes back, for the table, when one does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..settings import TIER_NAMES
from ._options import add_settings_arguments, settings_from_args

__all__ = ["catalogue", "register", "render_markdown", "render_table", "tier_line"]

_LEVELS = ("MUST", "SHOULD", "MAY")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``checks`` sub-command."""
    parser = subparsers.add_parser(
        "checks",
        help="list every check: id, level, family, contract rules, faults it catches",
        description=(
            "List the conformance checks (the ids --checks takes). The Markdown format is the "
            "README's check table."
        ),
    )
    parser.add_argument(
        "--format", choices=("table", "json", "markdown"), default="table", help="default: table"
    )
    # Filters, not settings: matched in any case.
    parser.add_argument(
        "--tier",
        type=str.lower,
        choices=TIER_NAMES,
        help="only the checks this tier runs (every built-in check runs in every tier; the "
        "tier's sizes are printed first)",
    )
    parser.add_argument(
        "--level", type=str.upper, choices=_LEVELS, help="only the checks of this level"
    )
    parser.add_argument(
        "--rules",
        action="store_true",
        help="print the rule x path matrix instead: each [doc] and [conv] rule, the operations "
        "and inputs it governs, the checks that can fail on it there (exit 1 on a MUST gap)",
    )
    add_settings_arguments(parser, "checks")
    parser.set_defaults(handler=run)


def catalogue(tier: str | None = None, level: str | None = None) -> list[dict[str, Any]]:
    """Return one entry per registered check, in catalogue order, as plain data."""
    from ..mock import FAULTS
    from ..suite import CONTRACT_URL, RULE_TAGS, all_checks, rule_tags

    rows = []
    for check in all_checks():
        if (tier and not check.runs_in(tier)) or (level and check.level.value != level):
            continue
        rows.append(
            {
                "id": check.id,
                "level": check.level.value,
                "family": check.family,
                "tier": check.min_tier,
                "kind": check.kind,
                "title": check.title,
                "rules": [
                    {
                        "id": rule,
                        "tags": list(rule_tags(rule)),
                        "url": f"{CONTRACT_URL}#{rule}" if rule in RULE_TAGS else None,
                    }
                    for rule in check.rules
                ],
                "faults": [f.name for f in FAULTS.values() if f.detected_by == check.id],
            }
        )
    return rows


def _rule_text(rule: dict[str, Any], markdown: bool) -> str:
    tags = " ".join(f"[{t}]" for t in rule["tags"])
    if not markdown:
        return f"{rule['id']} {tags}"
    name = f"[`{rule['id']}`]({rule['url']})" if rule["url"] else f"`{rule['id']}`"
    return f"{name} {tags}"


def _tiered(rows: list[dict[str, Any]]) -> bool:
    """Whether a tier column says anything: some check starts later than smoke."""
    return any(row["tier"] != "smoke" for row in rows)


def tier_line(tier: str) -> str:
    """Say what ``tier`` does: the same checks, at the tier's sizes."""
    from ..suite import TIERS

    plan = TIERS[tier]
    return (
        f"tier {tier}: every built-in check runs in every tier; {tier} draws {plan.examples} "
        f"examples per property, {plan.fuzz_examples} fuzz cases per operation, "
        f"{plan.stateful_examples} state machine runs of {plan.stateful_steps} steps, and pages "
        f"through {plan.page_customers} customers"
    )


def render_markdown(rows: list[dict[str, Any]]) -> str:
    """Return the catalogue as the README's Markdown table."""
    tiered = _tiered(rows)
    tier_head, tier_rule = (" tier |", "---|") if tiered else ("", "")
    lines = [
        f"| id | level | family |{tier_head} check | contract rules | mock faults caught |",
        f"|---|---|---|{tier_rule}---|---|---|",
    ]
    for row in rows:
        title = row["title"].replace("|", "\\|")
        rules = "<br>".join(_rule_text(r, markdown=True) for r in row["rules"])
        faults = "<br>".join(f"`{f}`" for f in row["faults"])
        tier = f" {row['tier']} |" if tiered else ""
        lines.append(
            f"| `{row['id']}` | {row['level']} | {row['family']} |{tier} {title} "
            f"| {rules} | {faults} |"
        )
    return "\n".join(lines) + "\n"


def render_table(rows: list[dict[str, Any]]) -> str:
    """Return the catalogue for a terminal: one line per check, its rules and faults below."""
    lines = []
    tiered = _tiered(rows)
    for row in rows:
        tier = f"{row['tier']:<8} " if tiered else ""
        lines.append(f"{row['id']:<14} {row['level']:<6} {row['family']:<13} {tier}{row['title']}")
        lines.append(f"{'':14} rules: {'; '.join(_rule_text(r, False) for r in row['rules'])}")
        if row["faults"]:
            lines.append(f"{'':14} catches: {', '.join(row['faults'])}")
    lines.append(f"{len(rows)} checks")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the catalogue in the chosen format; 2 if a check pack cannot be loaded."""
    from ..suite import CheckPackError, load_checks

    try:
        load_checks(settings_from_args("checks", args).checks_module)
    except CheckPackError as exc:
        print(f"lotuspay-contract checks: error: {exc}", file=sys.stderr)
        return 2
    if args.rules:  # the rule x path matrix (suite/_coverage.py)
        return _print_rules(args.format)
    rows = catalogue(args.tier, args.level)
    if args.tier and args.format == "table":
        print(tier_line(args.tier))
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(rows))
    else:
        sys.stdout.write(render_table(rows))
    return 0


def _print_rules(output: str) -> int:
    from dataclasses import asdict

    from ..suite import coverage_matrix, render_matrix

    rows = coverage_matrix()
    if output == "json":
        sys.stdout.write(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    else:
        sys.stdout.write(render_matrix(rows) + "\n")
    return 1 if any(r.level == "MUST" and r.gaps for r in rows) else 0
