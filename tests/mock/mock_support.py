"""Constants and assertions the mock tests share (a plain module: conftest is for fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from lotuspay_contract.conformance import validate

TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
OTHER_TEST_KEY = "sk_test_BQokikJOvBiI2HlWgH4olfQ2"
LIVE_KEY = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr"

CUSTOMER = {
    "name": "Asha Verma",
    "email": "asha.verma@example.in",
    "identification": "ABCPV1234D",
    "mobile": "+919876543210",
    "phone": "+912226543210",
    "metadata": {"plan": "gold", "branch": "Pune"},
}
BANK_ACCOUNT = {
    "account_holder_name": "Asha Verma",
    "account_ifsc": "HDFC0001234",
    "account_number": "50100123456789",
    "account_type": "savings",
}


def checked(response: httpx.Response, schema: str) -> Any:
    """Assert the answer is JSON valid against ``schema`` at the strict level; return its body."""
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert validate(body, schema, strict=True) == [], (response.status_code, body)
    return body


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an error answer with ``status`` in the strict error schema; return the error."""
    assert response.status_code == status, (response.status_code, response.text)
    error: dict[str, Any] = checked(response, "error")["error"]
    return error


ClientFactory = Callable[..., httpx.AsyncClient]
