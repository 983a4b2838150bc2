"""Fixtures for any test suite: the embedded mock on a free port and a bounded client."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from ._options import ENV_KEY, OPTION_ALLOW_LIVE, OPTION_KEY, OPTION_URL, plugin_settings

if TYPE_CHECKING:
    from ..client import LotusPayClient


@pytest.fixture(scope="session")
def lotuspay_mock_options() -> dict[str, Any]:
    """Keyword arguments for the session's mock server (override in a conftest)."""
    return {}


@pytest.fixture(scope="session")
def lotuspay_mock(lotuspay_mock_options: dict[str, Any]) -> Iterator[str]:
    """The embedded mock on a free loopback port for the session; yields its root URL.

    The URL is a ``str`` that also carries ``api_keys``: the keys the mock issued (the only
    ones it accepts, unless the options say ``accept_any_key=True``). The mock is imported
    here, not at module level: loading the plugin must not cost every pytest run the mock's
    import (``python -X importtime`` shows what it costs).

    Example::

        def test_create(lotuspay_mock):
            key = lotuspay_mock.api_keys[0]
            r = httpx.post(f"{lotuspay_mock}/v1/customers", auth=(key, ""), timeout=5)
            assert r.status_code == 200
    """
    from ..mock import running_mock

    with running_mock(**lotuspay_mock_options) as url:
        yield url


@pytest.fixture(scope="session")
def lotuspay_client(request: pytest.FixtureRequest) -> Iterator[LotusPayClient]:
    """A bounded client for ``--lotuspay-url`` (else the embedded mock), keys masked.

    Example::

        def test_list(lotuspay_client):
            assert lotuspay_client.request("GET", "/v1/customers").status == 200
    """
    from ..client import LotusPayClient

    config = request.config
    url = config.getoption(OPTION_URL)
    key = config.getoption(OPTION_KEY) or os.environ.get(ENV_KEY)
    allow_live = bool(config.getoption(OPTION_ALLOW_LIVE))
    if url:  # the settings the suite uses: checked, with the environment and the config file
        settings = plugin_settings(config)
        url, key, allow_live = settings.base_url, settings.api_key, settings.allow_live
    else:
        url = request.getfixturevalue("lotuspay_mock")
        issued = getattr(url, "api_keys", ())  # a conftest may override the fixture with a str
        if issued:
            key = issued[0]
        elif not (key and key.startswith("sk_test_")):
            key = "sk_test_" + secrets.token_hex(12)
    client = LotusPayClient(url, key, allow_live=allow_live)
    with client:
        yield client
