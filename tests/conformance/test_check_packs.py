"""Custom checks: from a module outside the package and from an installed entry point.

Both packs run in ``lotuspay-contract run`` and in the pytest plugin, each in its own process (a
pack registers its checks in the process that loads it), and their findings reach the JSON,
JUnit and HTML reports with the key masked. The entry point is a bare ``*.dist-info`` folder on
``PYTHONPATH``: what ``pip install`` of a check pack leaves behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from suite_helpers import MOCK_KEYS, SECRET_KEY

from lotuspay_contract.conformance.mock import running_mock

EXAMPLE_PACK = Path(__file__).resolve().parents[2] / "examples" / "check_pack" / "acme_checks.py"

#: An installed pack's module: one check on its own [doc] rule, which fails on every answer.
_EP_MODULE = '''"""The EP pack: installed, found through its entry point."""
from lotuspay_contract.conformance import CheckContext, Exchange, Rule, response_check


@response_check("X-EP-001", "Every answer carries the X-EP header", Rule("ep.header", "doc"))
def check_ep_header(ctx: CheckContext, exchange: Exchange) -> None:
    ctx.expect("x-ep" in exchange.headers, "no X-EP header", exchange=exchange,
               pointer="/headers/x-ep", expected="present", actual=None, rule="ep.header")
'''


@pytest.fixture
def packs(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the example pack in tmp_path, an installed entry point pack, and the env."""
    shutil.copy(EXAMPLE_PACK, tmp_path / "acme_checks.py")
    site = tmp_path / "site"
    (site / "ep_pack-1.0.dist-info").mkdir(parents=True)
    (site / "ep_pack-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: ep-pack\nVersion: 1.0\n"
    )
    (site / "ep_pack-1.0.dist-info" / "entry_points.txt").write_text(
        "[lotuspay_contract.checks]\nep = ep_pack_checks\n"
    )
    (site / "ep_pack_checks.py").write_text(_EP_MODULE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    return tmp_path, env


def _assert_reports(folder: Path, junit: Path) -> None:
    """X-EP-001 fails (MUST, its own [doc] rule), X-ACME-001 passes; the key never shows."""
    for path in (folder / "report.html", junit, folder / "report.json"):
        text = path.read_text(encoding="utf-8")
        assert SECRET_KEY not in text, path
        assert "X-EP-001" in text, path
        assert "X-ACME-001" in text, path
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "ep.header [doc]" in html
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["X-ACME-001"]["status"] == "passed"
    clause = checks["X-ACME-001"]["clause"]
    assert clause == "customer.metadata [doc]; acme.required_metadata [conv]"
    assert checks["X-EP-001"]["status"] == "failed"
    assert checks["X-EP-001"]["family"] == "ep"
    assert checks["X-EP-001"]["level"] == "MUST"
    assert checks["X-EP-001"]["failures"][0]["pointer"] == "/headers/x-ep"


def test_packs_run_in_the_cli(packs: tuple[Path, dict[str, str]]) -> None:
    folder, env = packs
    result = subprocess.run(
        [sys.executable, "-m", "lotuspay_contract.conformance.cli", "run", "--tier", "smoke",
         "--api-key", SECRET_KEY, "--checks", "X-ACME-001,ep", "--checks-module", "acme_checks",
         "--report-json", "report.json", "--junitxml", "junit.xml",
         "--report-html", "report.html"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "FAIL   X-EP-001" in out
    assert "ok     X-ACME-001" in out
    assert SECRET_KEY not in out
    _assert_reports(folder, folder / "junit.xml")


def test_packs_run_in_the_plugin(
    packs: tuple[Path, dict[str, str]], pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, env = packs
    monkeypatch.setenv("PYTHONPATH", env["PYTHONPATH"])
    with running_mock(api_keys=MOCK_KEYS) as url:
        result = pytester.runpytest_subprocess(
            "-k", "X-ACME-001 or X-EP", "--lotuspay-url", str(url), "--lotuspay-key", SECRET_KEY,
            "--lotuspay-tier", "smoke", "--lotuspay-checks-module", str(folder / "acme_checks.py"),
            "--lotuspay-report-json", str(folder / "report.json"),
            "--lotuspay-report-html", str(folder / "report.html"),
            f"--junitxml={folder / 'plugin.xml'}",
            timeout=120,
        )  # fmt: skip
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*X-EP-001*no X-EP header*"])
    assert SECRET_KEY not in result.stdout.str()
    _assert_reports(folder, folder / "plugin.xml")


def test_a_broken_pack_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In-process: a check that cannot register leaves the registry as it was."""
    from lotuspay_contract.conformance.cli import main
    from lotuspay_contract.conformance.suite import all_checks

    before = all_checks()
    (tmp_path / "bad_pack.py").write_text(
        "from lotuspay_contract.conformance import scenario_check\n"
        "@scenario_check('CUS-BAD-001', 'x', 'customer.name')\n"
        "def check(ctx): pass\n"
    )
    assert main(["checks", "--checks-module", str(tmp_path / "bad_pack.py")]) == 2
    assert "X-<PACK>-NNN" in capsys.readouterr().err
    assert all_checks() == before
