"""The two sides of a diff run: each one's client and state, and an operation's view of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..client import Exchange, LotusPayClient, TargetError
from ..redact import redact
from ._compare import Answer
from ._normalise import SideState, normalise
from ._operations import Request

__all__ = ["Sequence", "Side", "View", "shown"]

_LOCALS = ("asha", "ravi", "meera")


class Side:
    """One side of the run: its client and its state in the current sequence."""

    def __init__(self, name: str, client: LotusPayClient) -> None:
        self.name, self.client = name, client
        self.state = SideState(name)
        self.sent = 0

    def send(self, request: Request) -> tuple[Exchange | None, Answer]:
        try:
            exchange = self.client.request(
                request.method,
                request.path,
                params=request.params,
                json_body=request.json_body,
                form=request.form,
                content=request.content,
                headers=request.headers,
            )
        except TargetError as error:
            self.sent += 1
            return None, Answer(0, False, str(error), None)
        self.sent += exchange.attempts
        document = exchange.json_or_none()
        is_json = document is not None and exchange.content_type.endswith("json")
        return exchange, Answer(exchange.status, is_json, document, normalise(document, self.state))


class View:
    """An operation's view of one side: labels of this sequence resolved to this side's ids."""

    def __init__(self, side: Side, sequence: Sequence) -> None:
        self.state, self.sequence = side.state, sequence

    def customer_id(self, index: int) -> str | None:
        labels = self.sequence.customers
        return self.state.ids.get(labels[index % len(labels)]) if labels else None

    def bank_account_id(self, customer: int, index: int) -> str | None:
        if not self.sequence.customers:
            return None
        owner = self.sequence.customers[customer % len(self.sequence.customers)]
        labels = self.sequence.bank_accounts.get(owner, [])
        return self.state.ids.get(labels[index % len(labels)]) if labels else None

    def email(self, slot: int) -> str:
        local = _LOCALS[slot] if slot < len(_LOCALS) else "nobody"
        return f"{local}.{self.sequence.tag}@example.in"

    def idempotency_key(self, slot: int) -> str:
        return f"diff-{self.sequence.tag}-{slot}"

    def unknown_id(self) -> str:
        issued = next(iter(self.state.ids.values()), "CU0000UNKNOWN0")
        return issued[:-1] + _other_char(issued[-1])

    def page(self, number: int) -> int:
        return number + self.state.page_offset


def _other_char(char: str) -> str:
    for alphabet in ("0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"):
        if char in alphabet:
            return alphabet[(alphabet.index(char) + 1) % len(alphabet)]
    return "0"


@dataclass
class Sequence:
    tag: str
    customers: list[str] = field(default_factory=list)
    bank_accounts: dict[str, list[str]] = field(default_factory=dict)
    counter: dict[str, int] = field(default_factory=dict)


def shown(exchange: Exchange | None, answer: Answer, secret: set[str]) -> dict[str, Any]:
    if exchange is None:
        return {"request": None, "status": 0, "body": redact(str(answer.raw), secret)}
    return {
        "request": exchange.curl,
        "status": exchange.status,
        "body": redact(exchange.text_excerpt(2000), secret),
    }
