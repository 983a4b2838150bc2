"""Issue 21: the start line's notices never contradict each other."""

from __future__ import annotations

import pytest

from lotuspay_contract.conformance.suite import TIERS, RunSettings
from lotuspay_contract.conformance.suite._runner import new_run_id, select_checks
from lotuspay_contract.conformance.suite._selection import notices_for


def _notices(key: str, *, allow_live: bool = False, live_key: str | None = None) -> list[str]:
    settings = RunSettings(
        base_url="http://127.0.0.1:9",
        api_key=key,
        tier=TIERS["smoke"],
        seed=1,
        run_id=new_run_id(),
        allow_live=allow_live,
        live_key=live_key,
    )
    return notices_for(settings, select_checks(None, "smoke"))


def test_a_live_main_key_is_never_told_it_has_no_live_key() -> None:
    notices = _notices("sk_live_4eC39HqLyjWDarjtT1zdp7dc")
    assert len(notices) == 1
    assert notices[0].startswith("live key: ")
    assert not any("no live key" in n for n in notices)


def test_a_live_main_key_with_writes_allowed_is_told_what_separation_needs() -> None:
    notices = _notices("sk_live_4eC39HqLyjWDarjtT1zdp7dc", allow_live=True)
    assert notices == [
        "the live/test separation check is skipped: it needs a test key (--api-key) and "
        "a live key (--live-key)"
    ]


@pytest.mark.parametrize(("live_key", "expected"), [(None, 1), ("sk_live_x0123456789abcdef", 0)])
def test_a_test_key_without_a_live_key_is_told_so(live_key: str | None, expected: int) -> None:
    notices = _notices("sk_test_4eC39HqLyjWDarjtT1zdp7dc", live_key=live_key)
    assert len([n for n in notices if n.startswith("no live key")]) == expected
