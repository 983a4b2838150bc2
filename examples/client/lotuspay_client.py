"""A small LotusPay Customers client, as a team that calls LotusPay would write it (httpx).

What makes it robust, and what the client matrix checks:

- answers are read by the fields it needs: new properties, other id formats, ``null`` metadata
  and a flat error object are all legal ([doc: versioning]);
- every create carries an ``Idempotency-Key``, kept across its retries, so a create whose
  answer was lost is replayed, never written twice ([doc: idempotent-requests]);
- 429 is retried after ``Retry-After`` (or a short backoff), a 5xx or a lost connection after a
  short backoff, a bounded number of times; a timeout is not retried (it raises).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["BankAccount", "Customer", "LotusPayClient", "LotusPayError"]

_RETRIED = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class LotusPayError(Exception):
    """The API refused a request: ``status``, the error's ``type`` and the ``param`` at fault."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message") or f"HTTP {status}")
        self.status = status
        self.type = error.get("type")
        self.param = error.get("param")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str | None
    email: str | None
    metadata: dict[str, str]
    livemode: bool

    @classmethod
    def from_api(cls, document: dict[str, Any]) -> Customer:
        return cls(
            id=document["id"],
            name=document.get("name"),
            email=document.get("email"),
            metadata=document.get("metadata") or {},  # null when empty is allowed
            livemode=bool(document.get("livemode")),
        )


@dataclass(frozen=True)
class BankAccount:
    id: str
    account_last4: str | None
    account_ifsc: str

    @classmethod
    def from_api(cls, document: dict[str, Any]) -> BankAccount:
        return cls(document["id"], document.get("account_last4"), document["account_ifsc"])


class LotusPayClient:
    """The Customers API with bounded retries; ``sleep`` is injectable for tests."""

    max_attempts = 4

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            auth=(key, ""),
            timeout=timeout,
            headers={"Accept": "application/json"},
        )
        self._sleep = sleep

    def close(self) -> None:
        self._http.close()

    # -- the API ----------------------------------------------------------------------------

    def create_customer(self, **params: Any) -> Customer:
        return Customer.from_api(self._create("/v1/customers", params))

    def retrieve_customer(self, customer_id: str) -> Customer:
        return Customer.from_api(self._call("GET", f"/v1/customers/{customer_id}"))

    def customers_by_email(self, email: str) -> list[Customer]:
        try:
            page = self._call("GET", "/v1/customers", params={"email": email})
        except LotusPayError as error:
            if error.status == 404:  # "an email that matches no customer returns an error"
                return []
            raise
        return [Customer.from_api(item) for item in page.get("data", [])]

    def create_bank_account(self, customer_id: str, **params: Any) -> BankAccount:
        path = f"/v1/customers/{customer_id}/bank_accounts"
        return BankAccount.from_api(self._create(path, params))

    # -- plumbing ---------------------------------------------------------------------------

    def _create(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        # One key per create, the same on every retry of it.
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        return self._call("POST", path, json=params, headers=headers)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        for attempt in range(self.max_attempts):
            last = attempt == self.max_attempts - 1
            try:
                response = self._http.request(method, path, **kwargs)
            except _RETRIED:
                if last:
                    raise
                self._sleep(self._backoff(attempt))
                continue
            if (response.status_code == 429 or response.status_code >= 500) and not last:
                self._sleep(self._wait(response, attempt))
                continue
            return self._read(response)
        raise AssertionError("unreachable: the last attempt returns or raises")

    @staticmethod
    def _backoff(attempt: int) -> float:
        return 0.05 * 2**attempt

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        retry_after = response.headers.get("retry-after", "")
        if response.status_code == 429 and retry_after.isdigit():
            return min(float(retry_after), 5.0)
        return self._backoff(attempt)

    @staticmethod
    def _read(response: httpx.Response) -> dict[str, Any]:
        body = response.json()
        if not response.is_success:  # any 2xx is a success (a 201 for a create is legal)
            error = body.get("error", body) if isinstance(body, dict) else {}
            raise LotusPayError(response.status_code, error if isinstance(error, dict) else {})
        document: dict[str, Any] = body
        return document
