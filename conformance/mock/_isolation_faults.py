"""Faults of the catalogue that lose track of whose an object is or whether it exists: one leak
across accounts per path that reaches an object, one across customers, and a lost create
(listed in ``_faults.FAULTS`` with the rest)."""

from __future__ import annotations

from ._layer import Fault
from ._leak_rewrites import (
    LEAK_PATHS,
    AccountFilterDropped,
    AcknowledgedCreateLost,
    BankAccountAnyCustomer,
    IdempotencyKeyGlobal,
)
from ._rewrites import quietly

__all__ = ["leak_faults", "lost_create_fault"]


def leak_faults() -> list[Fault]:
    """One leak across accounts per path that reaches an object, and one across customers."""
    leaks = [
        Fault(
            name=f"leak_{path}",
            detected_by="CUS-ISO-002" if method == "POST" else "CUS-ISO-001",
            rule="transport.accounts: another key never sees this key's objects [doc]",
            description=f"{method} on the {path.replace('_', ' ')} path ignores the key's account",
            request=quietly(AccountFilterDropped(path)),
        )
        for path, (method, _, _) in LEAK_PATHS.items()
    ]
    any_customer = BankAccountAnyCustomer()
    return [
        *leaks,
        Fault(
            name="leak_idempotency_key",
            detected_by="CUS-ISO-003",
            rule="transport.idempotency: a saved answer is replayed to its own account only [doc]",
            description="saved answers are keyed by Idempotency-Key alone, not by account",
            request=quietly(IdempotencyKeyGlobal()),
        ),
        Fault(
            name="leak_bank_account_any_customer",
            detected_by="CUS-ISO-004",
            rule="endpoints.retrieve_bank_account: the customer's own bank account [doc]",
            description="a bank account is answered under any customer of the account",
            request=any_customer.request,
            response=any_customer.response,
        ),
    ]


def lost_create_fault() -> Fault:
    lost = AcknowledgedCreateLost()
    return Fault(
        name="acknowledged_create_lost",
        detected_by="CUS-RT-002",
        rule="endpoints.retrieve_customer: returns the customer as created [doc]",
        description="every second customer create is answered 200 and then lost",
        request=lost.request,
        response=lost.response,
    )
