"""Request conformance and the variation matrix for tests of a team's own LotusPay client.

Always registered, inert for tests that do not use ``lotuspay_mock``. For those that do:

- ``@pytest.mark.lotuspay_variations(...)`` parametrizes ``lotuspay_mock`` (indirectly, at
  session scope: one mock per variation per worker, tests grouped by it), ids naming each;
- each test starts a fresh recording (and fresh transient and "once" state);
- after the test, its requests are judged by the request contract. A violation fails the test
  under ``--lotuspay-client-strict`` or ``@pytest.mark.lotuspay_client_strict``; under a
  transient variation, a create retried without its Idempotency-Key always fails it (the
  duplicate is the very bug the variation is there to show);
- a failing test under a variation gets a section naming the variation, the rules that allow it
  and the exchanges;
- the terminal summary lists the violations per test, ``--lotuspay-client-report PATH`` writes
  them as JSON (from the reports, so the xdist controller sees every worker's tests).
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import LotusPayContractError
from ._options import OPTION_CLIENT_REPORT, client_settings
from ._variations import MARKER_STRICT, MARKER_VARIATIONS, describe_variation, expand_variations

if TYPE_CHECKING:
    from ..validation import RequestFinding

__all__ = ["RECORDER", "ClientContractError", "ClientRequests", "recorder_for", "register_markers"]

FIXTURE = "lotuspay_mock"
_PROPERTY = "lotuspay_client"
_SHOWN_EXCHANGES = 6
#: The terminal summary stays short; the JSON report has everything.
_SHOWN_TESTS = 20
_SHOWN_PER_TEST = 5
#: The one recorder of the session (per xdist worker), shared by every mock the fixture starts.
RECORDER = pytest.StashKey[Any]()
_FINDINGS = pytest.StashKey[list["RequestFinding"]]()


class ClientContractError(LotusPayContractError, AssertionError):
    """The client under test sent requests that break the request contract."""

    def __init__(self, findings: list[RequestFinding], why: str) -> None:
        self.findings = findings
        lines = [f"lotuspay: {why}: {len(findings)} violation(s) of the request contract"]
        for number, finding in enumerate(findings, 1):
            v = finding.violation
            lines.append(
                f"{number}. {v.rule} ({v.level}) at {v.pointer or '/'}: {v.message} "
                f"[docs/contract.md#{v.rule}]"
            )
            lines.extend("   " + line for line in finding.request.describe().splitlines())
        from ..redact import redact

        super().__init__(redact("\n".join(lines)))


def register_markers(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER_VARIATIONS}(*names): run the test once per variation of lotuspay_mock: "
        "'legal' (every quirk), 'transient' (failures to survive) or variation names",
    )
    config.addinivalue_line(
        "markers",
        f"{MARKER_STRICT}: fail the test on any request that breaks the request contract",
    )


def variation_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get(FIXTURE) if callspec is not None else None
    return value if isinstance(value, str) else None


def _uses_mock(item: pytest.Item) -> bool:
    return FIXTURE in getattr(item, "fixturenames", ())


def recorder_for(config: pytest.Config) -> Any:
    """The session's recorder, made on first use (importing the mock only then)."""
    if RECORDER not in config.stash:
        from ..mock import Recorder

        config.stash[RECORDER] = Recorder()
    return config.stash[RECORDER]


class ClientRequests:
    """The hooks; one instance per pytest process."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: list[dict[str, Any]] = []

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        markers = list(metafunc.definition.iter_markers(MARKER_VARIATIONS))
        if not markers:
            return
        if FIXTURE not in metafunc.fixturenames:
            raise ValueError(
                f"{MARKER_VARIATIONS} needs the {FIXTURE} fixture: the test (or a fixture it "
                f"uses) must take {FIXTURE} as an argument."
            )
        names = expand_variations(arg for marker in markers for arg in marker.args)
        metafunc.parametrize(FIXTURE, names, indirect=True, ids=names, scope="session")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if _uses_mock(item):
            recorder_for(self.config).begin(variation_of(item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        if not _uses_mock(item):
            return (yield)
        try:
            result = yield
        except BaseException:
            self._judge(item)
            raise
        failing = self._failing(item, self._judge(item))
        if failing is not None:
            raise failing
        return result

    def _judge(self, item: pytest.Item) -> list[RequestFinding]:
        from ..validation import judge_requests

        findings = judge_requests(recorder_for(self.config).requests())
        item.stash[_FINDINGS] = findings
        return findings

    def _failing(
        self, item: pytest.Item, findings: list[RequestFinding]
    ) -> ClientContractError | None:
        if not findings:
            return None
        strict = client_settings(self.config).client_strict  # flag, environment or file
        strict = strict or item.get_closest_marker(MARKER_STRICT) is not None
        variation = variation_of(item)
        # Under a variation, a retried create is the bug it exposed: say so first, strict or not.
        if variation is not None and any(f.retry for f in findings):
            shown = findings if strict else [f for f in findings if f.retry]
            return ClientContractError(shown, f"under variation {variation}")
        if strict:
            return ClientContractError(findings, "strict request conformance")
        return None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.when != "call" or not _uses_mock(item):
            return report
        findings = item.stash.get(_FINDINGS, [])
        variation = variation_of(item)
        requests = recorder_for(self.config).requests()
        summary = {
            "nodeid": item.nodeid,
            "variation": variation,
            "requests": len(requests),
            "violations": [f.to_dict() for f in findings],
        }
        report.user_properties.append((_PROPERTY, summary))
        if report.failed and variation is not None:
            report.sections.append(("lotuspay variation", _variation_text(variation, requests)))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _PROPERTY and isinstance(value, dict):
                self.results.append({**value, "outcome": report.outcome})

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.results:
            return
        flagged = [r for r in self.results if r["violations"]]
        total = sum(r["requests"] for r in self.results)
        terminalreporter.section("lotuspay client requests")
        terminalreporter.write_line(
            f"{len(self.results)} test(s) judged, {total} request(s), "
            f"{sum(len(r['violations']) for r in flagged)} violation(s) of the request contract"
        )
        for result in flagged[:_SHOWN_TESTS]:
            violations = result["violations"]
            terminalreporter.write_line(f"{result['nodeid']}: {len(violations)}")
            for v in violations[:_SHOWN_PER_TEST]:
                terminalreporter.write_line(
                    f"  {v['rule']} ({v['level']}) at {v['pointer'] or '/'}: {v['message']}"
                )
            if len(violations) > _SHOWN_PER_TEST:
                terminalreporter.write_line(f"  ... and {len(violations) - _SHOWN_PER_TEST} more")
        if len(flagged) > _SHOWN_TESTS or any(
            len(r["violations"]) > _SHOWN_PER_TEST for r in flagged
        ):
            more = (
                f"{len(flagged) - _SHOWN_TESTS} more test(s); "
                if len(flagged) > _SHOWN_TESTS
                else ""
            )
            terminalreporter.write_line(f"{more}every violation: {OPTION_CLIENT_REPORT} PATH")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = client_settings(self.config).client_report
        if not path or hasattr(
            self.config, "workerinput"
        ):  # xdist workers leave it to the controller
            return
        document = {"tests": sorted(self.results, key=lambda r: r["nodeid"])}
        Path(path).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _variation_text(variation: str, requests: list[Any]) -> str:
    shown = requests[-_SHOWN_EXCHANGES:]
    lines = [describe_variation(variation)]
    lines.append(f"exchanges of this test ({len(shown)} of {len(requests)} shown, the last ones):")
    for sent in shown:
        lines.extend("  " + line for line in sent.describe().splitlines())
    return "\n".join(lines)
