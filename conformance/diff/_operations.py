"""The operations a generated sequence is made of, and the strategy that draws them.

An operation names what to do, never a server's own id: it refers to "the n-th customer this
sequence created" and each side resolves that to the id it issued (ids are mapped by position).
Emails and idempotency keys are drawn from small pools of slots, so that filters match and keys
repeat; each sequence renders its slots with a tag of its own, so sequences never see each
other's customers through an email filter or an idempotency key.

The PAN and an empty ``account_holder_name`` are never sent: whether a server takes them is left
free (``customer_create.pan``, ``bank_account_create.account_holder_name.nonempty``), so one
side would create what the other refuses and the two would no longer hold the same objects.

Lists are scoped to this sequence: most list operations filter by one of the sequence's email
slots, and creates share few slots, so a list holds only objects this sequence created and
order, limit, paging and counts compare exactly. A ``pause`` waits for a new second on both
sides' clocks: only ``created`` orders a list (``list.order``: same-second ties are free), so
without it no order could be judged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "BAD_REQUESTS",
    "PAUSE_SECONDS",
    "Operation",
    "Request",
    "SideView",
    "body_text",
]

ACCOUNT_TYPES = ("savings", "current", "nre", "nro", "cc")


class SideView(Protocol):
    """What an operation needs from one side to become a request."""

    def customer_id(self, index: int) -> str | None: ...

    def bank_account_id(self, customer: int, index: int) -> str | None: ...

    def email(self, slot: int) -> str: ...

    def idempotency_key(self, slot: int) -> str: ...

    def unknown_id(self) -> str: ...

    def page(self, number: int) -> int: ...


@dataclass(frozen=True)
class Request:
    """One HTTP request, ready for :meth:`LotusPayClient.request`."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    json_body: Any = None
    form: tuple[tuple[str, str], ...] | None = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """One step of a sequence.

    ``kind`` is one of ``create_customer``, ``retrieve_customer``, ``retrieve_unknown``,
    ``list_customers``, ``create_bank_account``, ``list_bank_accounts``,
    ``retrieve_bank_account``, ``pause`` (no request: the next create is a second later) and
    ``bad_request`` (``variant`` then names which, see :data:`BAD_REQUESTS`); ``args`` holds
    the drawn values.
    """

    kind: str
    args: tuple[tuple[str, Any], ...] = ()
    variant: str = ""

    def arg(self, name: str, default: Any = None) -> Any:
        return dict(self.args).get(name, default)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.args if v is not None)
        name = f"{self.kind}:{self.variant}" if self.variant else self.kind
        return f"{name}({shown})"

    @property
    def creates(self) -> str | None:
        """The kind of object a successful answer creates, if any."""
        return {"create_customer": "customer", "create_bank_account": "bank_account"}.get(self.kind)

    @property
    def status_rule(self) -> str:
        """The rule a status different from the reference's concerns."""
        if self.kind == "bad_request":
            return BAD_REQUESTS[self.variant][0]
        if self.kind == "list_customers" and self.arg("unmatched"):
            return "list.email_no_match"
        if self.kind == "retrieve_unknown":
            return "errors.not_found_arbitrary" if self.arg("arbitrary") else "errors.not_found"
        return _STATUS_RULES[self.kind]

    @property
    def same_statuses(self) -> frozenset[int]:
        """Statuses the contract treats alike for this operation (its freedoms)."""
        if self.kind == "retrieve_unknown" and self.arg("arbitrary"):
            return frozenset({400, 404})  # errors.not_found_arbitrary [ours]
        if self.kind == "bad_request" and self.variant == "delete_customer":
            return frozenset({404, 405})  # endpoints.undocumented_methods
        return frozenset()

    def request(self, side: SideView) -> Request | None:
        """The request for ``side``; None when it refers to an object the side lacks."""
        builder = _BUILDERS[self.kind]
        return builder(self, side)


_STATUS_RULES = {
    "create_customer": "endpoints.create_customer",
    "retrieve_customer": "endpoints.retrieve_customer",
    "list_customers": "customer_list.shape",
    "create_bank_account": "endpoints.create_bank_account",
    "list_bank_accounts": "endpoints.list_bank_accounts",
    "retrieve_bank_account": "endpoints.retrieve_bank_account",
}


def _idempotency(op: Operation, side: SideView) -> dict[str, str]:
    slot = op.arg("idempotency")
    return {} if slot is None else {"Idempotency-Key": side.idempotency_key(slot)}


def _create_customer(op: Operation, side: SideView) -> Request:
    params: dict[str, Any] = {}
    for name in ("name", "mobile", "phone"):
        if op.arg(name) is not None:
            params[name] = op.arg(name)
    if op.arg("email") is not None:
        params["email"] = side.email(op.arg("email"))
    if op.arg("metadata"):
        params["metadata"] = dict(op.arg("metadata"))
    headers = _idempotency(op, side)
    if op.arg("form"):
        return Request("POST", "/v1/customers", form=tuple(_form(params)), headers=headers)
    return Request("POST", "/v1/customers", json_body=params, headers=headers)


def _form(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, Mapping):
            pairs += [(f"{key}[{k}]", str(v)) for k, v in value.items()]
        else:
            pairs.append((key, str(value)))
    return pairs


def _retrieve_customer(op: Operation, side: SideView) -> Request | None:
    found = side.customer_id(op.arg("customer"))
    return None if found is None else Request("GET", f"/v1/customers/{found}")


def _retrieve_unknown(op: Operation, side: SideView) -> Request:
    unknown = "no-such-customer" if op.arg("arbitrary") else side.unknown_id()
    return Request("GET", f"/v1/customers/{unknown}")


