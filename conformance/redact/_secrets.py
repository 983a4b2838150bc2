"""API keys never leave the toolkit in clear: every text it prints or writes goes through here.

A server may echo the key in any form it received or could derive: the ``Authorization`` header
is ``Basic base64("key:")``, so the base64 form is the likeliest leak. From each secret the
masker derives, once, one compiled pattern for every form worth catching:

- the key's distinctive part (after ``sk_test_``/``sk_live_``; the whole of any other secret)
  in any case, so the prefix-stripped, upper-cased and split forms (``sk-test-…``,
  ``sk test …``) are caught wherever that part survives whole;
- that part fully percent-encoded (``%5a%71…``; URL-encoding leaves its letters and digits as
  they are, so ``quote(key)`` is the case above) and in hex;
- its base64, standard and URL-safe, at each of the three byte alignments, so it is found
  inside a longer blob (``base64("sk_test_…:")``, ``Bearer <base64 of a JSON>``), whatever the
  padding. The base64 characters that mix the key's bits with its neighbours' are masked too.

Then anything shaped like an API key is masked, and the text is made safe (:func:`safe_text`).
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._safe import safe_text

__all__ = ["mask_key", "redact", "redact_data", "remember_secret"]

_PREFIX: Final = re.compile(r"^((?:sk|pk|rk)_(?:test|live)_)", re.IGNORECASE)
_KEY_PATTERN: Final = re.compile(r"\b(sk|pk|rk)_(test|live)_[A-Za-z0-9_\-]+", re.IGNORECASE)
_MASK: Final = "****"
_MIN_SECRET: Final = 4
# Below this, a derived form (hex, base64 core) is too short to be told from ordinary text.
_MIN_DERIVED: Final = 8
_B64_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")

_MAX_REMEMBERED: Final = 16
_order: list[str] = []
_remembered: frozenset[str] = frozenset()


def mask_key(key: str | None) -> str:
    """Return ``key`` with everything after its mode prefix hidden: ``sk_test_****``."""
    if not key:
        return "<none>"
    match = _PREFIX.match(key)
    return f"{match.group(1)}{_MASK}" if match else _MASK


def remember_secret(secret: str | None) -> None:
    """Mask ``secret`` in every later :func:`redact` of this process, in all its forms."""
    global _remembered
    if secret and len(secret) >= _MIN_SECRET and secret not in _remembered:
        # The most recent few: a run has one or two keys, and a long-lived process (a test
        # session making clients by the hundred) must not grow the pattern without bound.
        _order.append(secret)
        del _order[:-_MAX_REMEMBERED]
        _remembered = frozenset(_order)


def _distinct(secret: str) -> str:
    match = _PREFIX.match(secret)
    rest = secret[match.end() :] if match else ""
    return rest if len(rest) >= _MIN_SECRET else secret


def _base64_cores(data: bytes) -> set[str]:
    """Return the base64 characters that only ``data`` determines, at each alignment."""
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode("ascii")
        first = -(-8 * offset // 6)  # the first character holding no bit of the dummy bytes
        last = 8 * (offset + len(data)) // 6  # past the last character holding only data bits
        # One character less each side: a key whose first or last character was changed (an
        # id built from an echoed one, say) still shows its core, and the mask widens anyway.
        core = encoded[first + 1 : last - 1]
        if len(core) >= _MIN_DERIVED:
            cores.add(core)
            cores.add(core.translate(str.maketrans("+/", "-_")))
    return cores


@dataclass(frozen=True)
class _Masker:
    """Every form of some secrets: one pattern, and the literals that must occur for a match."""

    pattern: re.Pattern[str]
    folded: tuple[str, ...]  # looked for in the lower-cased text
    exact: tuple[str, ...]  # looked for as they are (base64 is case-sensitive)

    def may_match(self, text: str) -> bool:
        # str.find is far faster than the regex engine: most texts hold no form at all.
        if any(literal in text for literal in self.exact):
            return True
        lowered = text.lower()
        return any(literal in lowered for literal in self.folded)


@functools.lru_cache(maxsize=64)
def _masker(secrets: frozenset[str]) -> _Masker | None:
    folded: set[str] = set()
    encoded: set[str] = set()
    for secret in secrets:
        part = _distinct(secret)
        folded.add(part.lower())
        if len(part) >= _MIN_DERIVED:
            folded.add("".join(f"%{b:02x}" for b in part.encode("utf-8")))
            folded.add(part.encode("utf-8").hex())
        for variant in {part, part.lower(), part.upper()}:
            encoded |= _base64_cores(variant.encode("utf-8"))
    if not folded:
        return None
    exact = sorted(encoded, key=len, reverse=True)
    texts = sorted(folded, key=len, reverse=True)
    b64 = "|".join(map(re.escape, exact))
    text = "|".join(map(re.escape, texts))
    pattern = re.compile(f"(?P<b64>{b64})|(?i:{text})" if b64 else f"(?i:{text})")
    return _Masker(pattern, tuple(texts), tuple(exact))


def _mask_secrets(text: str, pattern: re.Pattern[str]) -> str:
    out: list[str] = []
    done = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        if match.lastgroup == "b64":
            # Up to four characters either side hold the key's bits too (the core leaves one
            # out each side), mixed with its neighbours': they go with it.
            while start > done and match.start() - start < 4 and text[start - 1] in _B64_CHARS:
                start -= 1
            while end < len(text) and end - match.end() < 4 and text[end] in _B64_CHARS:
                end += 1
            while end < len(text) and text[end] == "=":
                end += 1
        out += [text[done:start], _MASK]
        done = end
    out.append(text[done:])
    return "".join(out)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` safe to show: secrets masked in every form, key shapes masked, made safe.

    ``secrets`` adds to those given to :func:`remember_secret`. The one function every text
    printed or written goes through (see :func:`safe_text` for what "safe" means).

    >>> redact("curl -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: x", ["sk_test_4eC39HqLyjWDarjtT1zdp7dc"])
    'curl -u sk_test_****: x'
    """
    given = [s for s in secrets if s and len(s) >= _MIN_SECRET] if secrets else None
    masker = _masker(_remembered.union(given)) if given else _masker(_remembered)
    if masker is not None and masker.may_match(text):
        text = _mask_secrets(text, masker.pattern)
    lowered = text.lower()
    if "_test_" in lowered or "_live_" in lowered:
        text = _KEY_PATTERN.sub(lambda m: f"{m.group(1)}_{m.group(2)}_{_MASK}", text)
    return safe_text(text)


def redact_data(data: Any, secrets: Iterable[str] = ()) -> Any:
    """Return a copy of JSON-ready ``data`` with :func:`redact` applied to every string in it."""
    secrets = tuple(secrets)
    if isinstance(data, str):
        return redact(data, secrets)
    if isinstance(data, Mapping):
        return {redact(str(k), secrets): redact_data(v, secrets) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_data(v, secrets) for v in data]
    return data
