"""Issue 21: a run and ``validate --har`` on that run's own recording agree.

``run --report-har`` records every exchange; ``validate --har`` judges the recording offline.
At both strictness levels the two give the same verdict, and every contract rule the HAR
validator finds broken is one the run reported at the same level.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lotuspay_contract.conformance.cli._main import main

pytestmark = pytest.mark.slow


def _run_verdicts(report: dict[str, object]) -> tuple[bool, bool, set[tuple[str, str]]]:
    """(fails by default, fails strict, (rule, level) of every finding) of a JSON run report."""
    findings = [f for c in report["checks"] for f in c["failures"]]  # type: ignore[attr-defined]
    levels = {f["level"] for f in findings}
    rules = {(f["rule"], f["level"]) for f in findings if f["rule"]}
    return "MUST" in levels, bool(levels & {"MUST", "SHOULD"}), rules


@pytest.mark.parametrize(
    ("tier", "fault"),
    [("standard", None), ("standard", "metadata_null"), ("smoke", "created_string")],
)
def test_run_and_validate_har_agree_at_both_levels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tier: str, fault: str | None
) -> None:
    har, report = tmp_path / "run.har", tmp_path / "run.json"
    faults = ["--mock-fault", fault] if fault else []
    args = ["run", "-q", "--tier", tier, "--seed", "698003274", *faults]
    strict_exit = main([*args, "--strict", "--report-har", str(har), "--report-json", str(report)])
    fails, fails_strict, run_rules = _run_verdicts(json.loads(report.read_text()))
    assert strict_exit == int(fails_strict)
    capsys.readouterr()
    for strict, run_fails in ((False, fails), (True, fails_strict)):
        code = main(["validate", "--format", "json", "--har", str(har), *(["--strict"] * strict)])
        entries = json.loads(capsys.readouterr().out)
        assert code == int(run_fails), f"strict={strict}: run fails {run_fails}, validate {code}"
        har_rules = {
            (v["rule"], v["level"])
            for e in entries
            for v in e["violations"]
            if not v["rule"].startswith("har.") and v["level"] != "MAY"
        }
        assert har_rules <= run_rules, (
            f"strict={strict}: only the HAR reading breaks {har_rules - run_rules}"
        )
