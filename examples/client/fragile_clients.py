"""Two deliberately fragile clients: what the client matrix is there to catch.

``ExactShapeClient`` reads answers as if the contract named every property (it breaks under
the legal variation ``extra_properties``); ``NoKeyRetryClient`` retries creates without an
Idempotency-Key (it writes twice under ``first_attempt_dropped``).
"""

from __future__ import annotations

from typing import Any

from lotuspay_client import Customer, LotusPayClient

__all__ = ["ExactShapeClient", "NoKeyRetryClient"]

_KNOWN = {
    "id", "object", "created", "livemode", "metadata", "description", "email",
    "identification", "mobile", "name", "phone", "bank_accounts", "mandates", "subscriptions",
}  # fmt: skip


class ExactShapeClient(LotusPayClient):
    """Refuses an answer with a property it does not know: wrong, new properties are legal."""

    def create_customer(self, **params: Any) -> Customer:
        document = self._create("/v1/customers", params)
        unknown = set(document) - _KNOWN
        if unknown:
            raise ValueError(f"unexpected properties in the answer: {sorted(unknown)}")
        return Customer.from_api(document)


class NoKeyRetryClient(LotusPayClient):
    """Retries creates like everything else, but sends no Idempotency-Key."""

    def _create(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, json=params)
