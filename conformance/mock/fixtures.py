"""The ``lotuspay_mock`` pytest fixture: a real mock server for a whole test session.

Cheap to import: the server is imported inside the fixture. Override ``lotuspay_mock_options``
(session scope) in a conftest to pass ``create_app`` options, e.g. ``{"seed_customers": 10}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["lotuspay_mock", "lotuspay_mock_options"]


@pytest.fixture(scope="session")
def lotuspay_mock_options() -> dict[str, Any]:
    """Keyword arguments for the session's mock server (none by default)."""
    return {}


@pytest.fixture(scope="session")
def lotuspay_mock(lotuspay_mock_options: dict[str, Any]) -> Iterator[str]:
    """Start the mock on a free loopback port for the session; yield its base URL.

    Example::

        def test_create(lotuspay_mock):
            r = httpx.post(f"{lotuspay_mock}/v1/customers", auth=("sk_test_x", ""), timeout=5)
            assert r.status_code == 200
    """
    from ._server import running_mock

    with running_mock(**lotuspay_mock_options) as url:
        yield url
