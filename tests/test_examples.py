"""The examples/ folder stays true: its commands parse with today's CLI, its test file passes."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from lotuspay_contract.conformance.cli._main import build_parser
from lotuspay_contract.conformance.suite import select_checks

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _workflow_commands() -> list[str]:
    workflow: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "lotuspay-conformance.yml").read_text(encoding="utf-8")
    )
    return [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "lotuspay-contract " in step.get("run", "")
    ]


def test_workflow_runs_the_suite_against_mock_and_server() -> None:
    commands = _workflow_commands()
    assert len(commands) == 2
    assert any("--base-url" not in c for c in commands), "one job runs against the embedded mock"
    assert any('--base-url "$LOTUSPAY_BASE_URL"' in c for c in commands)
    for command in commands:
        assert "--junitxml" in command
        assert "--report-html" in command


@pytest.mark.parametrize("command", _workflow_commands())
def test_workflow_commands_parse_with_the_real_cli(command: str) -> None:
    argv = shlex.split(
        command.replace('"$LOTUSPAY_BASE_URL"', "https://example.test").replace(
            '"$GITHUB_RUN_NUMBER"', "7"
        )
    )
    assert argv[0] == "lotuspay-contract"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "run"


def _job_steps(job: str) -> list[str]:
    workflow: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "lotuspay-conformance.yml").read_text(encoding="utf-8")
    )
    return [step["run"] for step in workflow["jobs"][job]["steps"] if "run" in step]


def test_workflow_installs_from_a_source_the_user_fills_in() -> None:
    workflow = yaml.safe_load((EXAMPLES / "lotuspay-conformance.yml").read_text(encoding="utf-8"))
    assert "YOUR-ORG" in workflow["env"]["LOTUSPAY_CONTRACT_SOURCE"]
    for job in workflow["jobs"]:
        installs = [s for s in _job_steps(job) if s.startswith("pip install")]
        assert installs == ['pip install "$LOTUSPAY_CONTRACT_SOURCE"'], job


def test_the_mock_job_runs_and_writes_its_reports(tmp_path: Path) -> None:
    """Run the mock job's commands as the runner would (the package is installed already)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    for command in _job_steps("mock"):
        if command.startswith("pip install"):
            continue  # this checkout is installed; the install line is checked above
        _run_step(command, tmp_path, env)
    for report in ("junit.xml", "report.html", "run.json"):
        assert (tmp_path / "reports" / report).stat().st_size > 0, report


def test_workflow_never_puts_the_key_on_a_command_line() -> None:
    for command in _workflow_commands():
        assert "--api-key" not in command, (
            "the key comes from the LOTUSPAY_API_KEY environment variable"
        )


