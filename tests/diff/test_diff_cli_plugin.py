"""``lotuspay-contract diff`` and ``pytest --lotuspay-diff``: exit codes, reports, masking."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path

import pytest

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.diff import DIFF_TIERS
from lotuspay_contract.conformance.mock import running_mock


@pytest.fixture(autouse=True)
def _quick_smoke(monkeypatch: pytest.MonkeyPatch) -> None:
    """The smoke tier, shorter still: these tests are about the command and the plugin."""
    quick = replace(DIFF_TIERS["smoke"], max_examples=8, shrink_calls=30)
    monkeypatch.setitem(DIFF_TIERS, "smoke", quick)


def _forms(key: str) -> list[str]:
    """The key in the forms it could leak in: whole, without its prefix, in Basic auth."""
    return [key, key[8:], base64.b64encode(f"{key}:".encode()).decode()]


def test_diff_against_a_faulty_mock_exits_1_with_both_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, page = tmp_path / "diff.json", tmp_path / "diff.html"
    with running_mock(faults=["not_found_as_400"]) as target:
        key = target.api_keys[0]
        status = main(
            [
                "diff",
                "--base-url",
                str(target),
                "--api-key",
                key,
                "--tier",
                "smoke",
                "--seed",
                "1",
                "--report-json",
                str(report),
                "--report-html",
                str(page),
            ]
        )
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL [MUST]" in out
    assert "errors.not_found (docs/contract.md#errors.not_found)" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    failure = data["failures"][0]
    assert (failure["rule"], failure["level"], failure["pointer"]) == (
        "errors.not_found",
        "MUST",
        "/status",
    )
    assert failure["requests"] <= 5
    assert failure["sequence"][-1]["target"]["status"] == 400
    html = page.read_text(encoding="utf-8")
    assert "errors.not_found" in html
    assert "<script" not in html
    for text in (out, report.read_text(encoding="utf-8"), html):
        for form in _forms(key):
            assert form not in text


def test_diff_against_the_clean_mock_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with running_mock() as target:
        args = ["diff", "--base-url", str(target), "--api-key", target.api_keys[0]]
        status = main([*args, "--tier", "smoke", "--seed", "2", "-q"])
    assert status == 0
    assert "diff: 0 failing differences, 0 others;" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--base-url", "http://127.0.0.1:9", "--api-key", "nope"]) == 2
    assert "--api-key" in capsys.readouterr().err
    key = "sk_test_" + "x" * 24
    assert main(["diff", "--base-url", "http://127.0.0.1:9", "--api-key", key]) == 2
    err = capsys.readouterr().err
    assert "unreachable" in err
    assert key[8:] not in err


def test_plugin_runs_the_diff_as_items(pytester: pytest.Pytester) -> None:
    report = pytester.path / "diff.json"
    with running_mock() as good, running_mock(faults=["errors_plain_text"]) as bad:
        results = {
            name: pytester.runpytest(
                "--lotuspay-report-json",
                str(report),
                "--lotuspay-url",
                str(url),
                "--lotuspay-key",
                url.api_keys[0],
                "--lotuspay-diff",
                "--lotuspay-tier",
                "smoke",
                "--lotuspay-seed",
                "3",
                "-p",
                "no:randomly",
            )
            for name, url in (("good", good), ("bad", bad))
        }
    results["good"].assert_outcomes(passed=1)
    results["good"].stdout.fnmatch_lines(["lotuspay diff: target *, key sk_test_****, *"])
    results["bad"].assert_outcomes(failed=1)
    results["bad"].stdout.fnmatch_lines(
        ["FAIL [[]MUST]*not JSON*", "*rule: transport.json*", "*shortest sequence (? request*):*"]
    )
    assert bad.api_keys[0][8:] not in results["bad"].stdout.str()
    data = json.loads(report.read_text(encoding="utf-8"))  # the last session's: the bad one
    assert data["failures"][0]["rule"] == "transport.json"
    assert bad.api_keys[0][8:] not in report.read_text(encoding="utf-8")


def test_plugin_diff_under_xdist_is_a_usage_error(pytester: pytest.Pytester) -> None:
    # Each worker would write the diff's report over the others': one process, or a clear error.
    result = pytester.runpytest(
        "-n",
        "2",
        "--lotuspay-url",
        "http://127.0.0.1:9",
        "--lotuspay-key",
        "sk_test_DiffUnderXdist0123456789",
        "--lotuspay-diff",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lotuspay-diff runs in one process: add -n 0*"])
