"""``lotuspay-contract triggers`` lists every trigger; ``mock --triggers`` serves them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx
import pytest

from lotuspay_contract.conformance.cli._main import main
from lotuspay_contract.conformance.mock import TRIGGER_DOMAIN, TRIGGERS


def test_the_list_names_every_trigger(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triggers"]) == 0
    out = capsys.readouterr().out
    for name in TRIGGERS:
        assert f"{name}@{TRIGGER_DOMAIN}" in out
    assert "+once" in out


def test_the_json_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triggers", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in rows] == list(TRIGGERS)
    assert rows[0]["metadata"] == {"lotuspay_contract_trigger": "invalid_param"}


@pytest.mark.parametrize(("flag", "status"), [(["--triggers"], 500), ([], 200)])
def test_mock_serves_triggers_only_when_asked(flag: list[str], status: int) -> None:
    command = [sys.executable, "-m", "lotuspay_contract.conformance.cli", "mock", "--port", "0"]
    command += ["--api-key", "sk_test_TriGGerCli0123456789", *flag]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        response = httpx.post(
            f"{url}/v1/customers",
            json={"email": f"server_error@{TRIGGER_DOMAIN}"},
            auth=("sk_test_TriGGerCli0123456789", ""),
            timeout=10,
        )
        assert response.status_code == status
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)  # waits, and closes the pipe
