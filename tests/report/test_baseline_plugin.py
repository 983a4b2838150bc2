"""The baseline and the Markdown summary through the pytest plugin, in a pytest subprocess
against a real mock server with a fault: known checks are xfailed, an expired entry fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from lotuspay_contract.conformance.mock import running_mock


def _pytest(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """pytest with the plugin against a fresh mock with the fault: the same answers each time."""
    with running_mock(faults=("created_string",)) as url:
        argv = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider",
                "-q", "-k", "SHAPE", "--lotuspay-url", str(url), "--lotuspay-key",
                url.api_keys[0], "--lotuspay-tier", "smoke", "--lotuspay-seed", "5", *extra]  # fmt: skip
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_plugin_writes_reads_and_applies_a_baseline(tmp_path: Path) -> None:
    written = tmp_path / "baseline.json"
    first = _pytest(tmp_path, "--lotuspay-write-baseline", str(written))
    assert first.returncode == 1, first.stdout
    data: dict[str, Any] = json.loads(written.read_text(encoding="utf-8"))
    assert data["entries"]
    for entry in data["entries"]:
        entry["reason"] = "sandbox deviation"
    data["entries"][0]["expires"] = "2026-03-31"
    written.write_text(json.dumps(data), encoding="utf-8")
    report, markdown = tmp_path / "run.json", tmp_path / "run.md"
    options = ["--lotuspay-baseline", str(written), "--lotuspay-report-json", str(report),
               "--lotuspay-report-markdown", str(markdown)]  # fmt: skip
    known = _pytest(tmp_path, *options, "--lotuspay-baseline-today", "2026-03-01")
    assert known.returncode == 0, known.stdout
    assert "4 xfailed" in known.stdout
    statuses = {c["id"]: c["status"] for c in json.loads(report.read_text())["checks"]}
    assert statuses["CUS-SHAPE-002"] == "known"
    assert "known: **CUS-SHAPE-002**" in markdown.read_text(encoding="utf-8")
    expired = _pytest(tmp_path, *options, "--lotuspay-baseline-today", "2026-04-01")
    assert expired.returncode == 1, expired.stdout
    assert "expired on 2026-03-31: renew it or remove it" in expired.stdout


def test_an_empty_reason_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": 1, "entries": [{"check": "C", "reason": ""}]}))
    result = _pytest(tmp_path, "--lotuspay-baseline", str(path))
    assert result.returncode == 4  # pytest's usage error
    assert "entry 1, reason is empty" in result.stderr
