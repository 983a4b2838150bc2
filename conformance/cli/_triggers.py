"""``lotuspay-contract triggers``: the reserved inputs that make the mock answer chosen errors.

Generated from the mock's ``TRIGGERS``, as the README table is, so the list cannot drift.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register", "trigger_rows"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "triggers",
        help="list the mock's reserved inputs for a client's error paths",
        description=(
            "List the reserved inputs (an email at the reserved .invalid domain, a reserved "
            "metadata key) that make the mock answer a chosen documented error. On in the "
            "lotuspay_mock fixture and with 'mock --triggers'; never on a reference for the "
            "suite ('run', 'diff')."
        ),
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(handler=run_triggers)


def trigger_rows() -> list[dict[str, Any]]:
    """One row per trigger: its name, answer, rule and the inputs that fire it."""
    from ..mock import TRIGGER_DOMAIN, TRIGGER_METADATA_KEY, TRIGGERS

    return [
        {
            "name": t.name,
            "status": t.status or None,
            "answer": t.description,
            "rule": t.rule,
            "email": f"{t.name}@{TRIGGER_DOMAIN}",
            "email_once": f"{t.name}+once@{TRIGGER_DOMAIN}",
            "metadata": {TRIGGER_METADATA_KEY: t.name},
        }
        for t in TRIGGERS.values()
    ]


def run_triggers(args: argparse.Namespace) -> int:
    """Print every trigger with the inputs that fire it."""
    from ..mock import TRIGGER_DOMAIN, TRIGGER_METADATA_KEY

    rows = trigger_rows()
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(
        f"An email <name>@{TRIGGER_DOMAIN} (a create's email, or the customer list's email "
        f"filter) or a create's metadata {TRIGGER_METADATA_KEY}=<name> fires <name>; "
        "<name>+once (or +once-2, ...) fires on the first such request only, per test."
    )
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        print(f"{row['name']:<{width}}  {row['answer']}  [docs/contract.md#{row['rule']}]")
        print(f"{'':<{width}}  e.g. {row['email']}")
    return 0
