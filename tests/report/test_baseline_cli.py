"""The governed baseline through the real CLI (``main``) against the embedded mock: a baseline
written from a faulty run makes that run pass with its findings known; a second fault fails
only its new findings; an expired entry fails the run naming it; a fault that is gone leaves
its entries resolved. "Today" is injected (--baseline-today): no test depends on the clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract.conformance.cli._main import main

# The response checks and their built-in traffic: the same answers on every run, in ~2 s.
RUN = ["run", "--tier", "smoke", "--checks", "shape", "--seed", "7", "-q"]
FAULT = "created_string"  # created as a string: CUS-SHAPE-001..004 fail at customer.created
SECOND = "object_capitalised"  # object "Customer": CUS-SHAPE-001/002 fail at customer.object


def _run(tmp: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    report = tmp / "run.json"
    report.unlink(missing_ok=True)
    status = main([*RUN, "--report-json", str(report), *extra])
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return status, data


def _filled(tmp: Path, written: Path, **fields: str) -> Path:
    """The written baseline with every reason filled in (and ``fields`` on the first entry)."""
    data = json.loads(written.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        entry["reason"] = "sandbox deviation LP-1234, fix promised for Q3"
        entry["owner"] = "qa-payments"
    data["entries"][0].update(fields)
    path = tmp / f"baseline-{len(list(tmp.iterdir()))}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline written by a run against the mock with FAULT (reasons still empty)."""
    tmp = tmp_path_factory.mktemp("written")
    path = tmp / "baseline.json"
    status, report = _run(tmp, "--mock-fault", FAULT, "--write-baseline", str(path))
    assert status == 1
    assert report["summary"]["failed"] >= 1
    return path


def test_the_written_baseline_lists_each_failing_finding_once_normalised(written: Path) -> None:
    data = json.loads(written.read_text(encoding="utf-8"))
    keys = [(e["check"], e["rule"], e["pointer"]) for e in data["entries"]]
    assert len(keys) == len(set(keys))
    assert ("CUS-SHAPE-002", "customer.created", "/data/*/created") in keys
    assert all(e["reason"] == "" for e in data["entries"])
    assert all("/0/" not in e["pointer"] for e in data["entries"])  # indexes normalised


def test_an_empty_reason_is_a_usage_error_naming_the_entry(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main([*RUN, "--mock-fault", FAULT, "--baseline", str(written)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"baseline {written}: entry 1, reason is empty" in err


def test_a_run_with_its_own_baseline_exits_0_with_the_findings_known(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _filled(tmp_path, written)
    status, report = _run(tmp_path, "--mock-fault", FAULT, "--baseline", str(baseline))
    assert status == 0
    assert report["verdict"] == "pass"
    assert report["summary"]["failed"] == 0
    known = [c["id"] for c in report["checks"] if c["status"] == "known"]
    assert known == ["CUS-SHAPE-001", "CUS-SHAPE-002", "CUS-SHAPE-003", "CUS-SHAPE-004"]
    for check in report["checks"]:
        for finding in check["failures"]:
            if finding["level"] == "MUST":
                assert finding["baseline"] == "known"
    states = {e["state"] for e in report["baseline"]["entries"]}
    assert states == {"known"}
    out = capsys.readouterr().out
    assert "4 known" in out
    assert "baseline " in out


def test_a_second_fault_fails_only_its_new_findings(written: Path, tmp_path: Path) -> None:
    baseline = _filled(tmp_path, written)
    faults = ["--mock-fault", FAULT, "--mock-fault", SECOND]
    status, report = _run(tmp_path, *faults, "--baseline", str(baseline))
    assert status == 1
    failed = {c["id"]: c for c in report["checks"] if c["status"] == "failed"}
    assert set(failed) == {"CUS-SHAPE-001", "CUS-SHAPE-002"}
    for check in report["checks"]:
        for finding in check["failures"]:
            new = "baseline" not in finding
            assert new == (finding["rule"] == "customer.object"), finding
    # The bank account checks only had the known deviation: still known, not failing.
    assert {c["id"] for c in report["checks"] if c["status"] == "known"} == {
        "CUS-SHAPE-003",
        "CUS-SHAPE-004",
    }


def test_an_expired_entry_fails_the_run_naming_it(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _filled(tmp_path, written, expires="2026-03-31")
    first = json.loads(baseline.read_text(encoding="utf-8"))["entries"][0]
    run = [*RUN, "--mock-fault", FAULT, "--baseline", str(baseline)]
    # The last valid day: still known.
    assert main([*run, "--baseline-today", "2026-03-31"]) == 0
    capsys.readouterr()
    status, report = _run(tmp_path, "--mock-fault", FAULT, "--baseline", str(baseline),
                          "--baseline-today", "2026-04-01")  # fmt: skip
    assert status == 1
    assert report["verdict"] == "fail"
    expired = [e for e in report["baseline"]["entries"] if e["state"] == "expired"]
    assert [(e["check"], e["pointer"]) for e in expired] == [(first["check"], first["pointer"])]
    out = capsys.readouterr().out
    assert (
        f"baseline entry {first['check']} {first['rule']} at {first['pointer']} expired on "
        "2026-03-31: renew it or remove it"
    ) in out
    # An expired entry excuses nothing: its findings fail as new ones.
    check = next(c for c in report["checks"] if c["id"] == first["check"])
    assert check["status"] == "failed"


def test_entries_of_a_fault_that_is_gone_are_resolved(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _filled(tmp_path, written)
    markdown = tmp_path / "summary.md"
    status, report = _run(tmp_path, "--baseline", str(baseline), "--report-markdown", str(markdown))
    assert status == 0
    entries = report["baseline"]["entries"]
    assert entries
    assert {e["state"] for e in entries} == {"resolved"}
    assert all(e["matched"] == 0 for e in entries)
    out = capsys.readouterr().out
    assert f"{len(entries)} resolved" in out
    assert "resolved: CUS-SHAPE-002 customer.created at /data/*/created matched nothing" in out
    text = markdown.read_text(encoding="utf-8")
    assert "resolved: `CUS-SHAPE-002` `customer.created` at `/data/*/created`" in text
