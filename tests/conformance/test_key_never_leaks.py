"""No artifact of a run holds the API key: stdout, stderr, the JSON report, the JUnit XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_helpers import SECRET_KEY

from lotuspay_contract.conformance.cli._main import main


@pytest.mark.parametrize("fault", [None, "errors_plain_text", "accounts_shared"])
def test_no_artifact_holds_the_key(
    fault: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOTUSPAY_API_KEY", SECRET_KEY)
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    argv = [
        "run",
        "--tier",
        "smoke",
        "--seed",
        "3",
        "--report-json",
        str(report),
        "--junitxml",
        str(junit),
        "--checks",
        "transport,shape,auth,lists,errors",
    ]
    if fault:
        argv += ["--mock-fault", fault]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == (1 if fault else 0)
    artifacts = {
        "stdout": out,
        "stderr": err,
        "json": report.read_text(),
        "junit": junit.read_text(),
    }
    secret_part = SECRET_KEY.removeprefix("sk_test_")
    for name, text in artifacts.items():
        assert secret_part not in text, f"the key leaks into {name}"
    if fault:
        assert "sk_test_****" in artifacts["json"]  # curl lines are there, masked
