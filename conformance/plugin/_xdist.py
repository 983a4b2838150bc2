"""The suite under pytest-xdist (``pytest -n N --lotuspay-url ...``): one verdict per check, one
set of reports.

Each worker runs only the scenario checks it is handed, in its own session (its own clients and
shared fixtures), and at its end sends the controller its JSON report data, the ids of the checks
selected, and its recorded traffic (HAR) through ``workeroutput``. Workers write no report file.

The checks of every response judge all the run's traffic, which no single worker sees: workers
leave them out of their collection, judge their own traffic with them, and the controller, once
every worker is done, merges those verdicts and reports one item per response check to pytest
(terminal, ``--junitxml``, exit status), as xdist itself reports a crashed worker's item. Then it
writes the merged JSON, HTML and HAR. The run id and seed are the controller's, for every worker;
``--lotuspay-rate-limit`` is the run's, shared evenly among the workers. (xdist's "N workers
[n items]" line counts the scenario items only: the response checks' items come at the end.)

Nothing here imports xdist: these hooks run only when xdist is loaded and distributing.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import pytest

from ._options import _MARKER, LotusPayWarning

if TYPE_CHECKING:
    from ..suite import Check, CheckFailure
    from ._suite import _Suite

__all__ = [
    "Controller",
    "distributing",
    "first_worker",
    "is_worker",
    "merge_har",
    "send_to_controller",
    "spread_long_checks",
    "worker_count",
    "worker_run",
]

#: Where a worker puts what it sends the controller in ``config.workeroutput``.
OUTPUT_KEY: Final = "lotuspay"
#: Where the controller puts the run id and seed in each worker's ``workerinput``.
_RUN_KEY: Final = "lotuspay_run"
_NOT_RUN: Final = "not run"
# The most severe status wins when workers judged the same check (each on its own traffic).
_SHOWN_FINDINGS: Final = 5  # as many as a failing item shows
#: Families of checks that send as many requests as the tier has examples (deep: thousands).
_LONG_FAMILIES: Final = ("stateful", "fuzz")


def is_worker(config: pytest.Config) -> bool:
    """Return whether this process is an xdist worker."""
    return hasattr(config, "workerinput")


def distributing(config: pytest.Config) -> bool:
    """Return whether this process is the controller of an xdist run (it runs no item)."""
    option = config.option
    dist = getattr(option, "dist", "no")
    tx = getattr(option, "tx", None)
    return not is_worker(config) and dist != "no" and bool(tx) and not option.collectonly


def first_worker(config: pytest.Config) -> bool:
    """Return whether this worker is the first one (it alone sends the built-in traffic)."""
    return bool(getattr(config, "workerinput", {}).get("workerid") == "gw0")


def worker_count(config: pytest.Config) -> int:
    """Return how many xdist workers share the run (1 without xdist)."""
    return max(1, int(getattr(config, "workerinput", {}).get("workercount", 1)))


def worker_run(config: pytest.Config) -> tuple[str, int] | None:
    """Return the run id and seed the controller chose, in a worker; else None."""
    shared = getattr(config, "workerinput", {}).get(_RUN_KEY)
    return (str(shared[0]), int(shared[1])) if shared else None


def spread_long_checks(checks: Sequence[Check]) -> list[Check]:
    """Return ``checks`` with the long ones (their requests grow with the tier's examples) first
    and evenly apart: xdist hands a worker neighbouring items, which it runs one after another,
    so two long checks side by side would queue on one worker while the others sit idle."""
    long = [c for c in checks if c.family in _LONG_FAMILIES]
    ordered = [c for c in checks if c.family not in _LONG_FAMILIES]
    stride = len(checks) // max(1, len(long))
    for n, check in enumerate(long):
        ordered.insert(n * stride, check)
    return ordered


def send_to_controller(
    config: pytest.Config, report: dict[str, Any], selected: Sequence[Check], har: str | None
) -> None:
    """Hand this worker's report data, the selected checks and its HAR text to the controller."""
    config.workeroutput[OUTPUT_KEY] = {  # type: ignore[attr-defined]
        "report": report,
        "checks": [c.id for c in selected],
        "response": [c.id for c in selected if c.kind == "response"],
        "har": har,
    }


class Controller:
    """Registered on the xdist controller: merges what the workers send, writes the reports."""

    def __init__(self, suite: _Suite) -> None:
        self.suite = suite
        self.outputs: list[Mapping[str, Any]] = []
        self.reported: set[str] = set()  # the response checks reported to pytest
        self.lost = 0  # workers that went down without sending their results
        self.started = time.monotonic()

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        settings = self.suite.settings
        node.workerinput[_RUN_KEY] = [settings.run_id, settings.seed]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        sent = getattr(node, "workeroutput", {}).get(OUTPUT_KEY)
        if isinstance(sent, Mapping):
            self.outputs.append(sent)
        else:  # a crashed or interrupted worker: its checks stay "not run", the run fails
            self.lost += 1

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """After the workers, report the response checks (innermost wrapper: before the
        terminal writes its final progress)."""
        result = yield
        self._report_response_checks(session)
        return result

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Stop at once, before xdist starts any worker, when the target is unreachable."""
        from ..redact import redact
        from ..suite import TargetUnreachable, close_session, open_session

        try:
            close_session(open_session(self.suite.settings, []))
        except TargetUnreachable as exc:
            pytest.exit(
                redact(f"lotuspay: target unreachable: {exc}"),
                returncode=pytest.ExitCode.USAGE_ERROR,
            )

    def _report_response_checks(self, session: pytest.Session) -> None:
        from ..report import MergeError, merge_reports
        from ..suite import get_check

        if not self.outputs:
            return
        try:
            parts = merge_reports([o["report"] for o in self.outputs])
        except MergeError as exc:
            _say(session, f"lotuspay: the workers' results do not merge: {exc}")
            return
        merged = {c["id"]: c for c in parts["checks"]}
        wanted = [i for i in self.outputs[0]["response"] if i in merged]
        session.testscollected += len(wanted)
        for check_id in wanted:
            _report_item(session.config, get_check(check_id), merged[check_id])
            self.reported.add(check_id)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the merged reports; a cut run is never a pass."""
        from ..report import MergeError

        if not self.outputs:
            if self.lost:
                _say(session, "lotuspay: no xdist worker sent its results: no report written")
            return
        try:
            report = self._merged()
        except MergeError as exc:
            _say(session, f"lotuspay: the workers' results do not merge, no report: {exc}")
            return
        if self.lost:
            report["verdict"] = "fail"
            report["stopped"] = report.get("stopped") or (
                f"{self.lost} xdist worker(s) ended without sending results"
            )
        cut = report["summary"]["not_run_deadline"] or self.lost
        if cut and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        for path, write in self._writers():
            try:
                write(report, path)
            except Exception as exc:  # one report failing must not lose the others
                _say(session, f"lotuspay: cannot write {path}: {type(exc).__name__}: {exc}")

    def _writers(self) -> list[tuple[str, Any]]:
        """Each report asked for, with the function that writes it."""
        from ..report import write_html_report, write_json_report

        suite = self.suite
        writers: list[tuple[str | None, Any]] = [
            (suite.report_path, write_json_report),
            (suite.html_path, write_html_report),
        ]
        if suite.recorder is not None:
            texts = [o["har"] for o in self.outputs if o.get("har")]
            writers.append((suite.recorder.path, lambda r, p: _write_har(texts, r, p)))
        return [(path, write) for path, write in writers if path]

    def _merged(self) -> dict[str, Any]:
        """Return the run's report: every selected check once, in the order selected; a
        response check pytest was not told of (the run stopped first) is not run."""
        from ..report import merge_reports, report_data
        from ..suite import CheckResult, RunResult, get_check

        selected = [get_check(i) for i in self.outputs[0]["checks"]]
        placeholders = [CheckResult(c, "skipped", reason=_NOT_RUN) for c in selected]
        suite = self.suite
        base = report_data(
            RunResult(suite.settings, placeholders, 0.0, 0, [], None, suite.max_duration)
        )
        sent = []
        for output in self.outputs:
            report = dict(output["report"])
            report["checks"] = [
                c
                for c in report["checks"]
                if c["id"] not in output["response"] or c["id"] in self.reported
            ]
            sent.append(report)
        merged = merge_reports([base, *sent])
        merged["duration_seconds"] = round(time.monotonic() - self.started, 3)
        return merged


def _say(session: pytest.Session, message: str) -> None:
    from ..redact import redact

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(redact(message), red=True)


def _finding(data: Mapping[str, Any]) -> CheckFailure:
    from ..suite import CheckFailure
    from ..validation import Level

    known = {k: data.get(k) for k in ("request", "expected", "actual", "seed", "rule", "status")}
    check, title, level = str(data.get("check")), str(data.get("title")), data.get("level", "MUST")
    message, pointer = str(data.get("message")), data.get("pointer") or ""
    return CheckFailure(check, title, Level(level), message, pointer=pointer, **known)


def _report_item(config: pytest.Config, check: Check, entry: Mapping[str, Any]) -> None:
    """Report ``check`` to pytest as a run item with the outcome its merged verdict gives,
    as the item would have in a run without xdist (see ``_CheckItem.runtest``)."""
    nodeid = f"lotuspay::{check.id}"
    where = f"lotuspay/{check.family}"
    location = (where, None, f"{check.id}: {check.title}")
    status, reason = entry["status"], entry.get("reason")
    findings = [_finding(f) for f in entry.get("failures", [])]
    outcome: Literal["passed", "failed", "skipped"] = "passed"
    longrepr: str | tuple[str, int, str] | None = None
    if status in ("failed", "error"):
        outcome = "failed"
        shown = [str(f) for f in findings[:_SHOWN_FINDINGS]]
        longrepr = "\n\n".join(shown) or f"[{check.id}] {reason or 'the check could not run'}"
    elif status in ("skipped", "not_exercised"):
        label = (
            f"not exercised: {reason or 'judged no answer'}" if status == "not_exercised" else ""
        )
        outcome, longrepr = "skipped", (where, 0, f"Skipped: {label or reason or 'skipped'}")
    keywords: dict[str, Literal[1]] = {check.id: 1, "lotuspay": 1, _MARKER: 1}
    # The merged verdict's level (gravest finding, else declared), as the reports show it.
    properties = [("check_id", check.id), ("level", str(entry.get("level") or check.level))]

    def phase(when: Literal["setup", "call", "teardown"]) -> pytest.TestReport:
        failed_or_skipped = when == "call" and outcome != "passed"
        return pytest.TestReport(
            nodeid,
            location,
            keywords,
            outcome if when == "call" else "passed",
            longrepr if failed_or_skipped else None,
            when,
            user_properties=properties,
        )

    hook = config.hook
    hook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    hook.pytest_runtest_logreport(report=phase("setup"))
    for finding in findings if outcome == "passed" else []:
        if finding.level.value != "MUST":  # as the item warns of a SHOULD or MAY finding
            message = warnings.WarningMessage(
                LotusPayWarning(str(finding)), LotusPayWarning, where, 0
            )
            hook.pytest_warning_recorded.call_historic(
                kwargs={
                    "warning_message": message,
                    "when": "runtest",
                    "nodeid": nodeid,
                    "location": None,
                }
            )
    hook.pytest_runtest_logreport(report=phase("call"))
    hook.pytest_runtest_logreport(report=phase("teardown"))
    hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)


