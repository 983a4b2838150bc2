"""Which checks a run runs (ids, families, operations, tier), and what the user must know first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..client import key_mode
from ._context import RunSettings
from ._operations import check_operations
from ._registry import FAMILIES, Check, all_checks, get_check

__all__ = ["notices_for", "select_checks"]


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
    if key_mode(settings.api_key) == "live" and not settings.allow_live:
        writes = sum(1 for c in chosen if c.writes)
        notices.append(
            f"live key: {writes} check(s) that create objects are skipped and every write is "
            "refused; pass --allow-live to run them against live data"
        )
    if settings.live_key is None and any(c.needs_live_key for c in chosen):
        notices.append("no live key: the live/test separation check is skipped (--live-key)")
    return notices
