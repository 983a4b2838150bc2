"""The pytest plugin (entry point ``pytest11: lotuspay``): the conformance suite as test items.

Inert unless ``--lotuspay-url`` is given: it then adds one test item per check of the chosen tier
(scenario checks first, then the checks of every response, which judge all the traffic).

    pytest --lotuspay-url https://api-test.lotuspay.com --lotuspay-tier smoke

The run has a deadline (``--lotuspay-max-duration``, by default the tier's): checks not run by
then are skipped as ``not run: deadline`` and the session fails. The reports are written at
session finish whatever happened (failures, a crashed check, Ctrl-C).

The fixtures ``lotuspay_client`` and ``lotuspay_mock`` are available to any test suite. Heavy
modules (the runner, the mock, httpx) are imported only when used.
"""

from __future__ import annotations

import argparse
import os
import secrets
import time
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from .client import LotusPayClient
    from .report import HarRecorder
    from .suite import Check, CheckResult, RunResult, Session

__all__ = [
    "OPTION_ALLOW_LIVE",
    "OPTION_KEY",
    "OPTION_LIVE_KEY",
    "OPTION_MAX_DURATION",
    "OPTION_REPORT_HAR",
    "OPTION_REPORT_HTML",
    "OPTION_REPORT_JSON",
    "OPTION_SEED",
    "OPTION_STRICT",
    "OPTION_TIER",
    "OPTION_URL",
    "LotusPayWarning",
    "lotuspay_client",
    "lotuspay_mock",
    "lotuspay_mock_options",
]

OPTION_URL: Final = "--lotuspay-url"
OPTION_KEY: Final = "--lotuspay-key"
OPTION_LIVE_KEY: Final = "--lotuspay-live-key"
OPTION_TIER: Final = "--lotuspay-tier"
OPTION_STRICT: Final = "--lotuspay-strict"
OPTION_ALLOW_LIVE: Final = "--lotuspay-allow-live"
OPTION_REPORT_JSON: Final = "--lotuspay-report-json"
OPTION_REPORT_HTML: Final = "--lotuspay-report-html"
OPTION_REPORT_HAR: Final = "--lotuspay-report-har"
OPTION_SEED: Final = "--lotuspay-seed"
OPTION_MAX_DURATION: Final = "--lotuspay-max-duration"
ENV_KEY: Final = "LOTUSPAY_API_KEY"
_TIERS: Final = ("smoke", "standard", "deep")
_MARKER: Final = "lotuspay_check"


class LotusPayWarning(UserWarning):
    """A SHOULD (or MAY) finding: reported, failing only with --lotuspay-strict."""


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"The LotusPay URL must start with http:// or https://, but {text!r} does not."
        )
    return text.rstrip("/")


def _tier(text: str) -> str:
    if text not in _TIERS:
        raise argparse.ArgumentTypeError(
            f"The tier must be one of {', '.join(_TIERS)}, but {text!r} was given."
        )
    return text


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(
            f"The seed must be a whole number from 0 to 2**63 - 1, but {text!r} was given."
        )
    return value


