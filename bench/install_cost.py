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
import resource
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


def _one_run(argv: list[str], project: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, of the child) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=project, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_collections(
    pythons: dict[str, Path], project: Path, runs: int, pytest_args: list[str]
) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of ``pytest --co -q`` in ``project``, per venv.

    The venvs take turns run after run, so a change in the machine's load falls on all alike;
    CPU time is reported beside wall time because a shared machine inflates the wall clock.
    """
    argvs = {
        name: [str(python), "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", *pytest_args]
        for name, python in pythons.items()
    }
    for argv in argvs.values():
        _one_run(argv, project)  # warm the file cache
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in argvs}
    for _ in range(runs):
        for name, argv in argvs.items():
            samples[name].append(_one_run(argv, project))
    return {
        name: (
            statistics.median(wall for wall, _ in values),
            statistics.median(cpu for _, cpu in values),
        )
        for name, values in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per venv (median)")
    parser.add_argument("--extras", default="", help="extras to install, e.g. fuzz")
    parser.add_argument("--keep", type=Path, help="keep the venvs in this folder and reuse them")
    parser.add_argument(
        "--pytest-args", default="", help="added to both runs, e.g. '-p no:hypothesispytest'"
    )
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
        extra = args.pytest_args.split()
        times = time_collections({"bare": bare, "ours": ours}, project, args.runs, extra)
        (base_wall, base_cpu), (our_wall, our_cpu) = times["bare"], times["ours"]
        label = f"lotuspay-contract{f'[{args.extras}]' if args.extras else ''}"
        print(f"pytest --co -q {args.pytest_args}".rstrip() + f", median of {args.runs} runs:")
        print(f"  pytest alone: wall {base_wall * 1000:.0f} ms, cpu {base_cpu * 1000:.0f} ms")
        print(f"  with {label}: wall {our_wall * 1000:.0f} ms, cpu {our_cpu * 1000:.0f} ms")
        print(
            f"  added: wall {(our_wall - base_wall) * 1000:.0f} ms, "
            f"cpu {(our_cpu - base_cpu) * 1000:.0f} ms"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
