"""Fixtures for the conformance engine tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def clean_mock() -> Iterator[str]:
    """A fault-free mock for the module."""
    from lotuspay_contract.conformance.mock import running_mock

    with running_mock() as url:
        yield url


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is refused outside the top-level conftest; load pytester for these tests.
    config.pluginmanager.import_plugin("pytester")
