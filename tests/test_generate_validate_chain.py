"""Issue 21: ``generate --kind K | validate --schema S -`` chains, through the installed script
and a real pipe, for every kind that generates valid documents."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lotuspay_contract.conformance.cli._generate import KINDS, SCHEMA_OF_KIND

SCRIPT = shutil.which("lotuspay-contract", path=str(Path(sys.executable).parent))


def test_every_kind_says_what_schema_it_conforms_to() -> None:
    assert set(SCHEMA_OF_KIND) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(k for k, s in SCHEMA_OF_KIND.items() if s))
def test_generate_piped_into_validate_exits_0(kind: str) -> None:
    assert SCRIPT, "the lotuspay-contract console script is not installed beside this Python"
    schema = SCHEMA_OF_KIND[kind]
    assert schema is not None
    generate = subprocess.Popen(
        [SCRIPT, "generate", "--kind", kind, "--count", "50", "--seed", "1"],
        stdout=subprocess.PIPE,
    )
    validate = subprocess.run(
        [SCRIPT, "validate", "--schema", schema, "-"],
        stdin=generate.stdout,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert generate.stdout is not None
    generate.stdout.close()
    assert generate.wait(timeout=120) == 0
    assert validate.returncode == 0, validate.stdout[:2000] + validate.stderr
    assert validate.stderr == f"50 documents checked against {schema}: 0 violations\n"


def test_invalid_customers_piped_into_validate_exit_1() -> None:
    """The chain can fail: the invalid kind breaks the customer schema on every line."""
    assert SCRIPT
    generate = subprocess.run(
        [SCRIPT, "generate", "--kind", "invalid_customer", "--count", "5", "--seed", "1"],
        capture_output=True,
        timeout=120,
        check=True,
    )
    validate = subprocess.run(
        [SCRIPT, "validate", "--schema", "customer", "-"],
        input=generate.stdout,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert validate.returncode == 1
    assert validate.stdout.decode().startswith("<stdin>:1:/")
