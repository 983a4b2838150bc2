"""Helpers for the diff tests: a quick tier, and settings for a run of one mock against another."""

from __future__ import annotations

from dataclasses import replace

from lotuspay_contract.conformance.diff import DIFF_TIERS, DiffSettings
from lotuspay_contract.conformance.mock import MockURL

#: Smoke, with fewer sequences: CI stays quick.
QUICK = replace(DIFF_TIERS["smoke"], max_examples=20)


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
