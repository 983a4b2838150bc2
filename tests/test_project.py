"""The project's promises about itself: layout, README commands, CI, facades."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lotuspay_contract import conformance, schemas

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README must open with a sh code block of two commands"
    assert text.index(block.group(0)) < 100, "the commands must be the README's first lines"
    return block.group(1).strip().splitlines()


def test_readme_opens_with_two_commands() -> None:
    main, tests = readme_commands()
    # The main job installs the fuzz extra (schemathesis), so its fuzz phase runs.
    assert main.startswith("pip install '.[fuzz]' && lotuspay-contract ")
    assert tests.startswith("pip install -e '.[test]' && ")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    _, tests = readme_commands()
    assert tests in ci
    assert "ruff check ." in ci
    assert "ruff format --check ." in ci
    assert "mypy" in ci
    assert any(line.strip().startswith("nox ") for line in ci), "the Python matrix runs in CI"
    # Lint, format and types first: seconds, where the suite takes minutes.
    first = max(ci.index(line) for line in ("ruff check .", "ruff format --check .", "mypy"))
    assert first < ci.index(tests)


def test_top_level_layout() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    if not tracked:  # not a git checkout (an sdist): nothing to compare
        return
    top = {path.split("/", 1)[0] for path in tracked}
    allowed = {
        "pyproject.toml",
        "lotuspay_contract",  # the one import name's facade; package-dir maps the layers into it
        "schemas",
        "strategies",
        "conformance",
        "tests",
        "README.md",
        "bench",
        ".ci",
        "examples",  # issue 5: a workflow and a test file for other repos
        "noxfile.py",  # issue 10: the Python matrix
        "docs",  # issue 10: the contract, in the repository
        "tools",  # issue 10: pinned Node tools (Spectral, Redocly, Ajv)
        "LICENSE",  # issue 17: the MIT licence pyproject names, in the sdist and the wheel
        "MANIFEST.in",  # issue 17: what the sdist holds beyond the packages
        "setup.py",  # issue 17: the package list under the one import name, found, not typed
    }
    assert {t for t in top if not t.startswith(".") or t == ".ci"} <= allowed


def test_console_script_and_plugin_entry_points() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"lotuspay-contract": "lotuspay_contract.conformance.cli:main"}
    assert project["entry-points"]["pytest11"] == {
        "lotuspay": "lotuspay_contract.conformance.plugin"
    }


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
            "CheckContext",
            "CheckFailure",
            "CheckPackError",
            "CheckResult",
            "Exchange",
            "Level",
            "LotusPayClient",
            "Rule",
            "RunResult",
            "RunSettings",
            "TargetUnreachable",
            "Violation",
            "all_checks",
            "get_check",
            "load_checks",
            "mask_key",
            "redact",
            "response_check",
            "run_suite",
            "scenario_check",
            "select_checks",
            "validate",
        ]
    )
    for name in conformance.__all__:
        assert getattr(conformance, name) is not None, name


def test_loading_the_plugin_stays_light() -> None:
    """pytest imports the plugin in every run of every repo that installs us."""
    heavy = (
        "httpx",
        "starlette",
        "schemathesis",
        "lotuspay_contract.conformance.mock",
        "lotuspay_contract.conformance.suite",
    )
    code = (
        "import sys, lotuspay_contract.conformance.plugin; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_slow_tests_are_marked_by_what_they_start(pytester: pytest.Pytester) -> None:
    """tests/conftest.py reads fixtures and code: a helper starting a process marks its caller."""
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makeini(
        "[pytest]\nmarkers =\n    slow\n    server\n    subprocess\n    pytester\n    browser\n"
    )
    pytester.makepyfile(
        test_kinds="""
        import subprocess
        import sys

        import pytest


        def start_a_process():
            subprocess.run([sys.executable, "-c", "pass"], check=True)


        def test_pure():
            assert 1 + 1 == 2


        def test_through_a_helper():
            start_a_process()


        def test_pytester(pytester):
            assert pytester


        @pytest.mark.server
        def test_marked_by_hand():
            pass
        """
    )
    result = pytester.runpytest("-m", "not slow", "-p", "no:randomly", "-q")
    result.assert_outcomes(passed=1, deselected=3)
    marked = pytester.runpytest("-m", "subprocess", "-q", "--co")
    marked.stdout.fnmatch_lines(["*test_through_a_helper*"])
    assert "test_pure" not in marked.stdout.str()