def merge_har(texts: Sequence[str], comment: str = "") -> str:
    """Return one HAR document of the workers' HAR texts: all entries by start time; the
    workers' notes (entries dropped at a cap) kept in the comment. Keys are masked already."""
    from ..report import HarRecorder

    documents = [json.loads(text)["log"] for text in texts]
    entries = sorted(
        (e for d in documents for e in d.get("entries", [])),
        key=lambda e: str(e.get("startedDateTime", "")),
    )
    notes = [comment] if comment else []
    notes += [str(d["comment"]) for d in documents if d.get("comment")]
    head = json.loads(HarRecorder().render())["log"]  # version and creator, as one run writes
    head.pop("entries", None)
    head["comment"] = "; ".join(notes)
    lines = ",\n".join(json.dumps(e, ensure_ascii=True) for e in entries)
    return f'{{"log": {json.dumps(head, ensure_ascii=True)[:-1]}, "entries": [\n{lines}\n]}}}}'


def _write_har(texts: Sequence[str], report: Mapping[str, Any], path: str) -> None:
    from pathlib import Path

    comment = (
        f"lotuspay-contract run {report.get('run_id')}: tier {report.get('tier')}, "
        f"seed {report.get('seed')}, target {report.get('target')}"
    )
    Path(path).write_text(merge_har(texts, comment) + "\n", encoding="ascii")
