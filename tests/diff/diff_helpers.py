"""Helpers for the diff tests: a quick tier, settings for a run of one mock against another, and
operations written out by hand."""

from __future__ import annotations

from dataclasses import replace

from lotuspay_contract.conformance.diff import DIFF_TIERS, DiffSettings, Operation
from lotuspay_contract.conformance.mock import MockURL

#: Smoke, with fewer sequences: CI stays quick.
QUICK = replace(DIFF_TIERS["smoke"], max_examples=20)


def settings_for(target: MockURL, reference: MockURL, **changes: object) -> DiffSettings:
    """Diff settings for a target mock against the reference mock, quick tier, seed 1."""
    settings = DiffSettings(
        target_url=str(target),
        target_key=target.api_keys[0],
        reference_url=str(reference),
        reference_key=reference.api_keys[0],
        tier=QUICK,
        seed=1,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


def op(kind: str, **args: object) -> Operation:
    """The operation ``kind`` with ``args`` (customers and accounts by their place in the run)."""
    return Operation(kind, tuple(sorted(args.items())))


def create(**args: object) -> Operation:
    """A customer create, without metadata unless given."""
    return op("create_customer", **{"metadata": (), **args})


def bank_account(customer: int = 0) -> Operation:
    """A valid bank account create for the sequence's customer number ``customer``."""
    return op(
        "create_bank_account",
        customer=customer,
        holder="Asha Verma",
        ifsc="HDFC0001234",
        number="50100012345678",
        account_type="savings",
    )
