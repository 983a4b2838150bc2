"""The ``run`` command's option values: each checked with a one-line reason, before any request."""

from __future__ import annotations

import argparse
import re
from typing import Any

__all__ = [
    "_bad_key",
    "_base_url",
    "_check_list",
    "_jobs",
    "_operation_list",
    "_rate",
    "_seconds",
    "_seed",
    "_shard",
    "run_facts",
]

#: A secret key as LotusPay issues them; nothing is trimmed before the match.
_KEY_SHAPE = re.compile(r"sk_(?:test|live)_[!-~]+")


def _check_list(text: str) -> list[str]:
    # Only split here: custom packs load after parsing, so ids are checked then (_load_packs).
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError(unknown_checks(["(none given)"]))
    return items


def unknown_checks(unknown: list[str]) -> str:
    """The usage error for ``--checks`` items that name no check and no family."""
    from ..suite import FAMILIES

    return (
        f"unknown check {', '.join(unknown)}: give check ids or family names separated by "
        f"commas, e.g. CUS-LIST-003,transport (families: {', '.join(FAMILIES)}; "
        f"'lotuspay-contract checks' lists the ids)"
    )


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be an integer, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"the seed must be between 0 and 2**63 - 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(
            f"the maximum duration is a number of seconds above 0 and at most 86400, got {text!r}"
        )
    return value


#: More threads than this would only queue on the target (and on the GIL).
MAX_JOBS = 64


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"--jobs is a whole number of checks at a time from 1 to {MAX_JOBS}, got {text!r}"
        )
    return value


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    try:
        shard = int(index), int(count)
    except ValueError:
        shard = (0, 0)
    if not 1 <= shard[0] <= shard[1] <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"--shard is I/N, this shard's number I from 1 to N and the number of shards N "
            f"(at most {MAX_JOBS}), e.g. 2/3; got {text!r}"
        )
    return shard


def _base_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"the base URL must start with http:// or https://, got {text!r}"
        )
    root = text.rstrip("/")
    if root.endswith("/v1"):
        raise argparse.ArgumentTypeError(
            f"the base URL is the server root: drop /v1 (give {root[:-3]!r}, not {text!r}); "
            "the suite adds /v1/... itself"
        )
    return root


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"the rate limit is a number of requests per second above 0, got {text!r}"
        )
    return value


def _operation_list(text: str) -> list[str]:
    from ..suite import OPERATION_IDS, unknown_operations

    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = unknown_operations(items)
    if unknown or not items:
        raise argparse.ArgumentTypeError(
            f"unknown operation {', '.join(unknown) or '(none given)'}: give OpenAPI operation "
            f"ids separated by commas (known: {', '.join(OPERATION_IDS.values())})"
        )
    return items


def _bad_key(name: str, key: str | None) -> str | None:
    """Return a usage error when ``key`` is given but not shaped like a LotusPay secret key.

    Nothing is trimmed: a key with a stray space is refused, not taken for another kind.
    """
    if key is None or _KEY_SHAPE.fullmatch(key):
        return None
    return (
        f"{name} is not a LotusPay secret key: it must start with sk_test_ or sk_live_, "
        "with no spaces around it"
    )


def run_facts(args: argparse.Namespace) -> dict[str, Any]:
    """What the reports add to a run's data: its shard, and the embedded mock's faults and
    quirks (the HTML header shows them)."""
    facts: dict[str, Any] = {}
    if getattr(args, "shard", None):
        facts["shard"] = {"index": args.shard[0], "count": args.shard[1]}
    if not args.base_url:
        faults, quirks = getattr(args, "mock_fault", None), getattr(args, "mock_quirk", None)
        facts["mock"] = {"faults": list(faults or ()), "quirks": list(quirks or ())}
    return facts
