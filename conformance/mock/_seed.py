"""Realistic Indian customers for ``seed_customers`` (deterministic per index), drawn from
the one home of that data (``strategies.IndianValues``)."""

from __future__ import annotations

import random
from typing import Any

from lotuspay_contract.strategies import IndianValues, bank_name

__all__ = ["bank_name", "seed_customer_params"]

_PLANS = ["gold", "silver", "basic"]


def seed_customer_params(index: int) -> dict[str, Any]:
    """Return create parameters of the ``index``-th seed customer."""
    rng = random.Random(index)
    values = IndianValues(rng)
    given, surname = values.given_and_surname()
    return {
        "name": f"{given} {surname}",
        "email": f"customer{index}@example.in",
        "identification": values.pan(surname=surname),
        "mobile": values.mobile(),
        "phone": None,
        "metadata": {"plan": rng.choice(_PLANS), "seed": str(index)},
    }
