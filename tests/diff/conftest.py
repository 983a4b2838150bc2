"""Fixtures for the diff tests: a clean reference mock per module, and settings for a run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from lotuspay_contract.conformance.diff import DIFF_TIERS, DiffSettings
from lotuspay_contract.conformance.mock import MockURL, running_mock

#: Smoke, with fewer sequences and a smaller shrinking budget: CI stays quick.
QUICK = replace(DIFF_TIERS["smoke"], max_examples=20)


@pytest.fixture(scope="module")
def reference() -> Iterator[MockURL]:
    """A fault-free mock: the reference of every diff in the module."""
    with running_mock() as url:
        yield url


def settings_for(target: MockURL, reference: MockURL, **changes: object) -> DiffSettings:
    """Diff settings for a target mock against the reference mock, quick tier, seed 1."""
    settings = DiffSettings(
        target_url=str(target),
        target_key=target.api_keys[0],
        reference_url=str(reference),
        reference_key=reference.api_keys[0],
        tier=QUICK,
        seed=1,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.import_plugin("pytester")
