"""The settings through the command line: one-line usage errors, `config`, names in any case,
report paths checked first, Hypothesis' files out of the working directory, the rerun line."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lotuspay_contract.conformance.cli import main

KEY = "sk_test_CoNfIgKeY0123456789abc"
_NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """No config file of the machine's, no stray LOTUSPAY_* variable."""
    for name in list(os.environ):
        if name.startswith("LOTUSPAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LOTUSPAY_CONFIG", "none")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--tier"], "lotuspay-contract run: error: argument --tier: expected one argument"),
        (["run", "--bogus"], "lotuspay-contract run: error: unrecognized arguments: --bogus"),
        (["nope"], "lotuspay-contract: error: argument COMMAND: invalid choice: 'nope'"),
        (["checks", "--level", "sometimes"], "lotuspay-contract checks: error: argument --level"),
    ],
)
def test_argparse_errors_are_one_line_with_a_hint(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(message), err
    assert err.rstrip().endswith("(see --help)")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--tier", "smok"], "--tier: the tier is one of smoke, standard, deep"),
        (["run", "--base-url", f"{_NOWHERE}/v1"], "--base-url: the URL is the server root"),
        (["run", "--operations", "nope"], "--operations: unknown operation nope"),
        (["diff", "--api-key", KEY], "diff needs the target: pass --base-url"),
        (["mock", "--workers", "2"], "--workers needs --db FILE"),
        (["mock", "--fault", "nope"], "--fault: unknown mock fault nope"),
    ],
)
def test_value_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"lotuspay-contract {argv[0]}: error: {message}"), err


def test_checks_takes_levels_and_tiers_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--level", "should", "--tier", "SMOKE", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows
    assert {r["level"] for r in rows} == {"SHOULD"}


def test_run_takes_check_ids_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--checks", "cus-err-001", "--seed", "1", "-q"]) == 0
    assert capsys.readouterr().out.startswith("1 passed")


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--base-url", _NOWHERE, "--api-key", KEY, "--report-har"],
        ["diff", "--base-url", _NOWHERE, "--api-key", KEY, "--report-json"],
        ["diff", "--base-url", _NOWHERE, "--api-key", KEY, "--report-html"],
    ],
)
def test_every_report_path_is_checked_before_any_request(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing" / "report.out"
    assert main([*argv, str(path)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write the report {path}" in err
    assert "unreachable" not in err


def test_config_shows_each_value_and_its_source_keys_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.lotuspay-contract]\ntier = "deep"\nstrict = true\nseed = 3\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOTUSPAY_CONFIG")
    monkeypatch.setenv("LOTUSPAY_API_KEY", KEY)
    monkeypatch.setenv("LOTUSPAY_RATE_LIMIT", "2")
    assert main(["config", "--seed", "4", "--no-strict"]) == 0
    out = capsys.readouterr().out
    assert KEY not in out
    lines = {line.split(" = ")[0].strip(): line for line in out.splitlines()[1:]}
    assert out.splitlines()[0] == f"# lotuspay-contract run: config file {path}"
    assert lines["tier"].endswith(f'"deep"  # {path}')
    assert lines["seed"].endswith("4  # --seed")
    assert lines["strict"].endswith("false  # --strict")  # --no-strict undoes the file's
    assert lines["rate-limit"].endswith("2.0  # LOTUSPAY_RATE_LIMIT")
    assert lines["api-key"].endswith('"sk_test_****"  # LOTUSPAY_API_KEY')
    assert lines["jobs"].endswith("auto  # default")
    assert main(["config", "--format", "json", "--command", "plugin"]) == 0
    document = json.loads(capsys.readouterr().out)
    rows = {row["key"]: row for row in document["settings"]}
    assert document["config_file"] == str(path)
    assert rows["tier"]["value"] == "deep"
    assert rows["tier"]["source"] == str(path)
    assert rows["api-key"]["value"] == "sk_test_****"
    assert "faults" not in rows  # not an option of the plugin


def test_the_cli_keeps_hypothesis_files_out_of_the_working_directory(tmp_path: Path) -> None:
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTUSPAY_")}
    env |= {"LOTUSPAY_CACHE_DIR": str(cache), "LOTUSPAY_CONFIG": "none"}
    argv = ["run", "--checks", "CUS-RT-002", "--tier", "smoke", "--seed", "1", "-q"]
    done = subprocess.run(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", *argv],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (work / ".hypothesis").exists()
    assert (cache / "hypothesis").is_dir()  # where Hypothesis wrote instead


def _verdicts(path: Path) -> dict[str, str]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return {c["id"]: c["status"] for c in report["checks"]}


def test_the_printed_rerun_line_run_again_gives_the_same_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.json"
    argv = ["run", "--checks", "cus-shape-001,CUS-RT-001,CUS-ERR-001", "--tier", "SMOKE"]
    argv += ["--mock-fault", "created_milliseconds", "--report-json", str(first)]
    assert main(argv) == 1
    out = capsys.readouterr().out
    rerun = [line for line in out.splitlines() if line.startswith("rerun: ")]
    assert len(rerun) == 1, out
    words = shlex.split(rerun[0].removeprefix("rerun: "))
    assert words[:2] == ["lotuspay-contract", "run"]
    assert "--mock-fault" in words
    assert "--seed" in words
    assert "--tier" in words
    again = tmp_path / "again.json"
    assert main([*words[1:], "--report-json", str(again)]) == 1
    capsys.readouterr()
    assert _verdicts(again) == _verdicts(first)
    assert _verdicts(first)["CUS-SHAPE-001"] == "failed"
    seeds = {json.loads(p.read_text(encoding="utf-8"))["seed"] for p in (first, again)}
    assert len(seeds) == 1


def test_the_rerun_line_pasted_into_a_shell_with_the_key_exported_reproduces(
    tmp_path: Path,
) -> None:
    """Against a target (the key as "$LOTUSPAY_API_KEY" in the line): sh expands it."""
    from lotuspay_contract.conformance.mock import running_mock

    first = tmp_path / "first.json"
    env = {**os.environ, "LOTUSPAY_API_KEY": KEY, "LOTUSPAY_CONFIG": "none"}
    with running_mock(api_keys=[KEY], faults=["created_milliseconds"]) as url:
        cli = [sys.executable, "-m", "lotuspay_contract.conformance.cli"]
        argv = ["run", "--base-url", str(url), "--checks", "cus-shape-001,CUS-RT-001"]
        done = subprocess.run(
            [*cli, *argv, "--tier", "smoke", "--report-json", str(first)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode == 1, done.stdout + done.stderr
        rerun = [ln for ln in done.stdout.splitlines() if ln.startswith("rerun: ")]
        assert len(rerun) == 1, done.stdout
        line = rerun[0].removeprefix("rerun: ")
        assert KEY not in line
        assert '"$LOTUSPAY_API_KEY"' in line
        # The line as a person pastes it, with the CLI found the way this test found it.
        command = line.replace("lotuspay-contract", shlex.join(cli), 1)
        again = tmp_path / "again.json"
        shell = subprocess.run(
            ["sh", "-c", f"{command} --report-json {shlex.quote(str(again))}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
    assert shell.returncode == 1, shell.stdout + shell.stderr
    assert _verdicts(again) == _verdicts(first)
    assert _verdicts(first)["CUS-SHAPE-001"] == "failed"
