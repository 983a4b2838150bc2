"""API keys never leave the toolkit in clear: every text it prints or writes goes through here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = ["mask_key", "redact"]

_PREFIX: Final = re.compile(r"^((?:sk|pk|rk)_(?:test|live)_)")
_KEY_PATTERN: Final = re.compile(r"\b(sk|pk|rk)_(test|live)_[A-Za-z0-9_\-]+")


def mask_key(key: str | None) -> str:
    """Return ``key`` with everything after its mode prefix hidden: ``sk_test_****``."""
    if not key:
        return "<none>"
    match = _PREFIX.match(key)
    return f"{match.group(1)}****" if match else "****"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with the given secrets and anything shaped like an API key masked."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, mask_key(secret))
    return _KEY_PATTERN.sub(lambda m: f"{m.group(1)}_{m.group(2)}_****", text)
