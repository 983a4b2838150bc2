"""Schemathesis is the extra ``[fuzz]``: without it the fuzz phase is "not exercised", never a
crash and never a pass (issue 17: a repo that installs us for the fixtures does not pay for it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# A run of the fuzz check alone in a process where ``import schemathesis`` fails, as it does
# where the extra is not installed (a None entry in sys.modules makes the import raise).
_WITHOUT_SCHEMATHESIS = """
import sys
sys.modules["schemathesis"] = None
from lotuspay_contract.conformance.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.subprocess
def test_fuzz_without_schemathesis_is_not_exercised(tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LOTUSPAY"))}
    argv = [
        "run",
        "--tier",
        "smoke",
        "-q",
        "--checks",
        "CUS-FUZZ-001",
        "--report-json",
        str(report),
    ]
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_SCHEMATHESIS, *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    (fuzz,) = [c for c in data["checks"] if c["id"] == "CUS-FUZZ-001"]
    assert fuzz["status"] == "not_exercised", fuzz
    assert fuzz["reason"] == "schemathesis is not installed (pip install 'lotuspay-contract[fuzz]')"
    assert fuzz["judged"] == 0
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
