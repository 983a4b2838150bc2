"""Realistic Indian customers and bank accounts for ``seed_customers`` (deterministic per index)."""

from __future__ import annotations

import random
from typing import Any

__all__ = ["bank_name", "seed_customer_params"]

_FIRST = ["Asha", "Rohan", "Priya", "Vikram", "अनिता", "Suresh", "Kavya", "Arjun", "மீனா", "Imran"]
_LAST = ["Verma", "Iyer", "Reddy", "Sharma", "Nair", "Khan", "Patel", "Das", "Gupta", "Menon"]
_PLANS = ["gold", "silver", "basic"]

#: IFSC bank codes (the first four letters) of large Indian banks, for ``bank_name``.
_BANKS = {
    "BARB": "Bank of Baroda",
    "CNRB": "Canara Bank",
    "HDFC": "HDFC Bank",
    "ICIC": "ICICI Bank",
    "IDIB": "Indian Bank",
    "KKBK": "Kotak Mahindra Bank",
    "PUNB": "Punjab National Bank",
    "SBIN": "State Bank of India",
    "UTIB": "Axis Bank",
    "YESB": "Yes Bank",
}


def bank_name(ifsc: str) -> str | None:
    """Name the bank of an IFSC from its bank code, or None when unknown."""
    return _BANKS.get(ifsc[:4])


def seed_customer_params(index: int) -> dict[str, Any]:
    """Return create parameters of the ``index``-th seed customer."""
    rng = random.Random(index)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    pan_letters = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=3))
    return {
        "name": f"{first} {last}",
        "email": f"customer{index}@example.in",
        "identification": f"{pan_letters}P{last[0].upper()}{rng.randrange(10_000):04d}"
        f"{rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}",
        "mobile": f"+91{rng.choice('6789')}{rng.randrange(10**9):09d}",
        "phone": None,
        "metadata": {"plan": rng.choice(_PLANS), "seed": str(index)},
    }
