"""Shared pieces of the mock tests: in-process clients. The ``lotuspay_mock`` fixture comes
from our pytest plugin (entry point ``pytest11: lotuspay``), as it does for other repos."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from mock_support import TEST_KEY, ClientFactory

from lotuspay_contract.conformance.mock import create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_client() -> ClientFactory:
    """Build an in-process client over a fresh mock; keyword arguments go to ``create_app``."""

    def make(*, key: str | None = TEST_KEY, **options: Any) -> httpx.AsyncClient:
        if "api_keys" not in options:
            options.setdefault("accept_any_key", True)  # not an auth test: any key is an account
        app = create_app(**options)
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://mock.test",
            auth=(key, "") if key else None,
            timeout=5.0,
        )

    return make


@pytest.fixture
async def client(make_client: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as c:
        yield c


@pytest.fixture(scope="session")
def lotuspay_mock_options() -> dict[str, Any]:
    """The session mock serves tests that are not about authentication: any key is an account."""
    return {"accept_any_key": True}
