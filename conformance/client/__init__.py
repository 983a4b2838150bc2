"""Talking to a server: a bounded HTTP client that records each exchange with the key masked.

May import ``redact`` and ``validation``; nothing above it (``suite``, ``report``, ``cli``,
``plugin``) and not the ``mock``.
"""

from ._adaptive import AdaptiveLimit
from ._client import (
    DEFAULT_MAX_BODY_BYTES,
    DeadlineReached,
    Exchange,
    KeyRefused,
    LiveWriteRefused,
    LotusPayClient,
    RateLimited,
    TargetError,
    TargetUnavailable,
    form_pairs,
    key_mode,
    render_curl,
)
from ._observe import observe_exchanges
from ._outage import OutageWatch
from ._rate import SYSTEM_CLOCK, Clock, RateLimit

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "SYSTEM_CLOCK",
    "AdaptiveLimit",
    "Clock",
    "DeadlineReached",
    "Exchange",
    "KeyRefused",
    "LiveWriteRefused",
    "LotusPayClient",
    "OutageWatch",
    "RateLimit",
    "RateLimited",
    "TargetError",
    "TargetUnavailable",
    "form_pairs",
    "key_mode",
    "observe_exchanges",
    "render_curl",
]
