"""``lotuspay-contract generate``: JSON lines of test data from our strategies, reproducibly."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["KINDS", "SCHEMA_OF_KIND", "generate", "register"]

#: Each kind names a strategy of the ``strategies`` package (imported only when generating).
KINDS: dict[str, str] = {
    "customer": "customers",
    "customer_list": "customer_lists",
    "bank_account": "bank_accounts",
    "mandate": "mandates",
    "subscription": "subscriptions",
    "error": "errors",
    "create_params": "customer_create_params",
    "bank_account_create_params": "bank_account_create_params",
    "invalid_customer": "invalid_customers",
}
#: The schema each kind's documents conform to (``validate --schema``); None: built to break it.
SCHEMA_OF_KIND: dict[str, str | None] = {
    "customer": "customer",
    "customer_list": "customer_list",
    "bank_account": "bank_account",
    "mandate": "mandate",
    "subscription": "subscription",
    "error": "error",
    "create_params": "customer_create",
    "bank_account_create_params": "bank_account_create",
    "invalid_customer": None,
}
_MAX_COUNT = 100_000
#: 2026-01-01T00:00:00Z: a fixed "now" keeps a seed's lines the same from one day to the next.
DEFAULT_NOW = 1_767_225_600
_CREATED_MIN = 1_420_070_400  # 2015-01-01, the contract's lower bound for created


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``generate`` sub-command."""
    parser = subparsers.add_parser(
        "generate",
        help="write generated test data as JSON lines",
        description=(
            "Write COUNT documents of one kind, one JSON document a line, drawn from the "
            "project's Hypothesis strategies. The same --seed gives the same lines. "
            'invalid_customer lines are {"rule": ..., "level": ..., "document": ...}. '
            "The lines chain into `validate --schema S -`, S the kind's name except "
            "create_params (customer_create) and bank_account_create_params "
            "(bank_account_create)."
        ),
    )
    parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="what to generate")
    parser.add_argument("--count", type=_count, default=10, help="how many lines (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument(
        "--now",
        type=_epoch,
        default=DEFAULT_NOW,
        help=(
            "Unix time that generated created values stay below, so a seed gives the same "
            f"lines on any day (default {DEFAULT_NOW}, 2026-01-01T00:00:00Z)"
        ),
    )
    parser.set_defaults(handler=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= _MAX_COUNT:
        raise argparse.ArgumentTypeError(f"--count must be between 1 and {_MAX_COUNT}, not {value}")
    return value


def _epoch(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if value < _CREATED_MIN:
        raise argparse.ArgumentTypeError(
            f"--now must be a Unix time no earlier than {_CREATED_MIN} (2015-01-01), not {value}"
        )
    return value


def _as_json(value: Any) -> Any:
    # An InvalidDocument is a labelled pair; everything else is a plain document.
    if hasattr(value, "document") and hasattr(value, "rule"):
        return {
            "rule": value.rule,
            "level": str(getattr(value, "level", "MUST")),
            "document": value.document,
        }
    return value


def generate(
    kind: str,
    count: int,
    seed: int,
    emit: Callable[[Any], None],
    *,
    now: int = DEFAULT_NOW,
) -> None:
    """Draw ``count`` values of ``kind`` with ``seed`` and pass each to ``emit``.

    Hypothesis draws inside a ``@given`` run pinned by ``@seed``: its public way to draw many
    values reproducibly. A run may stop early once a small space is exhausted, so further runs
    (with derived seeds) top the count up. ``created`` values stay below ``now``, and objects
    with an ``id`` are emitted once per id: a data set of customers has no two with one id.
    """
    from lotuspay_contract import strategies

    strategy = getattr(strategies, KINDS[kind])()
    left = [count]
    seen_ids: set[str] = set()

    def fresh(value: Any) -> bool:
        object_id = value.get("id") if isinstance(value, dict) else None
        if not isinstance(object_id, str):
            return True
        if object_id in seen_ids:
            return False
        seen_ids.add(object_id)
        return True

    with strategies.pinned_clock(now):
        _draw_runs(strategy, count, seed, left, fresh, emit)


def _draw_runs(
    strategy: Any,
    count: int,
    seed: int,
    left: list[int],
    fresh: Callable[[Any], bool],
    emit: Callable[[Any], None],
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as pin_seed

    # Within a run Hypothesis mutates earlier examples, often keeping their id: a run draws
    # four times what is left and duplicate ids are skipped (a fresh run restarts from the
    # simplest example, so few long runs beat many short ones).
    for attempt in range(count):
        if left[0] == 0:
            return

        @pin_seed(seed * 1_000_003 + attempt)
        @settings(
            max_examples=4 * left[0],
            database=None,
            phases=[Phase.generate],
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def draw(value: Any) -> None:
            if left[0] > 0 and fresh(value):
                left[0] -= 1
                emit(_as_json(value))

        draw()


def run(args: argparse.Namespace) -> int:
    """Write the lines to standard output."""

    def emit(value: Any) -> None:
        sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")

    generate(args.kind, args.count, args.seed, emit, now=args.now)
    return 0
