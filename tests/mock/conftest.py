"""Shared pieces of the mock tests: in-process clients, and a module's own mock over a socket
that takes any key (the plugin's ``lotuspay_mock`` is tested in tests/client_harness)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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


@pytest.fixture(scope="module")
def any_key_mock() -> Iterator[str]:
    """A mock of the module's own that takes any well-formed key as an account: tests that send
    keys of their own must not depend on which options the session's ``lotuspay_mock`` was
    first made with in this worker (a worker runs tests of every folder)."""
    from lotuspay_contract.conformance.mock import running_mock

    with running_mock(accept_any_key=True) as url:
        yield str(url)
