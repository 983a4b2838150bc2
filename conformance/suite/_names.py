"""Realistic Indian data for the objects the suite creates: names (Indic scripts included), PANs
and bank account parameters, drawn from a check's own ``random.Random``."""

from __future__ import annotations

import random

__all__ = ["NAMES", "bank_account_params", "pan"]

NAMES = (
    ("Asha", "Verma"),
    ("Ravi", "Iyer"),
    ("Priya", "Nair"),
    ("Arjun", "Reddy"),
    ("Meera", "Joshi"),
    ("Vikram", "Singh"),
    ("Ananya", "Das"),
    ("Karthik", "Subramanian"),
    ("आशा", "वर्मा"),
    ("ரவி", "ஐயர்"),
)


def pan(rng: random.Random) -> str:
    """Return a realistic PAN: five letters (the fourth, P: a person), four digits, a letter."""
    letters = [rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(4)]
    return f"{''.join(letters[:3])}P{letters[3]}{rng.randint(1000, 9999)}Z"


def bank_account_params(rng: random.Random) -> dict[str, str]:
    """Return valid bank account create parameters (contract: bank_account_create)."""
    bank = rng.choice(("HDFC", "ICIC", "SBIN", "UTIB", "KKBK"))
    return {
        "account_holder_name": " ".join(rng.choice(NAMES)),
        "account_ifsc": f"{bank}0{rng.randint(0, 999999):06d}",
        "account_number": str(rng.randint(10**11, 10**14)),
        "account_type": rng.choice(("savings", "current", "nre", "nro", "cc")),
    }
