"""How many requests a run keeps in flight when the user fixed none: as many as the target
takes without throttling.

Additive increase, multiplicative decrease (AIMD, as TCP's congestion window): every answer
that is not a 429 widens the window by ``1 / window`` (about one more request in flight per
window's worth of answers), every 429 halves it and spaces request starts (the pause doubles,
and shrinks again while answers come through), unless it said ``Retry-After: 0``. A fixed
``--jobs N`` does not use this; ``--rate-limit`` paces on top of it. Only *when* requests are
sent depends on it, never what is sent or judged.

A request holds its place through its retries: a 429's retry goes next instead of queueing
behind every other request (which, against a target counting requests, could meet the limit
again each time).

Thread-safe; a waiting thread is woken by a release (one request is always in flight while a
thread waits), so the wait needs no timeout and reads no clock but the one given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final

from ._rate import SYSTEM_CLOCK, Clock

__all__ = ["AdaptiveLimit"]

#: The pause between request starts after a 429: from this, doubled per 429, capped.
_FIRST_PAUSE: Final = 0.05
_MAX_PAUSE: Final = 2.0
#: Below this the pause is dropped: the target takes the pace again.
_MIN_PAUSE: Final = 0.005


class AdaptiveLimit:
    """A window of requests in flight between ``minimum`` and ``maximum``, starting at
    ``start``, and a pause between request starts after throttling."""

    def __init__(
        self, start: int = 4, *, minimum: int = 1, maximum: int = 8, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        if not 1 <= minimum <= start <= maximum:
            raise ValueError(
                f"need 1 <= minimum <= start <= maximum, not {minimum}, {start}, {maximum}"
            )
        self.window = float(start)
        self.minimum = minimum
        self.maximum = maximum
        self.pause = 0.0
        self.clock = clock
        self.in_flight = 0
        self.throttled = 0
        self._next_start = 0.0
        self._changed = threading.Condition()

    def acquire(self, time_left: Callable[[], float]) -> None:
        """Wait for a place in the window and the pause since the last start; ``time_left``
        raises once the run's deadline has passed (or it was aborted), ending the wait."""
        with self._changed:
            while self.in_flight >= int(self.window):
                time_left()
                self._changed.wait()
            self.in_flight += 1
            now = self.clock.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self.pause
        wait = start - now
        if wait > 0:
            # Not past the deadline: the caller's next time_left() raises there, and it
            # releases the place it holds whatever happens.
            self.clock.sleep(min(wait, max(0.0, time_left())))

    def observe(self, status: int, *, retry_now: bool = False) -> None:
        """Adapt to one answer's ``status`` (0: no answer, which changes nothing).

        ``retry_now``: the 429 said ``Retry-After: 0``; the target asks for fewer requests at
        once, not for a slower pace, so the window shrinks but no pause is added (measured
        against the mock's rate_limited quirk, standard tier: with the pause the run took
        12.5 s, against 4.7 s at jobs=8, for the same 80 answers 429).
        """
        with self._changed:
            if status == 429:
                self.throttled += 1
                self.window = max(float(self.minimum), self.window / 2)
                if not retry_now:
                    self.pause = min(_MAX_PAUSE, max(_FIRST_PAUSE, self.pause * 2))
            elif status:
                self.window = min(float(self.maximum), self.window + 1 / self.window)
                self.pause = self.pause * 0.8 if self.pause > _MIN_PAUSE else 0.0
            self._changed.notify_all()

    def release(self) -> None:
        """Free the place taken by :meth:`acquire`."""
        with self._changed:
            self.in_flight -= 1
            self._changed.notify_all()

    def wake(self) -> None:
        """Wake every waiting thread, to see the client was aborted."""
        with self._changed:
            self._changed.notify_all()
