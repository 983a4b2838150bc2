"""What installing the toolkit costs another repo's ``pytest --co -q`` (issue 17: under 300 ms).

Builds two virtual environments in a temporary folder: one with pytest alone, one with this
project installed the way the README tells a fixture-only user (``pip install <repo>``: no
``[fuzz]`` extra, so no schemathesis plugin). In each, times ``pytest --co -q`` on a project of
one trivial test (median of ``--runs``) and prints the difference. ``--extras fuzz`` measures
the main job's install instead; ``--keep DIR`` reuses the venvs between runs.

    python bench/install_cost.py --runs 15
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = "def test_one():\n    assert 1 + 1 == 2\n"


def make_venv(where: Path, *requirements: str) -> Path:
    """A venv at ``where`` with ``requirements`` installed (skipped when it already exists)."""
    python = where / "bin" / "python"
    if not python.exists():
        venv.create(where, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *requirements], check=True)
    return python


def time_collection(python: Path, project: Path, runs: int) -> float:
    """Median wall time, in seconds, of ``pytest --co -q`` in ``project``."""
    argv = [str(python), "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"]
    subprocess.run(argv, cwd=project, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=project, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per venv (median)")
    parser.add_argument("--extras", default="", help="extras to install, e.g. fuzz")
    parser.add_argument("--keep", type=Path, help="keep the venvs in this folder and reuse them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="lotuspay-install-cost-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        project = work / "other_repo"
        project.mkdir(exist_ok=True)
        (project / "test_trivial.py").write_text(TRIVIAL, encoding="utf-8")
        pytest_version = subprocess.run(
            [sys.executable, "-c", "import pytest; print(pytest.__version__)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        bare = make_venv(work / "bare", f"pytest=={pytest_version}")
        target = f"{ROOT}[{args.extras}]" if args.extras else str(ROOT)
        name = "with-" + (args.extras or "default")
        ours = make_venv(work / name, f"pytest=={pytest_version}", target)
        base = time_collection(bare, project, args.runs)
        with_us = time_collection(ours, project, args.runs)
        print(f"pytest --co -q, median of {args.runs}: pytest alone {base * 1000:.0f} ms; ")
        print(f"with lotuspay-contract{f'[{args.extras}]' if args.extras else ''}: ", end="")
        print(f"{with_us * 1000:.0f} ms; added {(with_us - base) * 1000:.0f} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
