"""What the client records and raises: the exchange (a request and its answer, the key masked),
the errors of a call, and the helpers that render a request (curl, form pairs)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import httpx

from ..errors import LotusPayContractError
from ..redact import redact
from ..validation import loads_strict

__all__ = [
    "DeadlineReached",
    "Exchange",
    "KeyRefused",
    "LiveWriteRefused",
    "Mode",
    "RateLimited",
    "TargetError",
    "form_pairs",
    "key_mode",
    "render_curl",
]

_CURL_BODY_LIMIT: Final = 4000

Mode = Literal["test", "live"]


def key_mode(key: str | None) -> Mode | None:
    """Return the mode a key selects (spec: transport and modes), or None if it has no prefix."""
    if key is None:
        return None
    if key.startswith("sk_live_"):
        return "live"
    if key.startswith("sk_test_"):
        return "test"
    return None


class TargetError(LotusPayContractError):
    """The target did not give a usable answer: unreachable, too slow, too big, or garbled.

    ``kind`` is one of ``connect``, ``timeout``, ``too_large``, ``protocol``; ``curl`` is the
    request, masked.
    """

    def __init__(self, kind: str, message: str, curl: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.curl = curl


class DeadlineReached(BaseException):
    """The run's time is up: the client neither sends nor waits any more.

    A ``BaseException``, like ``KeyboardInterrupt``, so a check's ``except Exception`` (or
    Hypothesis, which reports exceptions as falsifying examples) does not swallow it: the runner
    catches it and reports what was not run as ``not run: deadline``.
    """


class RateLimited(BaseException):
    """The target still answered 429 once the retries or the retry budget ran out.

    Raised only by a client made with ``raise_rate_limited`` (the suite's): a throttled check
    judged nothing about the server, so the runner reports it as not exercised, never failed.
    A ``BaseException`` like :class:`DeadlineReached`, so neither a check's ``except Exception``
    nor Hypothesis (which would take it for a falsifying example) turns it into a verdict.
    ``throttled`` is how many 429 answers the request got; ``curl`` the request, masked.
    """

    def __init__(self, message: str, curl: str, throttled: int) -> None:
        super().__init__(message)
        self.curl = curl
        self.throttled = throttled


class KeyRefused(BaseException):
    """A request would use a key the target refused (401/403) before the run: what needs that
    key is not exercised, with this reason (a ``BaseException``, as :class:`RateLimited`)."""


class LiveWriteRefused(LotusPayContractError):
    """A write was attempted with a live key and live writes were not allowed."""


@dataclass
class Exchange:
    """One request and the response to it. The request's key is kept only in masked form."""

    method: str
    url: str
    path: str
    params: list[tuple[str, str]]
    request_headers: dict[str, str]
    request_body: bytes | None
    key_mode: Mode | None
    masked_key: str | None
    status: int = 0
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    content: bytes = b""
    elapsed: float = 0.0
    attempts: int = 1
    #: How the curl line names the key: ``$LOTUSPAY_API_KEY`` for a configured key (an
    #: environment variable the user exported), the key itself for one a check made up to be
    #: refused; None: the masked key.
    key_label: str | None = None

    @property
    def content_type(self) -> str:
        """The response media type, lower case, without parameters."""
        media: str = self.headers.get("content-type", "")
        return media.split(";")[0].strip().lower()

    def json(self) -> Any:
        """Return the parsed body; raise ValueError when it is not JSON."""
        return loads_strict(self.content)

    def json_or_none(self) -> Any:
        """Return the parsed body, or None when it is not JSON."""
        try:
            return self.json()
        except ValueError:
            return None

    @property
    def curl(self) -> str:
        """The request as a curl command line, with the key masked."""
        return render_curl(self)

    def text_excerpt(self, limit: int = 300) -> str:
        """Return the start of the body as text, for messages."""
        text = self.content[:limit].decode("utf-8", errors="replace")
        return text + ("…" if len(self.content) > limit else "")


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def render_curl(exchange: Exchange) -> str:
    """Render the request of ``exchange`` as a curl line; the key is shown masked."""
    url = exchange.url
    if exchange.params:
        url += "?" + urllib.parse.urlencode(exchange.params)
    parts = ["curl", "-X", exchange.method, _shell_quote(url)]
    if exchange.key_label is not None and exchange.key_label.startswith("$"):
        parts += ["-u", f'"{exchange.key_label}:"']  # double quotes: the shell expands it
    elif exchange.key_label is not None:
        parts += ["-u", _shell_quote(exchange.key_label + ":")]
    elif exchange.masked_key is not None:
        parts += ["-u", _shell_quote(exchange.masked_key + ":")]
    for name, value in exchange.request_headers.items():
        parts += ["-H", _shell_quote(f"{name}: {value}")]
    body = exchange.request_body
    if body is not None:
        if len(body) > _CURL_BODY_LIMIT:
            parts += ["--data-binary", _shell_quote(f"<{len(body)} bytes, not shown>")]
        else:
            parts += ["--data-raw", _shell_quote(body.decode("utf-8", errors="replace"))]
    return redact(" ".join(parts))


def form_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten parameters to form pairs in bracket notation: ``metadata[plan]=gold``."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, Mapping):
            pairs.extend((f"{key}[{k}]", str(v)) for k, v in value.items())
        else:
            pairs.append((key, "" if value is None else str(value)))
    return pairs
