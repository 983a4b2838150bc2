"""The suite as pytest items: one item per check, run in one session against ``--lotuspay-url``
(one per worker under xdist: see :mod:`._xdist`)."""

from __future__ import annotations

import datetime
import time
import warnings
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from ._options import _MARKER, LotusPayWarning, plugin_settings
from ._xdist import (
    first_worker,
    is_worker,
    send_to_controller,
    spread_long_checks,
    worker_count,
    worker_run,
)

if TYPE_CHECKING:
    from ..report import Baseline, HarRecorder, ObservationRecorder
    from ..settings import Settings
    from ..suite import Check, CheckResult, RunResult, Session

#: The reports the plugin writes (pytest's own --junitxml is checked beside them).
_REPORTS = ("report_json", "report_html", "report_har")


def _checked(config: pytest.Config) -> Settings:
    """The run's settings with its operation ids spelled as the suite does and its report paths
    checked: every usage error before the first request."""
    from ..report import unwritable
    from ..settings import SettingsError, check_report_paths, resolve_names
    from ..suite import OPERATION_IDS, CheckPackError, load_checks

    settings = plugin_settings(config)
    try:
        load_checks(settings.checks_module)  # custom checks: the modules given and the packs
        settings = resolve_names(settings, "plugin", operations=list(OPERATION_IDS.values()))
        check_report_paths(settings, _REPORTS, unwritable)
        junit = getattr(config.option, "xmlpath", None)
        if junit and (problem := unwritable(junit)) is not None:
            raise SettingsError(problem)
    except (SettingsError, CheckPackError) as exc:
        raise pytest.UsageError(f"lotuspay: {exc}") from None
    return settings


