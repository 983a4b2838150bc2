"""Fairness: against every legal variation of the mock the suite finds no MUST failure.

Each quirk is a way a correct server may differ from our mock (``lotuspay-contract quirks``).
The smoke and standard tiers run against each; a MUST finding or a check that errors is the
suite being unfair to a correct server. Under strict only SHOULD findings may appear, each
resting on a [conv] clause (MAY findings, from [ours] rules, never fail a run and are allowed).
"""

from __future__ import annotations

import pytest

from lotuspay_contract.conformance.mock import QUIRKS, running_mock
from lotuspay_contract.conformance.suite import TIERS, RunSettings
from lotuspay_contract.conformance.suite._registry import RULE_TAGS
from lotuspay_contract.conformance.suite._runner import new_run_id, run_suite, select_checks
from lotuspay_contract.conformance.validation import Level

#: The phases whose standard size only adds examples (seconds each); smoke runs them already.
_PHASES = {"CUS-FUZZ-001", "CUS-STATE-001"}


def unfair_verdicts(url: str, keys: tuple[str, ...], tier: str) -> list[str]:
    """Run ``tier`` strictly; return every verdict a correct server must not get."""
    checks = select_checks(None, tier)
    if tier != "smoke":
        checks = [c for c in checks if c.id not in _PHASES]
    settings = RunSettings(
        base_url=url,
        api_key=keys[0],
        second_key=keys[1],
        tier=TIERS[tier],
        seed=20261130,
        run_id=new_run_id(),
        strict=True,
    )
    result = run_suite(settings, checks=checks)
    unfair = [f"run stopped: {result.stopped}"] if result.stopped else []
    for verdict in result.results:
        if verdict.status == "error":
            unfair.append(f"{verdict.check.id} error: {verdict.reason}")
        for finding in verdict.findings:
            rules = [finding.rule] if finding.rule else list(verdict.check.rules)
            tags = {tag for rule in rules for tag in RULE_TAGS.get(rule, ())}
            if finding.level is Level.MUST:
                unfair.append(f"{verdict.check.id} MUST: {finding.message}")
            elif finding.level is Level.SHOULD and "conv" not in tags:
                unfair.append(f"{verdict.check.id} SHOULD without a [conv] rule: {rules}")
    return unfair


def test_catalogue_is_wide_enough() -> None:
    assert len(QUIRKS) >= 15
    for quirk in QUIRKS.values():
        assert "[doc" in quirk.clause or "[conv]" in quirk.clause or "[ours]" in quirk.clause
        assert quirk.rules, f"{quirk.name} cites no rule of docs/contract.md"
        unknown = [rule for rule in quirk.rules if rule not in RULE_TAGS]
        assert not unknown, f"{quirk.name} cites rules docs/contract.md does not state: {unknown}"


@pytest.mark.parametrize("quirk", list(QUIRKS))
def test_suite_is_fair_to_quirk(quirk: str) -> None:
    with running_mock(quirks=[quirk]) as url:
        unfair = {tier: unfair_verdicts(url, url.api_keys, tier) for tier in ("smoke", "standard")}
    lines = [f"{tier}: {verdict}" for tier, verdicts in unfair.items() for verdict in verdicts]
    assert not lines, f"the suite is unfair to the correct server quirk {quirk}:\n" + "\n".join(
        lines
    )
