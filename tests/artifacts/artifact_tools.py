"""Shared pieces of the artifact tests: where the tools live and how they are run.

The Node tools (Spectral, Redocly CLI, Ajv) are pinned in tools/node/package-lock.json and
installed by ``npm ci --prefix tools/node``; CI does that before pytest. A missing install is a
failure, not a skip: a skipped tool would prove nothing.
"""

from __future__ import annotations

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
NPM_CI = "run `npm ci --prefix tools/node` (CI does, in .ci/run)"

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
    if not (NODE_DIR / "node_modules").is_dir():
        pytest.fail(f"tools/node/node_modules is missing: {NPM_CI}", pytrace=False)
    return found


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
