"""What a check judged: the answers it examined, counted by OpenAPI operation id and status.

A pass rests on evidence: a check whose record stays empty judged nothing, and the runner
reports it as "not exercised", never as passed. The run's coverage table (operation x status x
the checks that judged it) is built from the same records.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..client import Exchange
from ..errors import LotusPayContractError
from ._operations import operation_id

__all__ = ["Evidence", "NotExercised", "coverage_rows"]


class NotExercised(LotusPayContractError):
    """A check judged nothing (raised by ``CheckContext.not_exercised``): never a pass;
    the runner reports the check as "not exercised", with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Evidence:
    """The answers one check judged (each exchange counted once), by (operation, status).

    Thread-safe: the checks of a run with ``--jobs`` may add to one record from several threads.
    """

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, int]] = Counter()
        # Weak: an exchange's id may be reused once it is gone, and a long run must not keep
        # every answer alive.
        self._held: weakref.WeakValueDictionary[int, Exchange] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def add(self, exchange: Exchange | None) -> None:
        """Count ``exchange`` as judged (again, or None, is a no-op)."""
        if exchange is None:
            return
        key = (operation_id(exchange), exchange.status)
        with self._lock:
            if self._held.get(id(exchange)) is exchange:
                return
            self._held[id(exchange)] = exchange
            self.counts[key] += 1

    @property
    def answers(self) -> int:
        """How many answers were judged."""
        return sum(self.counts.values())

    def to_list(self) -> list[dict[str, Any]]:
        """Return the record as JSON data, sorted by operation and status."""
        return [
            {"operation": op, "status": status, "answers": n}
            for (op, status), n in sorted(self.counts.items())
        ]


def coverage_rows(
    seen: Mapping[tuple[str, int], int], judged: Iterable[tuple[str, Mapping[tuple[str, int], int]]]
) -> list[dict[str, Any]]:
    """Return the coverage table: one row per (operation, status) the run saw or a check judged,
    with the answers seen and the ids of the checks that judged one.

    ``judged`` holds (check id, that check's evidence counts) pairs.
    """
    checks: dict[tuple[str, int], list[str]] = {key: [] for key in seen}
    for check_id, counts in judged:
        for key in counts:
            checks.setdefault(key, []).append(check_id)
    return [
        {"operation": op, "status": status, "answers": seen.get((op, status), 0), "checks": ids}
        for (op, status), ids in sorted(checks.items())
    ]
