"""Fixtures for the conformance engine tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def clean_mock() -> Iterator[str]:
    """A fault-free mock for the module."""
    from suite_helpers import MOCK_KEYS

    from lotuspay_contract.conformance.mock import running_mock

    # The live keys are those test_clean_mock passes: a mock accepts only keys it issued.
    live = ("sk_live_SeParAtIoN0123456789", "sk_live_NoWrItEs0123456789")
    with running_mock(api_keys=[*MOCK_KEYS, *live]) as url:
        yield url


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is refused outside the top-level conftest; load pytester for these tests.
    config.pluginmanager.import_plugin("pytester")
    config.addinivalue_line("markers", "slow: runs the suite many times (deselect: -m 'not slow')")