class _Suite:
    """Registered only with --lotuspay-url: collects the checks and runs them in one session."""

    def __init__(self, config: pytest.Config) -> None:
        from ..redact import remember_secret
        from ..suite import TIERS, RunSettings, new_run_id

        options = self.options = _checked(config)
        self.recorder: HarRecorder | None = None  # records from here, before the run starts
        if options.report_har:
            from ..report import HarRecorder

            try:
                self.recorder = HarRecorder.for_path(
                    options.report_har, [options.api_key, options.live_key]
                )
            except OSError as exc:
                raise pytest.UsageError(f"lotuspay: {exc}") from None
        for secret in (options.api_key, options.live_key, options.second_api_key):
            remember_secret(secret)
        # Under xdist every worker takes the controller's run id and seed: one run, one data set.
        run_id, seed = worker_run(config) or (new_run_id(), options.seed or 0)
        self.settings = RunSettings(
            base_url=options.base_url or "",
            api_key=options.api_key,
            tier=TIERS[options.tier],
            seed=seed,
            run_id=run_id,
            strict=options.strict,
            allow_live=options.allow_live,
            live_key=options.live_key,
            second_key=options.second_api_key,
        )
        self.report_path: str | None = options.report_json
        self.html_path: str | None = options.report_html
        self.rate_limit: float | None = options.rate_limit
        if self.rate_limit:  # the run's rate: xdist workers share it
            self.rate_limit /= worker_count(config)
        self.operations = list(options.operations) if options.operations else None
        self.jobs: int | None = options.jobs  # None: adaptive
        self.max_duration = options.time_limit
        self.started: float | None = None
        self.checks: list[Check] = []
        self.session: Session | None = None
        self.unreachable: str | None = None
        self.cut_at_start = False
        self.results: dict[str, CheckResult] = {}
        #: An xdist worker: runs the scenario items it is handed, sends its results on.
        self.worker = is_worker(config)
        self.sends_traffic = not self.worker or first_worker(config)
        self._h4_setup(config)

    def _h4_setup(self, config: pytest.Config) -> None:
        """h4 options: read the baseline, check the Markdown and baseline paths, observe."""
        from ..report import BaselineError, ObservationRecorder, read_baseline, unwritable

        self.markdown_path = self.options.report_markdown
        self.write_baseline_path = self.options.write_baseline
        for path in (self.markdown_path, self.write_baseline_path):
            if path and (problem := unwritable(path)) is not None:
                raise pytest.UsageError(f"lotuspay: {problem}")
        self.baseline: Baseline | None = None
        if given := self.options.baseline:
            try:
                self.baseline = read_baseline(given)
            except BaselineError as exc:
                raise pytest.UsageError(f"lotuspay: {exc}") from None
        chosen = self.options.baseline_today
        self.today = chosen or datetime.datetime.now(datetime.timezone.utc).date()
        self.observed: ObservationRecorder = ObservationRecorder().__enter__()

    def h4_known(self, result: CheckResult) -> str | None:
        """The baseline's reason when every failing finding of ``result`` is known, else None."""
        from ..report import apply_baseline, report_data
        from ..suite import RunResult

        if self.baseline is None or result.status != "failed":
            return None
        one = report_data(RunResult(self.settings, [result], 0.0, 0))
        check = apply_baseline(one, self.baseline, today=self.today)["checks"][0]
        return str(check["reason"]) if check["status"] == "known" else None

    def h4_report(self, session: pytest.Session, report: dict[str, Any]) -> dict[str, Any]:
        """The report with observations and the baseline; writes the Markdown summary and the
        starting baseline; an expired entry fails the session."""
        from ..report import (
            apply_baseline,
            baseline_problems,
            render_markdown,
            write_baseline,
            write_text_report,
        )

        self.observed.__exit__(None, None, None)
        report["observed"] = self.observed.data()
        if self.baseline is not None:
            report = apply_baseline(report, self.baseline, today=self.today)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        problems = baseline_problems(report)
        if problems and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        for line in problems:
            if reporter is not None:
                reporter.write_line(f"lotuspay: {line}", red=True)
        try:
            if self.markdown_path:
                write_text_report(render_markdown(report), self.markdown_path)
            if self.write_baseline_path:
                write_baseline(report, self.write_baseline_path)
        except OSError as exc:  # the other reports are still written
            if reporter is not None:
                reporter.write_line(f"lotuspay: cannot write {exc.filename}: {exc}", red=True)
        return report

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int) -> None:
        """After a run that did not pass: the command that sends the same and judges the same."""
        if exitstatus and not self.worker and self.checks:
            from ..settings import rerun_command

            terminalreporter.write_line(f"lotuspay rerun: {rerun_command(self.options, 'plugin')}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        from ..suite import select_checks

        self.checks = select_checks(None, self.settings.tier.name, self.operations)
        # Response checks judge all traffic, so they run after every scenario check.
        ordered = sorted(self.checks, key=lambda c: c.kind == "response")
        if self.worker:
            ordered = spread_long_checks(ordered)
        suite = _SuiteCollector.from_parent(session, name="lotuspay", nodeid="lotuspay")
        ours = [_CheckItem.from_parent(suite, name=c.id, check=c) for c in ordered]
        items[:0] = ours
        # Report the items like a collected file, so "N tests collected" counts them.
        report = pytest.CollectReport(suite.nodeid, "passed", None, list(ours))
        session.ihook.pytest_collectreport(report=report)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Keep the checks left after deselection (``-k``): the run and its reports are those.

        An xdist worker then drops the response checks' items (before it tells the controller
        what it collected): they judge the whole run's traffic, so the controller reports them.
        """
        kept = {item.check.id for item in session.items if isinstance(item, _CheckItem)}
        self.checks = [c for c in self.checks if c.id in kept]
        if self.worker:
            session.items[:] = [
                i
                for i in session.items
                if not (isinstance(i, _CheckItem) and i.check.kind == "response")
            ]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """Open the run's session before the first check: an unreachable target ends pytest
        here, with one line and a usage error's status, not with a failure per check."""
        if session.config.option.collectonly or not self.checks:
            return
        self._open()
        if self.unreachable is not None:
            from ..redact import redact

            pytest.exit(
                redact(f"lotuspay: target unreachable: {self.unreachable}"),
                returncode=pytest.ExitCode.USAGE_ERROR,
            )

    def _open(self) -> None:
        """Open the session once (and send the built-in traffic when only response checks run);
        record an unreachable target or a deadline passed at the start."""
        from ..client import DeadlineReached
        from ..suite import ADAPTIVE_JOBS, TargetUnreachable, open_session, run_traffic

        if self.session is not None or self.unreachable is not None or self.cut_at_start:
            return
        if self.started is None:
            self.started = time.monotonic()
        try:
            self.session = open_session(
                self.settings,
                self.checks,
                run_deadline=self.started + self.max_duration,
                retry_budget=self.max_duration / 4,
                rate_limit=self.rate_limit,
                adaptive=self.jobs is None,
            )
            # Threads for a long check's parts; adaptive: the window decides what is in flight.
            self.session.jobs = self.jobs or ADAPTIVE_JOBS
            if self.sends_traffic and not any(c.kind == "scenario" for c in self.checks):
                run_traffic(self.session)
        except TargetUnreachable as exc:
            self.unreachable = str(exc)
        except DeadlineReached:
            self.cut_at_start = True

    def result_of(self, check: Check) -> CheckResult:
        from ..suite import DEADLINE_REASON, CheckResult, response_result, run_check

        self._open()
        assert self.started is not None
        deadline = self.started + self.max_duration
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
        from ..suite import DEADLINE_REASON, CheckResult, RunResult, close_session

        if self.session is not None:
            close_session(self.session)
        if self.recorder is not None:
            self.recorder.stop()
        if not self.checks:
            return
        if self.worker:  # what it ran and its traffic's response verdicts; no "not run"
            results = [self.results[c.id] for c in self.checks if c.id in self.results]
            results += [self._judge_traffic(c) for c in self.checks if c.kind == "response"]
        else:
            results = [
                self.results.get(c.id) or CheckResult(c, "skipped", reason="not run")
                for c in self.checks
            ]
        duration = time.monotonic() - self.started if self.started is not None else 0.0
        requests = self.session.exchanges if self.session else 0
        stopped = DEADLINE_REASON if any(r.reason == DEADLINE_REASON for r in results) else None
        seen = self.session.seen.counts if self.session else Counter()
        run = RunResult(
            self.settings, results, duration, requests, [], stopped, self.max_duration, seen
        )
        if run.cut and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a cut run is never a pass
        if self.worker:
            from ..report import report_data

            har = self.recorder.render() if self.recorder is not None else None
            send_to_controller(session.config, report_data(run), self.checks, har)
        else:
            self._write_reports(session, run)

    def _judge_traffic(self, check: Check) -> CheckResult:
        """Return response check ``check``'s verdict on this worker's traffic."""
        from ..suite import DEADLINE_REASON, CheckResult, response_result

        if self.session is not None:
            return response_result(check, self.session)
        if self.cut_at_start:
            return CheckResult(check, "skipped", reason=DEADLINE_REASON)
        if self.unreachable is not None:
            return CheckResult(check, "error", reason=f"target unreachable: {self.unreachable}")
        return CheckResult(check, "skipped", reason="not run")

    def _write_reports(self, session: pytest.Session, run: RunResult) -> None:
        from ..redact import redact
        from ..report import report_data, write_html_report, write_json_report

        report = self.h4_report(session, report_data(run))
        if not (self.report_path or self.html_path or self.recorder):
            return
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
        from ..suite import CheckFailure

        suite = self.config.pluginmanager.get_plugin("lotuspay-suite")
        assert isinstance(suite, _Suite)
        result = self._result = suite.result_of(self.check)
        # The verdict's level (gravest finding, else declared), as every report shows it.
        self.user_properties[:] = [
            (name, result.level.value if name == "level" else value)
            for name, value in self.user_properties
        ]
        if result.status == "skipped":
            pytest.skip(result.reason or "skipped")
        if result.status == "not_exercised":
            pytest.skip(f"not exercised: {result.reason or 'judged no answer'}")
        for finding in result.findings:
            if finding.level.value != "MUST" and not result.failing:
                warnings.warn(LotusPayWarning(str(finding)), stacklevel=1)
        if (known := suite.h4_known(result)) is not None:  # h4: the baseline lists them all
            pytest.xfail(known)
        if result.failing:
            if result.findings:  # the gravest first: the one that failed the item
                raise next(f for f in result.findings if f.level is result.level)
            raise CheckFailure(
                self.check.id,
                self.check.title,
                self.check.level,
                result.reason or "the check could not run",
            )

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        from ..suite import CheckFailure

        if isinstance(excinfo.value, CheckFailure):
            findings = self._result.findings if self._result else [excinfo.value]
            return "\n\n".join(str(f) for f in findings[:5] or [excinfo.value])
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return (f"lotuspay/{self.check.family}", None, f"{self.check.id}: {self.check.title}")
