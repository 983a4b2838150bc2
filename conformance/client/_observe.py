"""Observers of every exchange of the process: how a run's traffic is recorded (HAR).

The suite's clients are made inside the runner; an observer registered here sees what each of
them sends and gets, whatever thread sends it, without the runner knowing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._exchange import Exchange, TargetError

__all__ = ["ExchangeObserver", "notify", "observe_exchanges"]

#: Called with an exchange and the TargetError that ended it (None when it was answered).
ExchangeObserver = Callable[["Exchange", "TargetError | None"], None]
_observers: tuple[ExchangeObserver, ...] = ()
_lock = threading.Lock()


@contextlib.contextmanager
def observe_exchanges(observer: ExchangeObserver) -> Iterator[None]:
    """Within the block, hand every exchange of every client of the process to ``observer``.

    Answered exchanges and those a :class:`TargetError` ended (status 0) alike, once each, after
    any retries; ``observer`` must be cheap and thread-safe.

    >>> with observe_exchanges(lambda exchange, error: seen.append(exchange)):  # doctest: +SKIP
    ...     client.request("GET", "/v1/customers")
    """
    global _observers
    with _lock:
        _observers = (*_observers, observer)
    try:
        yield
    finally:
        with _lock:
            _observers = tuple(o for o in _observers if o is not observer)


def notify(exchange: Exchange, error: TargetError | None) -> None:
    """Hand ``exchange`` to every observer (the tuple is replaced, never changed in place)."""
    for observe in _observers:
        observe(exchange, error)
