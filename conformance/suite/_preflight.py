"""Before the checks: one authenticated request per configured key, so an operational problem
is a clear stop, not a verdict on the server.

- Nothing listens at the base URL: :class:`TargetUnreachable` (no run).
- The main key is refused (401 or 403): :class:`MainKeyRefused`, one line naming the key
  (masked) and what to do; the runner stops at once (exit 2) and still writes its reports.
- The second account's key (``--second-api-key``) or the live key (``--live-key``) is refused:
  the run goes on, and only what needs that key is *not exercised*, with the reason. Our call:
  the main key's checks still judge the server, and losing the whole run to an optional key
  would hide them; the client raises :class:`~..client.KeyRefused` for any request with such a
  key, so no check can fail for it.
- A 429 to the preflight says nothing about the key: the checks go on (and are judged
  throttled, if they are).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ..client import LotusPayClient, RateLimited, TargetError
from ..client._client import DEFAULT, KeyChoice
from ..errors import LotusPayContractError
from ..redact import mask_key
from ._context import Session
from ._results import KEY_REFUSED_STOP

__all__ = ["MainKeyRefused", "TargetUnreachable", "preflight"]

_REFUSED: Final = frozenset({401, 403})


class TargetUnreachable(LotusPayContractError):
    """The target cannot be reached at all (nothing listens, DNS, TLS): no verdict possible."""


class MainKeyRefused(TargetUnreachable):
    """The target refused the run's main key: nothing can be judged with it.

    A :class:`TargetUnreachable` so an entry point that opens a session itself (the pytest
    plugin) ends with one line and a usage error's status without knowing this class.
    ``requests`` is how many requests the preflight sent.
    """

    def __init__(self, message: str, requests: int) -> None:
        super().__init__(message)
        self.requests = requests


def refusal(option: str, key: str | None, status: int) -> str:
    """Return the one line saying which key was refused and what to do."""
    return (
        f"{KEY_REFUSED_STOP}: the target answered {status} to the {option} key "
        f"{mask_key(key)} (GET /v1/customers): it is expired, revoked or not issued for this "
        f"target; give a current test key of the account under test with {option}"
    )


def _probe(
    client: LotusPayClient,
    on_target_error: Callable[[TargetError], object],
    key: KeyChoice = DEFAULT,
) -> int | None:
    """Send the preflight request; return its status, None when it proves nothing."""
    try:
        return client.request("GET", "/v1/customers", params=[("limit", "1")], key=key).status
    except RateLimited:
        return None
    except TargetError as exc:
        if exc.kind == "connect":
            raise TargetUnreachable(str(exc)) from None
        on_target_error(exc)
        return None


def preflight(session: Session, on_target_error: Callable[[TargetError], object]) -> None:
    """Probe every configured key of ``session`` (see the module docstring); a target error
    other than a refused connection goes to ``on_target_error`` and the run goes on."""
    settings = session.settings
    status = _probe(session.client, on_target_error)
    if status in _REFUSED:
        raise MainKeyRefused(refusal("--api-key", settings.api_key, status), session.exchanges)
    if settings.second_key:
        status = _probe(session.client, on_target_error, key=settings.second_key)
        if status in _REFUSED:
            reason = refusal("--second-api-key", settings.second_key, status)
            session.client.refused[settings.second_key] = reason
    if session.live_client is not None and settings.live_key:
        status = _probe(session.live_client, on_target_error)
        if status in _REFUSED:
            session.live_client.refused[settings.live_key] = refusal(
                "--live-key", settings.live_key, status
            )
