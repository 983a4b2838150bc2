"""Which checks a run runs (ids, families, operations, tier, shard), and what the user must know
first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..client import key_mode
from ._context import TIERS, RunSettings, Tier
from ._operations import check_operations
from ._registry import FAMILIES, Check, all_checks, get_check

__all__ = ["check_cost", "notices_for", "select_checks", "shard_checks"]

# Requests each generated example sends, about (measured on the deep tier against the mock):
# the state machine's steps each send one; the fuzz phase sends one per case over its six
# operations; CUS-RT-002 creates and retrieves.
_FUZZ_OPERATIONS = 6
_ROUNDTRIP_REQUESTS = 2
#: What a check that generates no examples sends, about (most send 1 to 20 requests).
_PLAIN_COST = 5


def select_checks(
    selection: Iterable[str] | None, tier: str, operations: Iterable[str] | None = None
) -> list[Check]:
    """Return the checks to run: ``selection`` (ids or family names) or the tier's checks;
    with ``operations`` (OpenAPI operation ids), only the checks that exercise one of them."""
    if operations:
        wanted_ops = set(operations)
        chosen = select_checks(selection, tier)
        return [c for c in chosen if check_operations(c) & wanted_ops]
    if not selection:
        return [c for c in all_checks() if c.runs_in(tier)]
    wanted: list[Check] = []
    for item in selection:
        picked = [c for c in all_checks() if c.family == item] if item in FAMILIES else None
        for check in picked or [get_check(item)]:
            if check not in wanted:
                wanted.append(check)
    order = all_checks()
    return sorted(wanted, key=order.index)


def notices_for(settings: RunSettings, chosen: Sequence[Check]) -> list[str]:
    """Return what the user must know before the run: skipped writes, missing keys."""
    notices = []
    live_main = key_mode(settings.api_key) == "live"
    if live_main and not settings.allow_live:
        writes = sum(1 for c in chosen if c.writes)
        notices.append(
            f"live key: {writes} check(s) that create objects are skipped and every write is "
            "refused; pass --allow-live to run them against live data"
        )
    separation = [c for c in chosen if c.needs_live_key]
    # With a live main key and writes refused, a separation check that writes is counted
    # above: a second notice would contradict the first ("no live key" beside a live key).
    covered = live_main and not settings.allow_live and all(c.writes for c in separation)
    if settings.live_key is None and separation and not covered:
        notices.append(
            "the live/test separation check is skipped: it needs a test key (--api-key) and "
            "a live key (--live-key)"
            if live_main
            else "no live key: the live/test separation check is skipped (--live-key)"
        )
    return notices


def check_cost(check: Check, tier: Tier) -> int:
    """Return about how many requests ``check`` sends in ``tier``: what shards balance."""
    if check.family == "stateful":
        return tier.stateful_examples * tier.stateful_steps
    if check.family == "fuzz":
        return tier.fuzz_examples * _FUZZ_OPERATIONS
    code = getattr(check.func, "__code__", None)
    if code is not None and "for_examples" in code.co_names:
        return tier.examples * _ROUNDTRIP_REQUESTS
    return _PLAIN_COST


def shard_checks(checks: Sequence[Check], index: int, count: int, tier: str) -> list[Check]:
    """Return shard ``index`` (1-based) of ``count`` of ``checks``, in their order.

    Each scenario check is in exactly one shard; every shard holds every response check, which
    judges that shard's answers (``report merge`` combines their verdicts). The split depends
    only on the checks and the tier, never on the seed, their order or the machine: the heaviest
    check first (by :func:`check_cost`, ties in catalogue order) goes to the lightest shard so
    far (ties: the lowest index), so the shards are about even in requests.

    >>> [c.id for c in shard_checks(select_checks(["lists"], "smoke"), 1, 2, "smoke")]
    ... # doctest: +SKIP
    ['CUS-LIST-001', 'CUS-LIST-003', ...]
    """
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: the index must be from 1 to {count}")
    plan = TIERS[tier]
    scenario = [c for c in checks if c.kind == "scenario"]
    load = [0] * count
    home: dict[str, int] = {}
    catalogue = {c.id: n for n, c in enumerate(all_checks())}
    for check in sorted(scenario, key=lambda c: (-check_cost(c, plan), catalogue[c.id])):
        lightest = min(range(count), key=lambda n: (load[n], n))
        home[check.id] = lightest + 1
        load[lightest] += check_cost(check, plan)
    return [c for c in checks if c.kind == "response" or home[c.id] == index]
