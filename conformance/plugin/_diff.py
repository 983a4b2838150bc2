"""``--lotuspay-diff``: the differential run as pytest items, in place of the suite's checks.

The target is ``--lotuspay-url`` (key ``--lotuspay-key``), the reference the embedded mock,
started for the session; ``--lotuspay-report-json`` and ``--lotuspay-report-html`` take the
diff's report. The run is split into batches of sequences, one item each
(``lotuspay-diff/batch-N``, seeds ``seed + N``): a batch fails on a MUST difference (a SHOULD
one too under ``--lotuspay-strict``), showing its shortest sequence; the other differences are
warnings. A deadline (``--lotuspay-max-duration``) bounds the whole session.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import LotusPayContractError
from ._options import OPTION_DIFF, OPTION_URL, LotusPayWarning, plugin_settings

if TYPE_CHECKING:
    from ..diff import DiffResult, DiffSettings

__all__ = ["use_diff"]

#: Batches per tier: one item each, so a long diff shows progress and fails by batch.
_BATCHES = {"smoke": 1, "standard": 3, "deep": 6}


def use_diff(config: pytest.Config) -> bool:
    """Register the diff (instead of the suite) when ``--lotuspay-diff`` is given; say whether."""
    if not config.getoption(OPTION_DIFF):
        return False
    if not config.getoption(OPTION_URL):
        raise pytest.UsageError(f"{OPTION_DIFF} needs the target: pass {OPTION_URL}.")
    from ._xdist import distributing, is_worker

    if distributing(config) or is_worker(config):  # each worker would write its own report
        raise pytest.UsageError(f"{OPTION_DIFF} runs in one process: add -n 0 (or -p no:xdist).")
    config.pluginmanager.register(_Diff(config), "lotuspay-diff")
    return True


class _Diff:
    """Collects the batch items, starts the reference mock once, and stops it at the end."""

    def __init__(self, config: pytest.Config) -> None:
        from ..diff import DIFF_TIERS
        from ..redact import remember_secret
        from ..report import unwritable
        from ..settings import SettingsError, check_report_paths

        settings = plugin_settings(config)  # the key's presence and shape are checked there
        try:  # before the first request, as every report's path
            check_report_paths(settings, ("report_json", "report_html"), unwritable)
        except SettingsError as exc:
            raise pytest.UsageError(f"lotuspay: {exc}") from None
        remember_secret(settings.api_key)
        tier = DIFF_TIERS[settings.tier]
        self.batches = _BATCHES[tier.name]
        self.base = (settings.base_url or "", settings.api_key or "", tier)
        self.seed = settings.seed or 0
        self.strict = settings.strict
        self.deadline = time.monotonic() + settings.time_limit
        self.examples = max(tier.max_examples // self.batches, 1)
        self._mock: contextlib.ExitStack | None = None
        self._reference: tuple[str, str] | None = None
        self.results: list[DiffResult] = []
        self.reports = (settings.report_json, settings.report_html)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        parent = _DiffCollector.from_parent(session, name="lotuspay-diff", nodeid="lotuspay-diff")
        ours = [
            _BatchItem.from_parent(parent, name=f"batch-{n}", batch=n)
            for n in range(1, self.batches + 1)
        ]
        items[:0] = ours
        session.ihook.pytest_collectreport(
            report=pytest.CollectReport(parent.nodeid, "passed", None, list(ours))
        )

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        from ..redact import mask_key, redact

        url, key, tier = self.base
        return [
            redact(
                f"lotuspay diff: target {url}, key {mask_key(key)}, reference: embedded mock, "
                f"tier {tier.name}, seed {self.seed}{', strict' if self.strict else ''}"
            )
        ]

    def settings_for(self, batch: int) -> DiffSettings:
        from ..diff import DiffSettings

        if self._reference is None:
            from ..mock import running_mock

            self._mock = contextlib.ExitStack()
            url = self._mock.enter_context(running_mock())
            self._reference = (str(url), url.api_keys[0])
        target, key, tier = self.base
        left = self.deadline - time.monotonic()
        return DiffSettings(
            target_url=target,
            target_key=key,
            reference_url=self._reference[0],
            reference_key=self._reference[1],
            tier=replace(tier, kinds=1),
            seed=self.seed + batch,
            strict=self.strict,
            max_duration=max(left, 0.001),
            max_examples=self.examples,
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._mock is not None:
            self._mock.close()
        if self.results and any(self.reports):
            self._write_reports()

    def _write_reports(self) -> None:
        """One report for the session: the batches' findings and counts together."""
        import json

        from ..diff import diff_report_data, render_diff_html

        data = diff_report_data(self.results[0])
        for later in map(diff_report_data, self.results[1:]):
            for name in ("failures", "differences"):
                data[name] += later[name]
            for side in ("reference", "target"):
                data["requests"][side] += later["requests"][side]
            data["sequences"] += later["sequences"]
            data["elapsed_seconds"] += later["elapsed_seconds"]
            data["stopped"] = data["stopped"] or later["stopped"]
            data["exit_code"] = max(data["exit_code"], later["exit_code"])
        json_path, html_path = self.reports
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)
        if html_path:
            with open(html_path, "w", encoding="utf-8") as handle:
                handle.write(render_diff_html(data))


class _DiffCollector(pytest.Collector):
    """The parent of the batch items; it collects nothing by itself."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        return []


class DiffFailure(LotusPayContractError, AssertionError):
    """A failing difference, with the shortest sequence that shows it."""


class _BatchItem(pytest.Item):
    """One batch of generated sequences sent to the target and the reference."""

    def __init__(self, *, batch: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.batch = batch

    def runtest(self) -> None:
        from ..client import TargetError
        from ..diff import render_diff_text, run_diff

        plugin = self.config.pluginmanager.get_plugin("lotuspay-diff")
        assert isinstance(plugin, _Diff)
        if time.monotonic() >= plugin.deadline:
            pytest.skip("not run: deadline")
        try:
            result: DiffResult = run_diff(plugin.settings_for(self.batch))
        except TargetError as exc:
            pytest.exit(f"lotuspay: unreachable: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
        plugin.results.append(result)
        for finding in result.others:
            d = finding.difference
            warnings.warn(
                LotusPayWarning(f"[{d.level}] {d.rule or 'not decided'} {d.pointer}: {d.summary}"),
                stacklevel=1,
            )
        if result.failures:
            raise DiffFailure(render_diff_text(result))
        if result.stopped:
            pytest.fail(f"the diff stopped early: {result.stopped}")

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, DiffFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return ("lotuspay-diff", None, f"diff batch {self.batch}")
