"""The project's promises about itself: layout, README commands, CI, facades."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import conformance
import schemas

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README must open with a sh code block of two commands"
    assert text.index(block.group(0)) < 100, "the commands must be the README's first lines"
    return block.group(1).strip().splitlines()


def test_readme_opens_with_two_commands() -> None:
    main, tests = readme_commands()
    assert main.startswith("pip install . && lotuspay-contract ")
    assert tests.startswith("pip install -e '.[test]' && ")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    _, tests = readme_commands()
    assert tests in ci
    assert "ruff check ." in ci
    assert "mypy" in ci


def test_top_level_layout() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    if not tracked:  # not a git checkout (an sdist): nothing to compare
        return
    top = {path.split("/", 1)[0] for path in tracked}
    allowed = {
        "pyproject.toml",
        "schemas",
        "strategies",
        "conformance",
        "tests",
        "README.md",
        "bench",
        ".ci",
        "examples",  # issue 5: a workflow and a test file for other repos
        "tools",  # issue 10: the pinned Node tools tests/artifacts runs (tools/node)
    }
    assert {t for t in top if not t.startswith(".") or t == ".ci"} <= allowed


def test_console_script_and_plugin_entry_points() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"lotuspay-contract": "conformance.cli:main"}
    assert project["entry-points"]["pytest11"] == {"lotuspay": "conformance.plugin"}


def test_schemas_facade() -> None:
    assert sorted(schemas.__all__) == sorted(
        [
            "BASE_URI",
            "NAMES",
            "load",
            "load_openapi",
            "openapi_path",
            "path",
            "resources_for_registry",
            "uri",
        ]
    )
    for name in schemas.__all__:
        assert hasattr(schemas, name)


def test_conformance_facade() -> None:
    assert sorted(conformance.__all__) == sorted(
        [
            "Check",
            "CheckFailure",
            "CheckResult",
            "Level",
            "LotusPayClient",
            "RunResult",
            "RunSettings",
            "TargetUnreachable",
            "Violation",
            "all_checks",
            "get_check",
            "mask_key",
            "redact",
            "run_suite",
            "select_checks",
            "validate",
        ]
    )
    for name in conformance.__all__:
        assert getattr(conformance, name) is not None, name


def test_loading_the_plugin_stays_light() -> None:
    """pytest imports the plugin in every run of every repo that installs us."""
    code = "import sys, conformance.plugin; print(sorted(m for m in ('httpx', 'starlette', 'conformance.mock', 'conformance.checks', 'schemathesis') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_imports_go_one_way() -> None:
    """schemas (data) <- strategies <- conformance: no import against the flow."""
    forbidden = {"schemas": ("strategies", "conformance"), "strategies": ("conformance",)}
    for package, banned in forbidden.items():
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for other in banned:
                assert not re.search(rf"^\s*(from|import) {other}\b", text, re.M), (
                    f"{path} imports {other}"
                )
