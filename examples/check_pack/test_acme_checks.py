"""ACME's check pack, run against the embedded mock with the CLI and with the pytest plugin.

Run it with ``pytest examples/check_pack/test_acme_checks.py``. Each run is its own process, as
in CI: a pack registers its checks in the process that loads it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACK = Path(__file__).resolve().parent / "acme_checks.py"
#: The pack's checks, and a built-in check whose traffic the response check judges too.
CHECKS = "X-ACME-001,X-ACME-002,CUS-RT-001"


def _cli(tmp_path: Path, *argv: str) -> tuple[int, str, dict[str, object]]:
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "run", "--tier", "smoke"]
    command += ["--checks", CHECKS, "--checks-module", str(PACK), "--report-json", str(report)]
    result = subprocess.run(
        [*command, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr, json.loads(report.read_text())


def test_the_pack_passes_against_the_correct_mock(tmp_path: Path) -> None:
    code, out, report = _cli(tmp_path)
    assert code == 0, out
    assert {r["id"]: r["status"] for r in report["checks"]}["X-ACME-002"] == "passed"
    assert "ok     X-ACME-001" in out
    assert "ok     X-ACME-002" in out


@pytest.mark.parametrize(
    ("fault", "check_id", "strict"),
    [
        ("created_string", "X-ACME-002", False),  # cites customer.created [doc]: MUST
        ("retrieve_drops_metadata", "X-ACME-001", True),  # acme.required_metadata [conv]: SHOULD
    ],
)
def test_the_pack_catches_a_mock_fault(
    tmp_path: Path, fault: str, check_id: str, strict: bool
) -> None:
    code, out, report = _cli(tmp_path, "--mock-fault", fault, *(["--strict"] if strict else []))
    assert code == 1, out
    assert {r["id"]: r["status"] for r in report["checks"]}[check_id] == "failed"
    assert f"FAIL   {check_id}" in out
    assert "Reproduce with:" in out


def test_the_pack_runs_in_the_pytest_plugin(tmp_path: Path, lotuspay_mock: str) -> None:
    key = lotuspay_mock.api_keys[0]  # type: ignore[attr-defined]
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-k", "X-ACME"]
    command += ["--lotuspay-url", lotuspay_mock, "--lotuspay-key", key, "--lotuspay-tier", "smoke"]
    command += ["--lotuspay-checks-module", str(PACK), "--junitxml", str(tmp_path / "junit.xml")]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    assert 'value="X-ACME-001"' in (tmp_path / "junit.xml").read_text()
