"""The Python matrix (issue 10): every supported interpreter installs, imports and runs.

CI's ``.ci/run`` runs the full suite on Python 3.11 (the README's test command); this file adds,
for 3.10, 3.12 and 3.13, a real install from the project's files in a fresh venv, the
one-import-name project of tests/packaging with the plugin's fixtures, and a smoke run of the
suite against the embedded mock. ``nox -s smoke`` runs them all; ``nox -s smoke-3.12`` one.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).resolve().parent
SMOKE_PYTHONS = ["3.10", "3.12", "3.13"]


@nox.session(python=SMOKE_PYTHONS)
def smoke(session: nox.Session) -> None:
    """Install from the project's files, use the one import name, run the smoke tier."""
    session.install(f"{ROOT}[fuzz]")  # the README's main job: the fuzz phase included
    # Outside the repository: pytest would take the repository's pyproject.toml as its config.
    work = Path(tempfile.mkdtemp(prefix="lotuspay-other-project-")) / "other_project"
    shutil.copytree(ROOT / "tests" / "packaging" / "other_project", work)
    session.chdir(str(work))
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    # A fixed seed: the matrix checks installs and interpreters, the same run on each; the
    # findings print in full if one fails.
    session.run("lotuspay-contract", "run", "--tier", "smoke", "--seed", "1")
    shutil.rmtree(work.parent, ignore_errors=True)
