"""Rewrites for faults that lose track of whose an object is, or whether it exists: a path that
ignores the key's account, a key that ignores the account, a bank account found under any
customer, handlers that skip authentication, and an acknowledged create that is lost.
"""

from __future__ import annotations

import re

from ._layer import Exchange, Reply
from ._rewrites import _BANK_LIST_PATH, _CUSTOMERS, _answer, _is_list, _map_params, _objects

__all__ = [
    "LEAK_PATHS",
    "AccountFilterDropped",
    "AcknowledgedCreateLost",
    "BankAccountAnyCustomer",
    "IdempotencyKeyGlobal",
    "KeylessBankAccounts",
    "bank_form_type_default",
]


# -- leaks across accounts, one path each -------------------------------------------------------

#: The paths a leak may be confined to: (method, path pattern, with an ``email`` filter or not).
LEAK_PATHS: dict[str, tuple[str, re.Pattern[str], bool | None]] = {
    "retrieve_customer": ("GET", re.compile(r"/v1/customers/[^/]+/?"), None),
    "list_customers": ("GET", re.compile(r"/v1/customers/?"), False),
    "email_filter": ("GET", re.compile(r"/v1/customers/?"), True),
    "list_bank_accounts": ("GET", _BANK_LIST_PATH, None),
    "retrieve_bank_account": (
        "GET",
        re.compile(r"/v1/customers/[^/]+/bank_accounts/[^/]+/?"),
        None,
    ),
    "create_bank_account": ("POST", _BANK_LIST_PATH, None),
}


class AccountFilterDropped:
    """One handler forgets the account: on ``path`` every key acts as the first key seen in its
    mode (the query lacks ``WHERE account = ?``); every other path stays isolated."""

    def __init__(self, path: str) -> None:
        self.method, self.pattern, self.filtered = LEAK_PATHS[path]
        self.first: dict[str, str] = {}

    def __call__(self, exchange: Exchange) -> None:
        authorization = exchange.headers.get("authorization", "")
        if not authorization.lower().startswith("basic "):
            return
        mode = "live" if "c2tfbGl2ZV" in authorization else "test"  # base64 of "sk_live_"
        first = self.first.setdefault(mode, authorization)
        filtered = any(k == "email" for k, _ in exchange.query)
        if (
            exchange.method == self.method
            and self.pattern.fullmatch(exchange.path)
            and self.filtered in (None, filtered)
        ):
            exchange.headers["authorization"] = first


class IdempotencyKeyGlobal:
    """Saved answers are keyed by the Idempotency-Key alone: a key first used by one account
    replays that account's answer to every other account."""

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}

    def __call__(self, exchange: Exchange) -> None:
        key = exchange.headers.get("idempotency-key")
        authorization = exchange.headers.get("authorization")
        if key is not None and authorization is not None and exchange.method == "POST":
            exchange.headers["authorization"] = self.owner.setdefault(key, authorization)


class BankAccountAnyCustomer:
    """A bank account is looked up by its id alone: under any customer of the account, it is
    answered (and listed) as if the path named its owner."""

    _ONE = re.compile(r"/v1/customers/([^/]+)/bank_accounts/([^/]+)/?")

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}

    def request(self, exchange: Exchange) -> Reply | None:
        match = self._ONE.fullmatch(exchange.path)
        if exchange.method == "GET" and match and match.group(2) in self.owner:
            exchange.path = (
                f"/v1/customers/{self.owner[match.group(2)]}/bank_accounts/{match.group(2)}"
            )
        return None

    def response(self, exchange: Exchange, reply: Reply) -> None:
        for obj in _objects(reply.document, ("bank_account",)):
            if isinstance(obj.get("id"), str) and isinstance(obj.get("customer"), str):
                self.owner.setdefault(obj["id"], obj["customer"])


class KeylessBankAccounts:
    """The bank account handlers skip authentication: a request there without a key runs as the
    first key seen (the router checks keys on the customer paths only)."""

    def __init__(self) -> None:
        self.first: str | None = None

    def __call__(self, exchange: Exchange) -> None:
        authorization = exchange.headers.get("authorization", "")
        if self.first is None and authorization.lower().startswith("basic "):
            self.first = authorization
        bank = _BANK_LIST_PATH.match(exchange.path) is not None
        if bank and self.first is not None and not authorization:
            exchange.headers["authorization"] = self.first


def bank_form_type_default(exchange: Exchange) -> None:
    """A form-encoded bank account create loses ``account_type`` (the form parser reads only
    the fields it knew first) and the store's default, savings, applies."""
    form = exchange.media_type == "application/x-www-form-urlencoded"
    if exchange.method == "POST" and form and _BANK_LIST_PATH.fullmatch(exchange.path):
        _map_params(exchange, lambda k, v: "savings" if k == "account_type" else v)


class AcknowledgedCreateLost:
    """Every second customer create is answered 200 and then lost (a write acknowledged before
    its commit, rolled back): the id it answered is never found again."""

    def __init__(self) -> None:
        self.creates = 0
        self.lost: set[str] = set()

    def request(self, exchange: Exchange) -> Reply | None:
        parts = exchange.path.strip("/").split("/")
        if len(parts) >= 3 and parts[2] in self.lost:
            return _answer(404, f"No such customer: {parts[2]}")
        return None

    def response(self, exchange: Exchange, reply: Reply) -> None:
        if exchange.method == "POST" and exchange.path.rstrip("/") == _CUSTOMERS:
            document = reply.document
            if 200 <= reply.status < 300 and isinstance(document, dict):
                self.creates += 1
                if self.creates % 2 == 0 and isinstance(document.get("id"), str):
                    self.lost.add(document["id"])
        elif _is_list(exchange) and isinstance(reply.document, dict):
            data = reply.document.get("data")
            if isinstance(data, list):
                reply.document["data"] = [
                    i for i in data if not (isinstance(i, dict) and i.get("id") in self.lost)
                ]
