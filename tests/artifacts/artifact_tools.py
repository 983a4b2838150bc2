"""Shared pieces of the artifact tests: where the tools live and how they are run.

The Node tools (Spectral, Redocly CLI, Ajv) are pinned in tools/node/package-lock.json; the
first test that needs them runs ``npm ci --prefix tools/node`` (once, under a file lock, as
pytest-xdist workers may ask together), so the README's test command needs nothing else. A tool
that cannot be installed is a failure, not a skip: a skipped tool would prove nothing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
OPENAPI = SCHEMAS / "openapi.yaml"
NODE_DIR = ROOT / "tools" / "node"
AJV_CHECK = NODE_DIR / "ajv-check.mjs"
NPM_CI = "`npm ci --prefix tools/node` failed (see above); run it by hand to see why"

#: Quiet, offline-friendly tool runs: no telemetry, no update notices, no colours.
_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_COLOR": "1",
    "FORCE_COLOR": "0",
}


def node() -> str:
    """The ``node`` executable, with the tools installed beside the project; fail if missing."""
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not on PATH: install Node.js 20 or later", pytrace=False)
    _install_node_tools()
    return found


def _install_node_tools() -> None:
    """Install the pinned Node tools from the lock file unless they are there already."""
    marker = NODE_DIR / "node_modules" / ".package-lock.json"
    with (NODE_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if marker.is_file():
            return
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not on PATH: install Node.js 20 or later", pytrace=False)
        result = run(npm, "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", timeout=600)
        if result.returncode != 0 or not marker.is_file():
            pytest.fail(f"{NPM_CI}\n{shown(result)}", pytrace=False)


def node_bin(name: str) -> Path:
    """An executable of tools/node/node_modules/.bin; fail with the install command if missing."""
    node()
    path = NODE_DIR / "node_modules" / ".bin" / name
    if not path.exists():
        pytest.fail(f"tools/node/node_modules/.bin/{name} is missing: {NPM_CI}", pytrace=False)
    return path


def run(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a tool from the project root; return its exit code and output, never raise on them."""
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **_ENV},
        check=False,
    )


def shown(result: subprocess.CompletedProcess[str]) -> str:
    """The whole of a run, for an assertion message."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
