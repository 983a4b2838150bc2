"""Pacing requests to a target: at most N requests per second, retries included, and the wait
before a retry (Retry-After when given, else backoff; capped).

Fixed spacing: each request may start ``1 / rate`` seconds after the previous one reserved its
slot, so the pace holds over any window (no burst). Thread-safe: clients and threads that share
one :class:`RateLimit` share its pace.
"""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
from collections.abc import Callable
from typing import Final, Protocol

__all__ = ["MAX_RETRY_WAIT_SECONDS", "SYSTEM_CLOCK", "Clock", "RateLimit", "retry_wait"]


class Clock(Protocol):
    """Where the client and the runner read the time and wait: the system's, or a test's own
    (a test that advances it by hand gives the same verdicts on a machine of any speed)."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class _SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK: Final[Clock] = _SystemClock()


class RateLimit:
    """At most ``per_second`` request starts per second, for everyone holding this object."""

    def __init__(self, per_second: float, *, clock: Clock = SYSTEM_CLOCK) -> None:
        if not per_second > 0:
            raise ValueError(f"the rate limit must be above 0 per second, not {per_second}")
        self.per_second = per_second
        self.interval = 1.0 / per_second
        self.clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next slot; return the seconds to wait before sending in it."""
        with self._lock:
            now = self.clock.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
            return start - now

    def wait(self, time_left: Callable[[], float] | None = None) -> None:
        """Wait for the next slot. ``time_left`` (seconds until a deadline, raising past it) is
        called first, so a wait past the deadline raises instead of sleeping through it."""
        pause = self.reserve()
        if pause <= 0:
            return
        if time_left is not None and pause >= time_left():
            self.clock.sleep(max(0.0, time_left()))
            time_left()  # raises once the deadline has passed
        self.clock.sleep(pause)


#: Longest wait before one retry, whatever Retry-After says: a server cannot stall the run.
MAX_RETRY_WAIT_SECONDS = 5.0


def retry_wait(retry_after: str | None, attempt: int) -> float:
    """Seconds to wait before retry ``attempt``: Retry-After when given, else backoff; capped."""
    wait = 0.25 * 2 ** (attempt - 1)
    if retry_after:
        try:
            wait = float(retry_after)
        except ValueError:
            # An unreadable Retry-After falls back to the backoff.
            with contextlib.suppress(TypeError, ValueError, OverflowError):
                when = email.utils.parsedate_to_datetime(retry_after)
                wait = when.timestamp() - time.time()
    return float(min(max(wait, 0.0), MAX_RETRY_WAIT_SECONDS))
