"""Running against a real server without surprises: pacing, operation selection, usage errors
before any request, the plugin exiting like the CLI, and -q."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import httpx
import pytest
from suite_helpers import SECRET_KEY

from lotuspay_contract.conformance.cli import main
from lotuspay_contract.conformance.client import LotusPayClient, RateLimit, _rate
from lotuspay_contract.conformance.suite import select_checks

# Nothing listens on the discard port: a run that got as far as a request would say
# "target unreachable", so a usage error naming something else came before any request.
_NOWHERE = "http://127.0.0.1:9"


class _Clock:
    """A fake clock for the pacer: sleeping moves time, nothing waits."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += max(0.0, seconds)


def test_rate_limit_spaces_every_start_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(_rate.time, "monotonic", clock.monotonic)
    pacer = RateLimit(4.0)
    slots: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(25):
            wait = pacer.reserve()
            with lock:
                slots.append(clock.now + wait)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slots.sort()
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert len(slots) == 100
    assert min(gaps) == pytest.approx(0.25)


def test_rate_limit_counts_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[int] = []
    monkeypatch.setattr(RateLimit, "wait", lambda self, time_left=None: waits.append(1))

    def always_429(request: httpx.Request) -> httpx.Response:
        error = {"error": {"type": "rate_limit_error"}}
        return httpx.Response(429, json=error, headers={"Retry-After": "0"})

    client = LotusPayClient(
        "http://127.0.0.1:9",
        SECRET_KEY,
        transport=httpx.MockTransport(always_429),
        rate_limit=RateLimit(1000.0),
    )
    try:
        exchange = client.request("GET", "/v1/customers")
    finally:
        client.close()
    assert exchange.status == 429
    assert exchange.attempts == 3
    assert len(waits) == 3


def test_a_paced_run_still_judges(tmp_path: Path) -> None:
    code = main(["run", "--checks", "CUS-ERR-001", "--rate-limit", "200", "-q", "--seed", "1"])
    assert code == 0


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf"])
def test_rate_limit_must_be_positive(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--base-url", _NOWHERE, "--api-key", SECRET_KEY, "--rate-limit", value])
    assert code == 2
    assert "requests per second" in capsys.readouterr().err


def test_operations_select_the_checks_that_exercise_them() -> None:
    chosen = {c.id for c in select_checks(None, "smoke", ["listBankAccounts"])}
    assert {"CUS-SHAPE-004", "CUS-BANK-006", "CUS-HTTP-001"} <= chosen
    assert not chosen & {"CUS-LIST-001", "CUS-SHAPE-001", "CUS-RT-001"}
    both = {c.id for c in select_checks(["shape"], "smoke", ["listCustomers"])}
    assert both == {"CUS-SHAPE-002", "CUS-SHAPE-005"}


def test_unknown_operation_is_a_usage_error_listing_the_known(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--operations", "listCustomers,deleteCustomer"]) == 2
    err = capsys.readouterr().err
    assert "deleteCustomer" in err
    assert "createBankAccount" in err
    assert "retrieveCustomer" in err


@pytest.mark.parametrize("url", [f"{_NOWHERE}/v1", f"{_NOWHERE}/v1/"])
def test_base_url_with_v1_is_a_usage_error(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--base-url", url, "--api-key", SECRET_KEY]) == 2
    assert "drop /v1" in capsys.readouterr().err


@pytest.mark.parametrize("key", [" sk_live_abc123", "sk_test_abc\n", "sk_test_", "pk_test_1"])
def test_a_key_not_shaped_like_a_secret_key_is_refused_untrimmed(
    key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--base-url", _NOWHERE, "--api-key", key])
    assert code == 2
    err = capsys.readouterr().err
    assert "must start with sk_test_ or sk_live_" in err
    assert "unreachable" not in err


@pytest.mark.parametrize("option", ["--report-json", "--report-html", "--junitxml"])
@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_unwritable_report_paths_are_usage_errors_before_any_request(
    tmp_path: Path, option: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing" / "report.out" if where == "missing folder" else tmp_path
    code = main(["run", "--base-url", _NOWHERE, "--api-key", SECRET_KEY, option, str(path)])
    assert code == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "unreachable" not in err


def test_quiet_prints_only_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "--checks", "CUS-SHAPE-001,CUS-RT-001", "--seed", "1"]
    code = main([*argv, "--mock-fault", "created_milliseconds", "-q"])
    assert code == 1
    out = capsys.readouterr().out
    assert out.strip().splitlines()[0].startswith("1 passed, 1 failed"), out
    assert "CUS-SHAPE-001" not in out  # no per-check lines, no findings
    assert "coverage" not in out


# -- the plugin exits like the CLI ---------------------------------------------------------------


def _plugin(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile("def test_other():\n    pass\n")
    return pytester.runpytest("-p", "no:randomly", *args)


def test_plugin_unreachable_target_is_one_line_not_a_failure_per_check(
    pytester: pytest.Pytester,
) -> None:
    result = _plugin(pytester, "--lotuspay-url", _NOWHERE, "--lotuspay-key", SECRET_KEY)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    out = result.stdout.str() + result.stderr.str()
    assert "lotuspay: target unreachable" in out
    assert "no tests ran" in out
    assert "FAILED" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lotuspay-url", f"{_NOWHERE}/v1/"], "drop /v1"),
        (["--lotuspay-url", _NOWHERE, "--lotuspay-key", " sk_live_abc"], "sk_test_ or sk_live_"),
        (["--lotuspay-url", _NOWHERE, "--lotuspay-rate-limit", "0"], "requests per second"),
        (["--lotuspay-url", _NOWHERE, "--lotuspay-operations", "nope"], "createCustomer"),
        (
            ["--lotuspay-url", _NOWHERE, "--lotuspay-report-json", "/no/such/folder/r.json"],
            "/no/such/folder/r.json",
        ),
    ],
)
def test_plugin_usage_errors_stop_pytest(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    if "--lotuspay-key" not in args:
        args = [*args, "--lotuspay-key", SECRET_KEY]
    result = _plugin(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stdout.str() + result.stderr.str()
    assert "passed" not in result.stdout.str()


def test_plugin_operations_and_not_exercised(pytester: pytest.Pytester, clean_mock: str) -> None:
    result = _plugin(
        pytester,
        "--lotuspay-url",
        clean_mock,
        "--lotuspay-key",
        SECRET_KEY,
        "--lotuspay-tier",
        "smoke",
        "--lotuspay-operations",
        "listCustomers",
        "--lotuspay-rate-limit",
        "500",
        "-rs",
        "-k",
        "AUTH-003 or SHAPE-002",
    )
    # Without a second account's key the isolation check judges nothing: skipped, never passed.
    result.stdout.fnmatch_lines(["*not exercised: needs a second account's key*"])
    outcomes = result.parseoutcomes()
    assert (outcomes.get("passed"), outcomes.get("skipped")) == (1, 1), outcomes
