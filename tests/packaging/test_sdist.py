"""Packaging without links (issue 17): what a checkout without symlinks builds, and the sdist.

The repository is cloned with ``core.symlinks=false`` (the Windows default), as a user's
``pip install git+…`` would get it. From that clone: a wheel built from the tree, an sdist, and a
wheel built from the sdist. The two wheels carry the same files with the same bytes; the sdist
holds the contract document and the licence and no test file; the wheel from the clone installs
into a fresh venv whose ``lotuspay-contract run --tier smoke`` passes.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_TIMEOUT = 600  # building runs pip in isolated environments: slow on a loaded 2-core machine


def _run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=_TIMEOUT
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed tree, checked out the way a checkout without symlinks has it."""
    where = tmp_path_factory.mktemp("clone") / "lotuspay-contract"
    _run("git", "-c", "core.symlinks=false", "clone", "-q", "--no-hardlinks", ROOT, where)
    return where


@pytest.fixture(scope="module")
def built(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, the wheel built from it (``build``'s default), and a wheel from the tree."""
    from_sdist, from_tree = tmp_path_factory.mktemp("sdist"), tmp_path_factory.mktemp("tree")
    _run(sys.executable, "-m", "build", "--outdir", from_sdist, clone)
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", from_tree, clone)
    (sdist,) = from_sdist.glob("lotuspay_contract-*.tar.gz")
    (wheel_from_sdist,) = from_sdist.glob("lotuspay_contract-*.whl")
    (wheel_from_tree,) = from_tree.glob("lotuspay_contract-*.whl")
    return {"sdist": sdist, "from_sdist": wheel_from_sdist, "from_tree": wheel_from_tree}


def _record(wheel: Path) -> dict[str, str]:
    """Each file of the wheel and its hash, from its RECORD (the RECORD line itself aside)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")]
        rows = csv.reader(io.StringIO(archive.read(name).decode()))
        return {row[0]: row[1] for row in rows if row[0] != name}


def test_the_checkout_has_no_symlink() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    if not tracked:  # not a git checkout
        pytest.skip("not a git checkout")
    assert [line for line in tracked.splitlines() if line.startswith("120000")] == []


def test_wheels_from_the_tree_and_from_the_sdist_are_the_same(
    built: dict[str, Path], clone: Path
) -> None:
    from_tree, from_sdist = _record(built["from_tree"]), _record(built["from_sdist"])
    assert sorted(from_sdist) == sorted(from_tree)
    assert from_sdist == from_tree  # same bytes too
    # Every module of every layer folder, under the one import name (setup.py finds them).
    layers = [
        p
        for layer in ("schemas", "strategies", "conformance")
        for p in clone.glob(f"{layer}/**/*.py")
    ]
    expected = {f"lotuspay_contract/{p.relative_to(clone).as_posix()}" for p in layers}
    assert expected <= set(from_tree), sorted(expected - set(from_tree))
    assert "lotuspay_contract/__init__.py" in from_tree
    assert "lotuspay_contract/schemas/openapi.yaml" in from_tree
    assert not [n for n in from_tree if n.endswith(".pyi")], "the mypy stubs stay in the repo"


def test_the_sdist_holds_what_a_user_needs_and_no_partial_tests(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("docs/contract.md", "LICENSE", "README.md", "pyproject.toml"):
        assert needed in names
    assert "examples/lotuspay-conformance.yml" in names  # the README points users at it
    assert "conformance/mock/_protocol.py" in names
    assert not [n for n in names if n.startswith("tests/")], "tests: whole or not at all"


def test_the_wheel_from_a_linkless_clone_installs_and_passes_the_smoke_run(
    built: dict[str, Path], tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    # The dependencies come from this venv (a path line in a .pth file: offline and quick); its
    # editable finder does not, as .pth files in a directory added that way are not processed.
    purelib = Path(site.stdout.strip())
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", built["from_tree"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LOTUSPAY"))}
    result = subprocess.run(
        [env_dir / "bin" / "lotuspay-contract", "run", "--tier", "smoke", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    code = "import lotuspay_contract.conformance as c; print(c.__file__)"
    where = _run(python, "-c", code, cwd=tmp_path)  # not the repository: its facade folder
    assert where.stdout.startswith(str(purelib)), where.stdout
