"""``lotuspay-contract validate``: exit codes, output lines, JSON format, bad files, stdin."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lotuspay_contract import schemas
from lotuspay_contract.conformance.cli._main import main

VALID = schemas.load("customer")["examples"][0]


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_valid_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--schema", "customer", write(tmp_path, "c.json", VALID)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "1 document checked against customer: 0 violations\n"


def test_violations_exit_1_with_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad.json", {**VALID, "object": "cust", "livemode": "no"})
    assert main(["validate", "--schema", "customer", bad]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f'{bad}:/object: customer.object (MUST) "customer" was expected',
        f'{bad}:/livemode: customer.livemode (MUST) "no" is not of type "boolean"',
    ]


def test_strict_adds_should_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flat = write(tmp_path, "e.json", {"type": "api_error", "message": "x"})
    assert main(["validate", "--schema", "error", flat]) == 0
    assert main(["validate", "--schema", "error", "--strict", flat]) == 1
    out, _ = capsys.readouterr()
    assert out == f'{flat}:/error: error.envelope (SHOULD) "error" is a required property\n'


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.json", VALID)
    bad = write(tmp_path, "bad.json", {**VALID, "email": 5})
    assert main(["validate", "--schema", "customer", "--format", "json", good, bad]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report[0] == {"file": good, "valid": True, "violations": []}
    assert report[1]["valid"] is False
    assert report[1]["violations"][0]["rule"] == "customer.email"
    assert report[1]["violations"][0]["pointer"] == "/email"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "not JSON: Expecting property name enclosed in double quotes"),
        ('{"created": NaN}', "not JSON: NaN is not valid JSON"),
        (b"\xff\xfe", "cannot read"),
    ],
)
def test_unreadable_or_non_json_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, reason: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["validate", "--schema", "customer", str(path)]) == 2
    _, err = capsys.readouterr()
    assert f"lotuspay-contract validate: {path}: {reason}" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--schema", "customer", str(tmp_path / "absent.json")]) == 2
    assert "cannot read: No such file or directory" in capsys.readouterr().err


def test_bad_file_among_good_ones_still_checks_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad.json", {**VALID, "object": "x"})
    assert main(["validate", "--schema", "customer", bad, str(tmp_path / "absent.json")]) == 2
    out, _ = capsys.readouterr()
    assert "customer.object" in out


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"data": [], "object": "list"}'))
    )
    assert main(["validate", "--schema", "customer_list", "-"]) == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"data": 3}')))
    assert main(["validate", "--schema", "customer_list", "-"]) == 1
    assert capsys.readouterr().out.startswith("<stdin>:/data: customer_list.data (MUST)")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--schema", "customers", "x.json"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'customers'" in capsys.readouterr().err


def test_installed_console_script_runs() -> None:
    """The entry point from pyproject, as a user would call it."""
    script = shutil.which("lotuspay-contract", path=str(Path(sys.executable).parent))
    assert script, "the lotuspay-contract console script is not installed beside this Python"
    example = schemas.path("customer").parent / "examples" / "customer.json"
    result = subprocess.run(
        [script, "validate", "--schema", "customer", str(example)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [script, "validate", "--schema", "error", str(example)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "error.type" in result.stdout


def test_json_lines_are_judged_line_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [json.dumps(VALID), "", json.dumps({**VALID, "object": "x"})]
    path = write(tmp_path, "c.jsonl", "\n".join(lines) + "\n")
    assert main(["validate", "--schema", "customer", path]) == 1
    out, err = capsys.readouterr()
    assert out == f'{path}:3:/object: customer.object (MUST) "customer" was expected\n'
    assert err == "2 documents checked against customer: 1 violation\n"
    assert main(["validate", "--schema", "customer", "--format", "json", path]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(r["line"], r["valid"]) for r in report] == [(1, True), (3, False)]


def test_a_bad_json_line_is_named_by_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "c.jsonl", json.dumps(VALID) + "\n{oops\n")
    assert main(["validate", "--schema", "customer", path]) == 2
    assert f"{path}: line 2: not JSON: " in capsys.readouterr().err
