"""Helpers for the conformance engine tests: run the suite with the test key and a fixed seed."""

from __future__ import annotations

from collections.abc import Sequence

from lotuspay_contract.conformance.suite import TIERS, RunSettings
from lotuspay_contract.conformance.suite._runner import (
    RunResult,
    new_run_id,
    run_suite,
    select_checks,
)

#: A distinctive key: tests scan every artifact for it.
SECRET_KEY = "sk_test_Zq8SeCrEtKeyDoNotLeak42"
#: The second account's key (the isolation check), also distinctive.
SECOND_KEY = "sk_test_Zq8SeCoNdKeyDoNotLeak43"
#: What the tests' mocks issue: ``running_mock(api_keys=MOCK_KEYS)``.
MOCK_KEYS = (SECRET_KEY, SECOND_KEY)


def settings_for(
    url: str, *, strict: bool = False, tier: str = "smoke", **extra: object
) -> RunSettings:
    """Return run settings for ``url`` with the test key and a fixed seed."""
    return RunSettings(
        base_url=url,
        api_key=SECRET_KEY,
        second_key=SECOND_KEY,
        tier=TIERS[tier],
        seed=20240601,
        run_id=new_run_id(),
        strict=strict,
        **extra,  # type: ignore[arg-type]
    )


def run_against(
    url: str, checks: Sequence[str] | None = None, *, strict: bool = False, **extra: object
) -> RunResult:
    """Run ``checks`` (default: the smoke tier) against ``url``."""
    chosen = select_checks(checks, "smoke") if checks else None
    return run_suite(settings_for(url, strict=strict, **extra), checks=chosen)