def test_the_other_repo_test_file_passes() -> None:
    """Run examples/test_other_repo.py as its own pytest session, as another repo would."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(EXAMPLES / "test_other_repo.py"),
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=EXAMPLES,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout


SHARDED = EXAMPLES / "lotuspay-conformance-shards.yml"


def _sharded_workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SHARDED.read_text(encoding="utf-8"))
    return loaded


def _run_step(command: str, cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}{result.stderr[-2000:]}"


def test_the_sharded_workflow_runs_its_shards_and_merges_them(tmp_path: Path) -> None:
    """Run each shard's mock step as the matrix would, hand the reports over as the artifacts
    would, then run the merge job's steps: one report of every check, a passing verdict."""
    workflow = _sharded_workflow()
    shard_job, merge_job = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert len(shards) > 1
    assert merge_job["needs"] == "shard"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # The smoke tier keeps the test cheap; the seed is what GitHub gives every job of a run.
    env |= {"LOTUSPAY_TIER": "smoke", "GITHUB_RUN_ID": "7"}
    env.pop("LOTUSPAY_BASE_URL", None)
    mock_steps = [
        s["run"]
        for s in shard_job["steps"]
        if "run" in s and not s["run"].startswith("pip install") and "!=" not in s.get("if", "")
    ]
    assert any("--shard" in s and "--seed" in s for s in mock_steps)
    for shard in shards:
        workdir = tmp_path / f"job-{shard}"
        workdir.mkdir()
        for command in mock_steps:
            _run_step(command.replace("${{ matrix.shard }}", str(shard)), workdir, env)
    merge_dir = tmp_path / "merge"
    (merge_dir / "shards").mkdir(parents=True)
    for shard in shards:  # download-artifact with merge-multiple: every shard's files together
        name = f"shard-{shard}.json"
        (merge_dir / "shards" / name).write_bytes(
            (tmp_path / f"job-{shard}/reports" / name).read_bytes()
        )
    for step in merge_job["steps"]:
        if "run" in step and not step["run"].startswith("pip install"):
            _run_step(step["run"], merge_dir, env)
    merged = json.loads((merge_dir / "reports/run.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in merged["checks"]] == [c.id for c in select_checks(None, "smoke")]
    assert merged["verdict"] == "pass"
    for report in ("junit.xml", "report.html"):
        assert (merge_dir / "reports" / report).stat().st_size > 0, report


def test_the_sharded_workflow_commands_parse_with_the_real_cli() -> None:
    workflow = _sharded_workflow()
    commands = [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "lotuspay-contract " in step.get("run", "")
    ]
    assert len(commands) == 3
    for command in commands:
        argv = shlex.split(
            command.replace("${{ matrix.shard }}", "2")
            .replace('"$LOTUSPAY_BASE_URL"', "https://example.test")
            .replace('"$LOTUSPAY_TIER"', "standard")
            .replace('"$GITHUB_RUN_ID"', "7")
            .replace("shards/shard-*.json", "shards/shard-1.json shards/shard-2.json")
        )
        args = build_parser().parse_args(argv[1:])
        assert args.command in ("run", "report")
        assert "--api-key" not in command


NIGHTLY = EXAMPLES / "lotuspay-nightly.yml"


def _nightly_steps() -> list[dict[str, Any]]:
    workflow: dict[str, Any] = yaml.safe_load(NIGHTLY.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "schedule" in triggers
    steps: list[dict[str, Any]] = workflow["jobs"]["nightly"]["steps"]
    return steps


def test_the_nightly_workflow_keeps_downloads_and_compares_its_reports() -> None:
    steps = _nightly_steps()
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert [s["with"]["name"] for s in uploads] == ["lotuspay-nightly"]
    downloads = [s["run"] for s in steps if "gh run download" in s.get("run", "")]
    assert len(downloads) == 1
    assert "--name lotuspay-nightly" in downloads[0]
    commands = [s["run"] for s in steps if "lotuspay-contract " in s.get("run", "")]
    assert any("--baseline" in c and "--report-markdown" in c for c in commands)
    assert any("report compare previous/run.json reports/run.json" in c for c in commands)
    assert all("--api-key" not in c for c in commands)


def _night(workdir: Path, env: dict[str, str], quirks: tuple[str, ...]) -> str:
    """One night as the runner would: the workflow's steps but the install and the download
    (the previous night's artifact is handed over by the caller); returns the step summary."""
    from lotuspay_contract.conformance.mock import running_mock

    summary, output = workdir / "step-summary.md", workdir / "github-output"
    with running_mock(quirks=quirks) as url:
        night = env | {
            "LOTUSPAY_BASE_URL": str(url),
            "LOTUSPAY_API_KEY": url.api_keys[0],
            "LOTUSPAY_SECOND_API_KEY": url.api_keys[1],
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
        }
        for step in _nightly_steps():
            command = step.get("run", "")
            if not command or command.startswith("pip install") or "gh run" in command:
                continue
            if "steps.run.outputs.status" in command:  # the verdict step, as Actions fills it
                status = output.read_text(encoding="utf-8").split("status=")[-1].strip()
                command = command.replace("${{ steps.run.outputs.status }}", status)
            _run_step(command, workdir, night)
    return summary.read_text(encoding="utf-8")


def test_the_nightly_workflow_runs_two_nights_against_the_mock(tmp_path: Path) -> None:
    """Night 1 against the clean mock; night 2 against one that adds properties, with night 1's
    report as the downloaded artifact: both summaries are written, the new properties listed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LOTUSPAY_"))}
    env |= {"LOTUSPAY_TIER": "smoke", "GITHUB_RUN_NUMBER": "7", "GITHUB_REPOSITORY": "o/r"}
    env |= {"LOTUSPAY_BASELINE": ".github/lotuspay-baseline.json"}
    nights = []
    for n in (1, 2):
        workdir = tmp_path / f"night-{n}"
        (workdir / ".github").mkdir(parents=True)
        (workdir / ".github/lotuspay-baseline.json").write_bytes(
            (EXAMPLES / "lotuspay-baseline.json").read_bytes()
        )
        nights.append(workdir)
    first = _night(nights[0], env, ())
    assert "## LotusPay contract: ✅ pass" in first
    assert "No previous night's report to compare with." in first
    (nights[1] / "previous").mkdir()
    (nights[1] / "previous/run.json").write_bytes((nights[0] / "reports/run.json").read_bytes())
    second = _night(nights[1], env, ("extra_properties",))
    assert "## LotusPay contract: ✅ pass" in second
    assert "## LotusPay contract: what changed (no new failure)" in second
    assert "- **new** property `/x_region` of `customer`" in second
    for report in ("run.json", "report.html", "junit.xml", "summary.md", "changes.html"):
        assert (nights[1] / "reports" / report).stat().st_size > 0, report
