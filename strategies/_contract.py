"""The contract's enums and limits, read from the schemas so they are stated once.

``schemas`` is data; the strategies read it and never import ``conformance`` (the dependency
direction is schemas <- strategies <- conformance).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from hypothesis.errors import InvalidArgument

from lotuspay_contract import schemas

__all__ = [
    "ACCOUNT_TYPES",
    "BANK_ACCOUNT_STATUSES",
    "CONTACT_FIELDS",
    "CREATED_MIN",
    "DAYS_OF_MONTH",
    "EMAIL_MAX",
    "ERROR_STATUSES",
    "ERROR_TYPES",
    "ID_MAX",
    "LIST_MAX",
    "MANDATE_STATUSES",
    "MANDATE_VARIANTS",
    "MAX_EMBEDDED",
    "METADATA_KEY_MAX",
    "METADATA_MAX_KEYS",
    "METADATA_VALUE_MAX",
    "SUBSCRIPTION_INTERVALS",
    "SUBSCRIPTION_STATUSES",
    "now",
    "pinned_clock",
]


def _properties(name: str, *, strict: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = schemas.load(name, strict=strict)["properties"]
    return properties


def _values(enum: list[Any]) -> tuple[Any, ...]:
    return tuple(value for value in enum if value is not None)


_customer = _properties("customer")
_bank_account = _properties("bank_account")
_mandate = _properties("mandate")
_subscription = _properties("subscription")

#: ``created`` lower bound: 2015-01-01T00:00:00Z in Unix seconds.
CREATED_MIN: int = _customer["created"]["minimum"]
#: The longest id LotusPay may send (versioning).
ID_MAX: int = _customer["id"]["maxLength"]
EMAIL_MAX: int = _customer["email"]["maxLength"]
#: Contact fields: string or null, absent only at the cost of a SHOULD finding.
CONTACT_FIELDS: tuple[str, ...] = (
    "description",
    "email",
    "identification",
    "mobile",
    "name",
    "phone",
)
#: Embedded bank accounts are capped at 10 [doc]; the same cap elsewhere is a convention.
MAX_EMBEDDED: int = _customer["bank_accounts"]["then"]["properties"]["data"]["then"]["maxItems"]
LIST_MAX: int = _properties("customer_list")["data"]["maxItems"]

ACCOUNT_TYPES: tuple[str, ...] = _values(_bank_account["account_type"]["enum"])
BANK_ACCOUNT_STATUSES: tuple[str, ...] = _values(_bank_account["status"]["enum"])
MANDATE_STATUSES: tuple[str, ...] = _values(_mandate["status"]["enum"])
MANDATE_VARIANTS: tuple[str, ...] = _values(_mandate["variant"]["enum"])
SUBSCRIPTION_INTERVALS: tuple[str, ...] = _values(_subscription["interval"]["enum"])
SUBSCRIPTION_STATUSES: tuple[str, ...] = _values(_subscription["status"]["enum"])
DAYS_OF_MONTH: tuple[int, ...] = _values(_subscription["day_of_month"]["enum"])

ERROR_TYPES: tuple[str, ...] = _values(
    schemas.load("error")["$defs"]["error_body"]["properties"]["type"]["enum"]
)
#: The documented error statuses (spec: errors).
ERROR_STATUSES: tuple[int, ...] = (400, 401, 402, 404, 405, 406, 429, 500, 503)

_limits = _properties("customer", strict=True)["metadata"]["allOf"][0]
METADATA_MAX_KEYS: int = _limits["maxProperties"]
METADATA_KEY_MAX: int = _limits["propertyNames"]["maxLength"]
METADATA_VALUE_MAX: int = _limits["additionalProperties"]["maxLength"]


_pinned: list[int] = []


def now() -> int:
    """Return the upper bound of generated ``created``: the pinned time, else the wall clock."""
    return _pinned[-1] if _pinned else int(time.time())


@contextlib.contextmanager
def pinned_clock(epoch: int) -> Iterator[None]:
    """Draw every ``created`` up to ``epoch`` (Unix seconds) instead of the wall clock.

    The same seed then gives the same documents on any day (``generate --now``).

    >>> with pinned_clock(1767225600):
    ...     now()
    1767225600
    """
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < CREATED_MIN:
        raise InvalidArgument(
            f"epoch={epoch!r} ({type(epoch).__name__}) must be an int Unix time "
            f"no earlier than {CREATED_MIN}"
        )
    _pinned.append(epoch)
    try:
        yield
    finally:
        _pinned.pop()
