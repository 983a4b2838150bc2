"""Telling an outage from a fault: a target that answers every request with a 5xx, or not at
all, for a sustained stretch is unavailable, and judging it further proves nothing.

Counted in answers, not seconds, so the call is the same on a machine of any speed: a stretch
of :data:`OUTAGE_ANSWERS` answers in a row, each a 5xx or none, across at least
:data:`OUTAGE_OPERATIONS` distinct operations. A fault that breaks one operation (a 500 to every
malformed create, however many the fuzz phase sends) never makes such a stretch, so a 5xx among
normal answers stays a verdict (CUS-HTTP-003).
"""

from __future__ import annotations

import re
import threading
from typing import Final

__all__ = ["OUTAGE_ANSWERS", "OUTAGE_OPERATIONS", "OutageWatch", "TargetUnavailable"]

OUTAGE_ANSWERS: Final = 20
OUTAGE_OPERATIONS: Final = 3
_ID: Final = re.compile(r"/[A-Za-z]+_[A-Za-z0-9]+")


class TargetUnavailable(BaseException):
    """Every request of a sustained stretch got a 5xx or no answer: the run stops rather than
    fail what is left (a ``BaseException``, as :class:`DeadlineReached`, so no check or
    Hypothesis takes it for a verdict)."""


class OutageWatch:
    """Counts the answers in a row that were a 5xx or none, and the operations they came from."""

    def __init__(self) -> None:
        self.streak = 0
        self.operations: set[tuple[str, str]] = set()
        self.down: str | None = None
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        """Count one answer (``status`` 0: none came)."""
        with self._lock:
            if 0 < status < 500:
                self.streak = 0
                self.operations.clear()
                return
            self.streak += 1
            self.operations.add((method, _ID.sub("/{id}", path)))
            if self.streak >= OUTAGE_ANSWERS and len(self.operations) >= OUTAGE_OPERATIONS:
                self.down = (
                    f"target unavailable: the last {self.streak} requests, to "
                    f"{len(self.operations)} operations, got a 5xx or no answer"
                )

    def check(self) -> None:
        """Raise :class:`TargetUnavailable` once the target was found down."""
        if self.down is not None:
            raise TargetUnavailable(self.down)
