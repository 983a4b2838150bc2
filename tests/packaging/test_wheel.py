"""One import name, from a built wheel in a fresh venv, beside a project's own look-alikes.

Issue 10: the wheel and the editable install add exactly one top-level import package,
``lotuspay_contract``, and a project whose root has its own ``schemas.py``, ``strategies.py``
and ``conformance.py`` uses our validator, strategies and plugin fixtures without a collision.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OTHER_PROJECT = Path(__file__).resolve().parent / "other_project"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("lotuspay_contract-*.whl")
    return built


def test_the_wheel_adds_one_import_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"lotuspay_contract"}
    for data in (
        "lotuspay_contract/schemas/customer.json",
        "lotuspay_contract/schemas/strict/customer.json",
        "lotuspay_contract/schemas/openapi.yaml",
        "lotuspay_contract/conformance/report/templates/report.html.j2",
        "lotuspay_contract/conformance/diff/templates/diff.html.j2",
        "lotuspay_contract/conformance/diff/templates/diff.css",
        "lotuspay_contract/py.typed",
    ):
        assert data in names


def test_the_editable_install_adds_one_import_name(tmp_path: Path) -> None:
    """Outside the repository, only ``lotuspay_contract`` resolves (CI installs with -e)."""
    code = (
        "import importlib.util as u; "
        "print([n for n in ('schemas', 'strategies', 'conformance', 'lotuspay_contract') "
        "if u.find_spec(n)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "['lotuspay_contract']", out.stderr
    assert importlib.util.find_spec("lotuspay_contract") is not None


def test_a_project_with_its_own_lookalikes_uses_the_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    )
    # The fresh venv sees this venv's third-party packages (a .pth path line), but not its
    # editable finder: .pth files in a directory added that way are not processed.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # installing a pure wheel is unpacking it into site-packages
    project = tmp_path / "project"
    shutil.copytree(OTHER_PROJECT, project)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "5 passed" in result.stdout
    where = subprocess.run(
        [str(python), "-c", "import lotuspay_contract; print(lotuspay_contract.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert where.startswith(str(site)), where
