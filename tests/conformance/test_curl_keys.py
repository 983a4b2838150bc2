"""Issue 21: a finding's curl line says which configured key it used, as the environment
variable holding it, and shows a key a check made up to be refused as it was sent; pasted into
a shell with the keys exported, it sends the same request."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

import pytest
from suite_helpers import MOCK_KEYS, SECOND_KEY, SECRET_KEY, run_against

from lotuspay_contract.conformance.mock import running_mock


def _curls(faults: list[str], checks: list[str]) -> dict[str, list[str]]:
    with running_mock(api_keys=MOCK_KEYS, faults=faults) as url:
        result = run_against(url, checks)
    return {r.check.id: [f.request for f in r.findings if f.request] for r in result.results}


def test_each_key_is_named_by_its_variable_and_a_made_up_key_shown() -> None:
    curls = _curls(
        ["unauthorized_as_403", "accounts_shared", "created_string"],
        ["CUS-AUTH-002", "CUS-AUTH-003", "CUS-SHAPE-001", "CUS-RT-001"],
    )
    assert any("-u 'not-a-key:'" in c for c in curls["CUS-AUTH-002"]), curls["CUS-AUTH-002"]
    assert any('-u "$LOTUSPAY_SECOND_API_KEY:"' in c for c in curls["CUS-AUTH-003"])
    assert any('-u "$LOTUSPAY_API_KEY:"' in c for c in curls["CUS-SHAPE-001"])
    text = repr(curls)
    assert SECRET_KEY[8:] not in text
    assert SECOND_KEY[8:] not in text


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl executable")
def test_the_curl_line_pasted_into_a_shell_sends_the_same_request() -> None:
    with running_mock(api_keys=MOCK_KEYS, faults=["accounts_shared"]) as url:
        result = run_against(url, ["CUS-AUTH-003"])
        finding = next(f for r in result.results for f in r.findings if f.request)
        assert finding.request is not None
        line = finding.request + " -s -o /dev/null -w '%{http_code}' --max-time 10"
        env = {**os.environ, "LOTUSPAY_SECOND_API_KEY": SECOND_KEY}
        done = subprocess.run(
            ["sh", "-c", line], capture_output=True, text=True, timeout=30, env=env, check=False
        )
    assert shlex.split(finding.request)[0] == "curl"
    assert done.stdout == str(finding.status), done.stderr  # the same answer: the bug again