def _list_customers(op: Operation, side: SideView) -> Request:
    params: list[tuple[str, str]] = []
    if op.arg("limit") is not None:
        params.append(("limit", str(op.arg("limit"))))
    if op.arg("page") is not None:
        params.append(("page", str(side.page(op.arg("page")))))
    if op.arg("unmatched"):
        params.append(("email", side.email(99)))
    elif op.arg("email") is not None:
        params.append(("email", side.email(op.arg("email"))))
    return Request("GET", "/v1/customers", params=tuple(params))


def _bank_params(op: Operation) -> dict[str, str]:
    return {
        "account_holder_name": op.arg("holder"),
        "account_ifsc": op.arg("ifsc"),
        "account_number": op.arg("number"),
        "account_type": op.arg("account_type"),
    }


def _create_bank_account(op: Operation, side: SideView) -> Request | None:
    found = side.customer_id(op.arg("customer"))
    if found is None:
        return None
    path = f"/v1/customers/{found}/bank_accounts"
    headers = _idempotency(op, side)
    return Request("POST", path, form=tuple(_form(_bank_params(op))), headers=headers)


def _list_bank_accounts(op: Operation, side: SideView) -> Request | None:
    found = side.customer_id(op.arg("customer"))
    if found is None:
        return None
    limit = op.arg("limit")
    params = () if limit is None else (("limit", str(limit)),)
    return Request("GET", f"/v1/customers/{found}/bank_accounts", params=params)


def _retrieve_bank_account(op: Operation, side: SideView) -> Request | None:
    customer = side.customer_id(op.arg("customer"))
    account = side.bank_account_id(op.arg("customer"), op.arg("account"))
    if customer is None or account is None:
        return None
    return Request("GET", f"/v1/customers/{customer}/bank_accounts/{account}")


_GOOD_BANK = {
    "account_holder_name": "Asha Verma",
    "account_ifsc": "HDFC0001234",
    "account_number": "50100012345678",
    "account_type": "savings",
}
_JSON = {"Content-Type": "application/json"}


def _bad_request(op: Operation, side: SideView) -> Request | None:
    variant = op.variant
    if variant == "malformed_json":
        return Request("POST", "/v1/customers", content=b'{"name": "Asha', headers=_JSON)
    if variant == "non_object_json":
        return Request("POST", "/v1/customers", content=b'["Asha"]', headers=_JSON)
    if variant == "long_email":
        email = "a" * 64 + "@" + ".".join(["b" * 60] * 8) + ".in"  # over 512 characters
        return Request("POST", "/v1/customers", json_body={"email": email})
    if variant == "limit_range":
        return Request("GET", "/v1/customers", params=(("limit", "101"),))
    if variant == "unknown_parameter":
        return Request("POST", "/v1/customers", json_body={"name": "Asha", "nickname": "A"})
    customer = side.customer_id(op.arg("customer"))
    if customer is None:
        return None
    if variant == "delete_customer":
        return Request("DELETE", f"/v1/customers/{customer}")
    field_name, value = _BANK_BREACHES[variant]
    params = dict(_GOOD_BANK)
    if value is None:
        del params[field_name]
    else:
        params[field_name] = value
    path = f"/v1/customers/{customer}/bank_accounts"
    return Request("POST", path, form=tuple(params.items()))


_BANK_BREACHES: dict[str, tuple[str, str | None]] = {
    "ifsc_length": ("account_ifsc", "HDFC000123"),
    "account_number_short": ("account_number", "1234"),
    "account_type_unknown": ("account_type", "fixed_deposit"),
    "missing_field": ("account_number", None),
}

#: Bad requests: variant -> (the rule a different status concerns, what is wrong).
BAD_REQUESTS: dict[str, tuple[str, str]] = {
    "malformed_json": ("request.malformed_json", "a body that is not valid JSON"),
    "non_object_json": ("request.non_object", "a JSON body that is not an object"),
    "long_email": ("request.limits", "an email over 512 characters"),
    "limit_range": ("list.limit_range", "limit=101"),
    "unknown_parameter": ("request.unknown_parameter", "an unknown create parameter"),
    "delete_customer": ("endpoints.undocumented_methods", "DELETE on a customer"),
    "ifsc_length": ("request.limits", "an IFSC of 10 characters"),
    "account_number_short": ("request.limits", "an account number of 4 characters"),
    "account_type_unknown": ("request.limits", "an account type outside the enum"),
    "missing_field": ("request.limits", "a bank account without account_number"),
}


def _pause(op: Operation, side: SideView) -> None:
    return None  # no request: the player waits before the next create


_BUILDERS = {
    "create_customer": _create_customer,
    "retrieve_customer": _retrieve_customer,
    "retrieve_unknown": _retrieve_unknown,
    "list_customers": _list_customers,
    "create_bank_account": _create_bank_account,
    "list_bank_accounts": _list_bank_accounts,
    "retrieve_bank_account": _retrieve_bank_account,
    "bad_request": _bad_request,
    "pause": _pause,
}

#: How long a ``pause`` waits: past a whole second on any clock, whatever its offset.
PAUSE_SECONDS = 1.05


def body_text(request: Request) -> str | None:
    """The request's body as text, for reports."""
    if request.json_body is not None:
        return json.dumps(request.json_body, ensure_ascii=False)
    if request.form is not None:
        from urllib.parse import urlencode

        return urlencode(list(request.form))
    if request.content is not None:
        return request.content.decode("utf-8", errors="replace")
    return None
