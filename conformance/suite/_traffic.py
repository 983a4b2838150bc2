"""The built-in traffic of a run that selects response checks only (``--checks shape``).

Response checks judge the answers other phases provoke; with no scenario check selected nothing
would be sent but the preflight, and every response check would judge (nearly) nothing. This
small scenario gives them answers of every documented operation, successes and errors: create,
retrieve and list customers and bank accounts, an unknown customer, a bad page size.
"""

from __future__ import annotations

import secrets
from typing import Any

from ..client import Exchange, LiveWriteRefused, key_mode
from ._context import RUN_METADATA_KEY, Session

__all__ = ["run_traffic"]


def _id_of(exchange: Exchange) -> str | None:
    body = exchange.json_or_none() if 200 <= exchange.status < 300 else None
    found = body.get("id") if isinstance(body, dict) else None
    return found if isinstance(found, str) and found and "/" not in found else None


def run_traffic(session: Session) -> int:
    """Send the built-in traffic through the session's client; return the requests sent.

    Writes are left out with a live key unless the run allows live writes. Raises what the
    client raises (``TargetError``, ``DeadlineReached``): the runner records those.
    """
    client = session.client
    settings = session.settings
    sent = 0

    def send(method: str, path: str, **kwargs: Any) -> Exchange:
        nonlocal sent
        sent += 1
        return client.request(method, path, **kwargs)

    customer_id = None
    writes = key_mode(settings.api_key) != "live" or settings.allow_live
    if writes:
        token = secrets.token_hex(4)
        params = {
            "name": "Asha Verma",
            "email": f"lpc-{settings.run_id}-traffic-{token}@example.in",
            "metadata": {RUN_METADATA_KEY: settings.run_id},
        }
        try:
            customer_id = _id_of(send("POST", "/v1/customers", json_body=params))
        except LiveWriteRefused:
            customer_id = None
    listed = send("GET", "/v1/customers", params=[("limit", "3")])
    if customer_id is None:  # read-only: borrow a listed customer, if any
        body = listed.json_or_none()
        data = body.get("data") if isinstance(body, dict) else None
        first = data[0] if isinstance(data, list) and data else None
        customer_id = first.get("id") if isinstance(first, dict) else None
        customer_id = customer_id if isinstance(customer_id, str) and customer_id else None
    if customer_id is not None:
        base = f"/v1/customers/{customer_id}"
        send("GET", base)
        if writes:
            account = {
                "account_holder_name": "Asha Verma",
                "account_ifsc": "HDFC0001234",
                "account_number": "50100012345678",
                "account_type": "savings",
            }
            account_id = _id_of(send("POST", f"{base}/bank_accounts", json_body=account))
            if account_id is not None:
                send("GET", f"{base}/bank_accounts/{account_id}")
        send("GET", f"{base}/bank_accounts")
    send("GET", "/v1/customers/CU0000NOSUCH00")
    send("GET", "/v1/customers", params=[("limit", "0")])
    return sent
