"""Fixtures for the tests of the client harness (matrix, triggers, request conformance)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is refused outside the top-level conftest; load pytester for these tests.
    config.pluginmanager.import_plugin("pytester")
