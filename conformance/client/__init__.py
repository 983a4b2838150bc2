"""Talking to a server: a bounded HTTP client that records each exchange with the key masked.

May import ``redact`` and ``validation``; nothing above it (``suite``, ``report``, ``cli``,
``plugin``) and not the ``mock``.
"""

from ._client import (
    DEFAULT_MAX_BODY_BYTES,
    DeadlineReached,
    Exchange,
    LiveWriteRefused,
    LotusPayClient,
    TargetError,
    form_pairs,
    key_mode,
    render_curl,
)
from ._observe import observe_exchanges
from ._rate import RateLimit

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DeadlineReached",
    "Exchange",
    "LiveWriteRefused",
    "LotusPayClient",
    "RateLimit",
    "TargetError",
    "form_pairs",
    "key_mode",
    "observe_exchanges",
    "render_curl",
]
