"""Fixtures for the diff tests: a clean reference mock per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lotuspay_contract.conformance.mock import MockURL, running_mock


@pytest.fixture(scope="module")
def reference() -> Iterator[MockURL]:
    """A fault-free mock: the reference of every diff in the module."""
    with running_mock() as url:
        yield url


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is refused outside the top-level conftest; load pytester for these tests.
    config.pluginmanager.import_plugin("pytester")