def _max_duration(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(
            f"The maximum duration is a number of seconds above 0 and at most 86400, "
            f"but {text!r} was given."
        )
    return value


def _key(text: str) -> str:
    if not text.startswith(("sk_test_", "sk_live_")):
        raise argparse.ArgumentTypeError(
            "A LotusPay secret key starts with sk_test_ or sk_live_; the key given does not."
        )
    return text


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lotuspay", "LotusPay conformance suite")
    group.addoption(
        OPTION_URL,
        type=_url,
        metavar="URL",
        help="run the conformance suite against this server root",
    )
    # No type= here: argparse would apply it to the environment default, and a stray variable
    # must not break pytest runs that never use the plugin. _Suite checks the key instead.
    group.addoption(
        OPTION_KEY,
        default=os.environ.get(ENV_KEY),
        metavar="KEY",
        help=f"secret key (default: ${ENV_KEY}); never printed",
    )
    group.addoption(
        OPTION_LIVE_KEY,
        type=_key,
        metavar="KEY",
        help="a live key too, to check that live and test modes are separate",
    )
    group.addoption(
        OPTION_TIER,
        type=_tier,
        default="standard",
        metavar="TIER",
        help="smoke, standard (default) or deep",
    )
    group.addoption(OPTION_STRICT, action="store_true", help="SHOULD findings fail too")
    group.addoption(
        OPTION_ALLOW_LIVE,
        action="store_true",
        help="allow writes with an sk_live_ key (refused by default)",
    )
    group.addoption(OPTION_REPORT_JSON, metavar="PATH", help="write the JSON report here")
    group.addoption(OPTION_REPORT_HTML, metavar="PATH", help="write the HTML report page here")
    group.addoption(OPTION_REPORT_HAR, metavar="PATH", help="record the traffic here as HAR 1.2")
    group.addoption(OPTION_SEED, type=_seed, metavar="N", help="seed for generated data")
    group.addoption(
        OPTION_MAX_DURATION,
        type=_max_duration,
        metavar="SECONDS",
        help="stop the suite after this long; what was not run is skipped as 'not run: "
        "deadline' and fails the session (default per tier: smoke 120, standard 600, deep 1800)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(check_id): the item runs the LotusPay conformance check check_id",
    )
    if config.getoption(OPTION_URL):
        config.pluginmanager.register(_Suite(config), "lotuspay-suite")


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    suite = config.pluginmanager.get_plugin("lotuspay-suite")
    if not isinstance(suite, _Suite):
        return None
    from .redact import mask_key, redact

    return [
        redact(
            f"lotuspay: target {suite.settings.base_url}, key {mask_key(suite.settings.api_key)}, "
            f"tier {suite.settings.tier.name}, seed {suite.settings.seed}, "
            f"run {suite.settings.run_id}{', strict' if suite.settings.strict else ''}"
        )
    ]


class _Suite:
    """Registered only with --lotuspay-url: collects the checks and runs them in one session."""

    def __init__(self, config: pytest.Config) -> None:
        from .redact import remember_secret
        from .suite import TIERS, RunSettings, max_duration_for, new_run_id

        key = config.getoption(OPTION_KEY)
        if not key:
            raise pytest.UsageError(
                f"{OPTION_URL} needs an API key: pass {OPTION_KEY} or set {ENV_KEY}."
            )
        self.recorder: HarRecorder | None = None  # records from here, before the run starts
        try:
            _key(key)
            if har := config.getoption(OPTION_REPORT_HAR):
                from .report import HarRecorder

                self.recorder = HarRecorder.for_path(har, [key, config.getoption(OPTION_LIVE_KEY)])
        except (argparse.ArgumentTypeError, OSError) as exc:
            raise pytest.UsageError(str(exc)) from None
        remember_secret(key)
        remember_secret(config.getoption(OPTION_LIVE_KEY))
        seed = config.getoption(OPTION_SEED)
        self.settings = RunSettings(
            base_url=config.getoption(OPTION_URL),
            api_key=key,
            tier=TIERS[config.getoption(OPTION_TIER)],
            seed=seed if seed is not None else secrets.randbelow(2**32),
            run_id=new_run_id(),
            strict=config.getoption(OPTION_STRICT),
            allow_live=config.getoption(OPTION_ALLOW_LIVE),
            live_key=config.getoption(OPTION_LIVE_KEY),
        )
        self.report_path: str | None = config.getoption(OPTION_REPORT_JSON)
        self.html_path: str | None = config.getoption(OPTION_REPORT_HTML)
        self.max_duration = max_duration_for(self.settings, config.getoption(OPTION_MAX_DURATION))
        self.started: float | None = None
        self.checks: list[Check] = []
        self.session: Session | None = None
        self.unreachable: str | None = None
        self.cut_at_start = False
        self.results: dict[str, CheckResult] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        from .suite import select_checks

        self.checks = select_checks(None, self.settings.tier.name)
        # Response checks judge all traffic, so they run after every scenario check.
        ordered = sorted(self.checks, key=lambda c: c.kind == "response")
        suite = _SuiteCollector.from_parent(session, name="lotuspay", nodeid="lotuspay")
        ours = [_CheckItem.from_parent(suite, name=c.id, check=c) for c in ordered]
        items[:0] = ours
        # Report the items like a collected file, so "N tests collected" counts them.
        report = pytest.CollectReport(suite.nodeid, "passed", None, list(ours))
        session.ihook.pytest_collectreport(report=report)

    def result_of(self, check: Check) -> CheckResult:
        from .client import DeadlineReached
        from .suite import (
            DEADLINE_REASON,
            CheckResult,
            TargetUnreachable,
            open_session,
            response_result,
            run_check,
        )

        if self.started is None:
            self.started = time.monotonic()
        deadline = self.started + self.max_duration
        if self.session is None and self.unreachable is None and not self.cut_at_start:
            try:
                self.session = open_session(
                    self.settings,
                    self.checks,
                    run_deadline=deadline,
                    retry_budget=self.max_duration / 4,
                )
            except TargetUnreachable as exc:
                self.unreachable = str(exc)
            except DeadlineReached:
                self.cut_at_start = True
        if self.cut_at_start:
            result = CheckResult(check, "skipped", reason=DEADLINE_REASON)
        elif self.session is None:
            return CheckResult(check, "error", reason=f"target unreachable: {self.unreachable}")
        elif check.kind == "response":
            result = response_result(check, self.session)
        elif time.monotonic() >= deadline:
            result = CheckResult(check, "skipped", reason=DEADLINE_REASON)
        else:
            result = run_check(check, self.session)
        self.results[check.id] = result
        return result

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Close the session and write the reports, whatever happened before."""
        from .suite import DEADLINE_REASON, CheckResult, RunResult, close_session

        if self.session is not None:
            close_session(self.session)
        if self.recorder is not None:
            self.recorder.stop()
        if not self.checks:
            return
        results = [
            self.results.get(c.id) or CheckResult(c, "skipped", reason="not run")
            for c in self.checks
        ]
        duration = time.monotonic() - self.started if self.started is not None else 0.0
        requests = self.session.exchanges if self.session else 0
        stopped = DEADLINE_REASON if any(r.reason == DEADLINE_REASON for r in results) else None
        run = RunResult(self.settings, results, duration, requests, [], stopped, self.max_duration)
        if run.cut and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a cut run is never a pass
        self._write_reports(session, run)

    def _write_reports(self, session: pytest.Session, run: RunResult) -> None:
        from .redact import redact
        from .report import report_data, write_html_report, write_json_report

        if not (self.report_path or self.html_path or self.recorder):
            return
        report = report_data(run)
        writers = [(self.report_path, write_json_report), (self.html_path, write_html_report)]
        writers += [(self.recorder.path, self.recorder.write_report)] if self.recorder else []
        for path, write in writers:
            if not path:
                continue
            try:
                write(report, path)
            except Exception as exc:  # one report failing must not lose the other
                reporter = session.config.pluginmanager.get_plugin("terminalreporter")
                message = redact(f"lotuspay: cannot write {path}: {type(exc).__name__}: {exc}")
                if reporter is not None:
                    reporter.write_line(message, red=True)


class _SuiteCollector(pytest.Collector):
    """The parent of the check items; it collects nothing by itself."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        return []


class _CheckItem(pytest.Item):
    """One conformance check as a test item."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.add_marker(getattr(pytest.mark, _MARKER)(check.id))
        self.user_properties += [("check_id", check.id), ("level", check.level.value)]
        self._result: CheckResult | None = None

    def runtest(self) -> None:
        from .suite import CheckFailure

        suite = self.config.pluginmanager.get_plugin("lotuspay-suite")
        assert isinstance(suite, _Suite)
        result = self._result = suite.result_of(self.check)
        if result.status == "skipped":
            pytest.skip(result.reason or "skipped")
        for finding in result.findings:
            if finding.level.value != "MUST" and not result.failing:
                warnings.warn(LotusPayWarning(str(finding)), stacklevel=1)
        if result.failing:
            if result.findings:
                raise result.findings[0]
            raise CheckFailure(
                self.check.id,
                self.check.title,
                self.check.level,
                result.reason or "the check could not run",
            )

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        from .suite import CheckFailure

        if isinstance(excinfo.value, CheckFailure):
            findings = self._result.findings if self._result else [excinfo.value]
            return "\n\n".join(str(f) for f in findings[:5] or [excinfo.value])
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return (f"lotuspay/{self.check.family}", None, f"{self.check.id}: {self.check.title}")


@pytest.fixture(scope="session")
def lotuspay_mock_options() -> dict[str, Any]:
    """Keyword arguments for the session's mock server (override in a conftest)."""
    return {}


@pytest.fixture(scope="session")
def lotuspay_mock(lotuspay_mock_options: dict[str, Any]) -> Iterator[str]:
    """The embedded mock on a free loopback port for the session; yields its root URL.

    The mock is imported here, not at module level: loading the plugin must not cost every
    pytest run the mock's import (a measured 160 ms).

    Example::

        def test_create(lotuspay_mock):
            r = httpx.post(f"{lotuspay_mock}/v1/customers", auth=("sk_test_x", ""), timeout=5)
            assert r.status_code == 200
    """
    from .mock import running_mock

    with running_mock(**lotuspay_mock_options) as url:
        yield url


@pytest.fixture(scope="session")
def lotuspay_client(request: pytest.FixtureRequest) -> Iterator[LotusPayClient]:
    """A bounded client for ``--lotuspay-url`` (else the embedded mock), keys masked.

    Example::

        def test_list(lotuspay_client):
            assert lotuspay_client.request("GET", "/v1/customers").status == 200
    """
    from .client import LotusPayClient

    url = request.config.getoption(OPTION_URL)
    key = request.config.getoption(OPTION_KEY)
    if not url:
        url = request.getfixturevalue("lotuspay_mock")
        key = key if key and key.startswith("sk_test_") else "sk_test_" + secrets.token_hex(12)
    client = LotusPayClient(url, key, allow_live=request.config.getoption(OPTION_ALLOW_LIVE))
    with client:
        yield client
