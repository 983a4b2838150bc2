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
    from ..validation import RequestFinding, SentRequest


class ClientMock(str):
    """The URL of the session's mock (a ``str``), with what the current test sent it.

    ``api_keys`` are the keys the mock issued; ``variation`` the variation it serves (None:
    the plain mock).
    """

    api_keys: tuple[str, ...]
    variation: str | None
    _recorder: Any

    def __new__(
        cls, url: str, api_keys: tuple[str, ...], *, recorder: Any, variation: str | None
    ) -> ClientMock:
        made = super().__new__(cls, url)
        made.api_keys = tuple(api_keys)
        made.variation = variation
        made._recorder = recorder
        return made

    @property
    def requests(self) -> list[SentRequest]:
        """The requests the current test sent (its fixtures' too), in arrival order."""
        found: list[SentRequest] = self._recorder.requests()
        return found

    def violations(self) -> list[RequestFinding]:
        """The rules of the request contract the current test's requests break."""
        from ..validation import judge_requests

        return judge_requests(self.requests)


@pytest.fixture(scope="session")
def lotuspay_mock_options() -> dict[str, Any]:
    """Keyword arguments for the session's mock server (override in a conftest)."""
    return {}


@pytest.fixture(scope="session")
def lotuspay_mock(
    request: pytest.FixtureRequest, lotuspay_mock_options: dict[str, Any]
) -> Iterator[ClientMock]:
    """The embedded mock on a free loopback port for the session; yields its root URL.

    The URL is a ``str`` that also carries ``api_keys``: the keys the mock issued (the only
    ones it accepts, unless the options say ``accept_any_key=True``). The mock is imported
    here, not at module level: loading the plugin must not cost every pytest run the mock's
    import (``python -X importtime`` shows what it costs).

    For testing your own client: the reserved inputs of the mock's ``TRIGGERS`` answer their
    errors (``triggers=False`` in the options turns them off); ``lotuspay_mock.requests`` are
    the requests of the current test and ``lotuspay_mock.violations()`` the rules of the
    request contract they break. Under ``@pytest.mark.lotuspay_variations("legal")`` (or
    ``"transient"``, or names) the test runs once per variation, this fixture serving it
    (``lotuspay_mock.variation``; one mock per variation).

    Example::

        def test_create(lotuspay_mock):
            key = lotuspay_mock.api_keys[0]
            r = httpx.post(f"{lotuspay_mock}/v1/customers", auth=(key, ""), timeout=5)
            assert r.status_code == 200
    """
    from ..mock import running_mock
    from ._client_requests import recorder_for
    from ._variations import mock_settings

    variation: str | None = getattr(request, "param", None)
    options = {"triggers": True, **lotuspay_mock_options}
    for name, value in mock_settings(variation).items():
        options[name] = [*options.get(name, ()), *value] if name == "quirks" else value
    recorder = recorder_for(request.config)
    with running_mock(**options, recorder=recorder) as url:
        recorder.clear()  # the start-up probe is not the client's
        yield ClientMock(url, url.api_keys, recorder=recorder, variation=variation)


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
