"""One config file drives `lotuspay-contract run` and `pytest --lotuspay-url` to the same
settings: both JSON reports record the same tier, seed, strictness and deadline."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.mock import running_mock

pytest_plugins = ("pytester",)

KEY = "sk_test_ShArEdCoNfIg0123456789"
CONFIG = """\
[tool.lotuspay-contract]
tier = "smoke"
seed = 4242
strict = true
max-duration = 95
report-json = "{report}"
"""


@pytest.fixture
def mock_url() -> Iterator[str]:
    with running_mock(api_keys=[KEY, "sk_test_OtHeRaCcOuNt012345678"]) as url:
        yield str(url)


def _recorded(path: Path) -> dict[str, object]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return {k: report[k] for k in ("tier", "seed", "strict", "max_duration_seconds", "target")}


def test_one_config_file_gives_the_cli_and_the_plugin_the_same_settings(
    pytester: pytest.Pytester,
    mock_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in list(os.environ):
        if name.startswith("LOTUSPAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LOTUSPAY_API_KEY", KEY)  # keys come from the environment, never a file
    pytester.makefile(".toml", pyproject=CONFIG.format(report="plugin.json"))
    pytester.makepyfile("def test_own():\n    pass\n")
    result = pytester.runpytest(
        "--lotuspay-url", mock_url, "-k", "CUS-ERR-001", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"lotuspay: target {mock_url}, *tier smoke, seed 4242, *strict*"])

    # The CLI, from the same folder, with the same file (its report path is the file's too).
    (pytester.path / "pyproject.toml").write_text(CONFIG.format(report="cli.json"), "utf-8")
    monkeypatch.chdir(pytester.path)
    assert main(["run", "--base-url", mock_url, "--checks", "CUS-ERR-001", "-q"]) == 0
    capsys.readouterr()
    plugin, cli = _recorded(pytester.path / "plugin.json"), _recorded(pytester.path / "cli.json")
    assert plugin == cli
    assert plugin["tier"] == "smoke"
    assert plugin["seed"] == 4242
    assert plugin["strict"] is True
    assert plugin["max_duration_seconds"] == 95


def test_the_plugin_reports_a_bad_file_value_naming_the_file_and_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOTUSPAY_CONFIG", raising=False)
    config = pytester.makefile(".toml", **{"lotuspay-contract": 'tier = "huge"\n'})
    result = pytester.runpytest("--lotuspay-url", "http://127.0.0.1:9", "--lotuspay-key", KEY)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*lotuspay: {config}: tier: the tier is one of smoke, *"])


def test_the_plugin_stays_inert_with_a_config_file_and_no_url(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", **{"lotuspay-contract": 'base-url = "http://127.0.0.1:9"\n'})
    pytester.makepyfile("def test_own():\n    pass\n")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*lotuspay:*")


@pytest.mark.parametrize(
    "extra",
    [
        ["--lotuspay-diff", "--lotuspay-report-html"],
        ["--lotuspay-diff", "--lotuspay-report-json"],
        ["--lotuspay-report-har"],
        ["--lotuspay-report-html"],
        ["--junitxml"],
    ],
)
def test_the_plugin_checks_every_report_path_before_any_request(
    pytester: pytest.Pytester, extra: list[str]
) -> None:
    path = pytester.path / "missing" / "report.out"
    result = pytester.runpytest(
        "--lotuspay-url", "http://127.0.0.1:9", "--lotuspay-key", KEY, *extra, str(path)
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*lotuspay: cannot write the report {path}: the folder *"])
    assert "unreachable" not in result.stdout.str() + result.stderr.str()
