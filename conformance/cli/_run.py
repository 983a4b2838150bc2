"""``lotuspay-contract run``: the conformance suite against a target, or the embedded mock."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from ..settings import (
    Settings,
    SettingsError,
    cache_dir,
    check_report_paths,
    rerun_command,
    resolve_names,
)
from ._options import add_settings_arguments, settings_from_args, usage_error
from ._run_reports import finished_report, known_test, observer, read_baseline_for, write_reports

__all__ = ["check_reports", "register", "use_cache_dir"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``run`` sub-command."""
    parser = subparsers.add_parser(
        "run",
        help="run the conformance suite against a server (default: the embedded mock)",
        description=(
            "Run the conformance checks against a LotusPay-compatible server. Without "
            "--base-url the embedded mock is started on a free loopback port. The reports are "
            "written however the run ends (findings, a crashed check, the deadline, Ctrl-C, "
            "SIGTERM). Exit 0 when every check ran and none fails, 1 when a check fails or "
            "the deadline cut checks, 2 for usage errors, an unreachable target or SIGTERM, "
            "130 for Ctrl-C. 'lotuspay-contract checks' lists the check ids --checks takes. "
            "Every option may also come from $LOTUSPAY_* (shown in brackets) or a config file "
            "('lotuspay-contract config' shows what applies)."
        ),
    )
    add_settings_arguments(parser, "run")
    parser.set_defaults(handler=run)


def check_reports(settings: Settings, names: tuple[str, ...]) -> None:
    """Refuse, before any request, a report path that cannot be written."""
    from ..report import unwritable

    check_report_paths(settings, names, unwritable)


def use_cache_dir(settings: Settings) -> None:
    """Keep Hypothesis' files in the settings' cache folder, not the working directory."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(cache_dir(settings) / "hypothesis")


def _prepared(settings: Settings) -> Settings:
    """Load the check packs, spell every name as its catalogue does, check the report paths;
    raise :class:`SettingsError` before any request."""
    from ..mock import FAULTS, QUIRKS
    from ..redact import remember_secret
    from ..suite import FAMILIES, OPERATION_IDS, CheckPackError, all_checks, load_checks

    try:
        load_checks(settings.checks_module)
    except CheckPackError as exc:
        raise SettingsError(str(exc)) from None
    settings = resolve_names(
        settings,
        "run",
        checks=[*(c.id for c in all_checks()), *FAMILIES],
        operations=list(OPERATION_IDS.values()),
        faults=list(FAULTS),
        quirks=list(QUIRKS),
    )
    check_reports(
        settings,
        (
            "report_json",
            "report_html",
            "junitxml",
            "report_har",
            "report_markdown",
            "write_baseline",
        ),
    )
    for secret in (settings.api_key, settings.second_api_key, settings.live_key):
        remember_secret(secret)
    use_cache_dir(settings)
    return settings


def _selected(settings: Settings) -> list[Any]:
    """The checks the settings select (tier, --checks, --operations, --shard)."""
    from ..suite import select_checks, shard_checks

    checks = select_checks(settings.checks, settings.tier, settings.operations)
    if not checks:
        raise SettingsError("no check matches --checks and --operations together")
    if settings.shard:
        checks = shard_checks(checks, *settings.shard, settings.tier)
    return checks


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be: the run stops the same orderly way."""


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[list[int]]:
    """Within the block SIGTERM raises :class:`_Terminated` (a ``KeyboardInterrupt``).

    Yields a list that holds the signal once one came.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: Any) -> None:
        if not received:  # a second SIGTERM must not break the orderly stop of the first
            received.append(signum)
            raise _Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Within the block SIGTERM and SIGINT are ignored: the reports get written whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)


def _tolerant_streams() -> None:
    """Never crash on printing: what cannot be encoded is written as a backslash escape."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, TypeError):
                reconfigure(errors="backslashreplace")


def _embedded_label(url: str, settings: Settings) -> str:
    parts = [f"faults: {', '.join(settings.faults)}"] if settings.faults else []
    parts += [f"quirks: {', '.join(settings.quirks)}"] if settings.quirks else []
    return f"{url} (embedded mock{', ' if parts else ''}{'; '.join(parts)})"


@contextlib.contextmanager
def _target(settings: Settings) -> Iterator[tuple[str, str, str, str | None]]:
    """Yield the base URL, a label, the key and the second account's key; start the embedded
    mock when no URL is given (it issues the keys given, or two of its own)."""
    s = settings
    if s.base_url:
        yield s.base_url, s.base_url, s.api_key or "", s.second_api_key
        return
    from ..mock import issue_keys, running_mock

    keys = None
    if s.api_key or s.live_key:  # the mock issues the keys given, and makes up the rest
        keys = [s.api_key or issue_keys(1)[0], s.second_api_key or issue_keys(1)[0]]
        keys += [s.live_key] if s.live_key else []
    with running_mock(api_keys=keys, faults=tuple(s.faults), quirks=tuple(s.quirks)) as url:
        yield str(url), _embedded_label(str(url), s), url.api_keys[0], url.api_keys[1]


def _run_settings(settings: Settings, url: str, key: str, second_key: str | None) -> Any:
    from ..suite import TIERS, RunSettings, new_run_id

    return RunSettings(
        base_url=url,
        api_key=key,
        second_key=second_key,
        tier=TIERS[settings.tier],
        seed=settings.seed or 0,
        run_id=new_run_id(),
        strict=settings.strict,
        allow_live=settings.allow_live,
        live_key=settings.live_key,
    )


def _announce(settings: Settings, run: Any, label: str, checks: list[Any]) -> None:
    """Print the start line and the run's notes (unless quiet)."""
    from ..redact import mask_key, redact
    from ..suite import notices_for

    if settings.quiet:
        return
    pace = f", {settings.rate_limit:g} requests/s" if settings.rate_limit else ""
    print(
        redact(
            f"lotuspay-contract run {run.run_id}: target {label}, key "
            f"{mask_key(run.api_key)}, tier {settings.tier}, seed {run.seed}, at most "
            f"{settings.time_limit:g} s{pace}{', strict' if settings.strict else ''}"
        )
    )
    for notice in notices_for(run, checks):
        print(f"note: {notice}")


def _suite_run(settings: Settings, checks: list[Any], recorder: Any) -> tuple[Any, bool]:
    """Run the suite against the target; return the result and whether SIGTERM stopped it.

    Raises ``_Terminated`` when SIGTERM came before the run started."""
    from ..redact import remember_secret
    from ..suite import run_suite

    done: list[Any] = []
    try:
        with (
            _sigterm_as_interrupt() as received,
            recorder or contextlib.nullcontext(),  # stops recording when the run ends
            _target(settings) as (url, label, key, second_key),
        ):
            remember_secret(key)  # the embedded mock's own keys are masked like the user's
            remember_secret(second_key)
            run_settings = _run_settings(settings, url, key, second_key)
            _announce(settings, run_settings, label, checks)
            done.append(
                run_suite(
                    run_settings,
                    checks=checks,
                    max_duration=settings.time_limit,
                    rate_limit=settings.rate_limit,
                    jobs=settings.jobs,
                )
            )
    except _Terminated:
        if not done:
            raise
        return done[0], True  # while the embedded mock stopped: the run's reports still count
    return done[0], bool(received)


def _recorder(settings: Settings) -> Any:
    """The HAR recorder, recording before the run starts (None without --report-har)."""
    if not settings.report_har:
        return None
    from ..report import HarRecorder

    try:
        return HarRecorder.for_path(settings.report_har, [settings.api_key, settings.live_key])
    except OSError as exc:
        raise SettingsError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Run the suite; print the summary; write the reports; return the exit status."""
    from ..redact import redact
    from ..suite import INTERRUPTED_REASON, TargetUnreachable

    _tolerant_streams()
    settings = _prepared(settings_from_args("run", args))
    checks = _selected(settings)
    baseline = read_baseline_for(settings)
    recorder = _recorder(settings)
    observed = observer()  # what the run saw beyond the contract
    try:
        with observed:
            result, terminated = _suite_run(settings, checks, recorder)
    except _Terminated:  # before the run started: nothing to report
        print("lotuspay-contract run: terminated", file=sys.stderr)
        return 2
    except TargetUnreachable as exc:
        if recorder is not None:  # what was tried: the traffic that found it unreachable
            with contextlib.suppress(OSError):
                recorder.write(settings.report_har, comment="the target was unreachable")
        return usage_error("run", f"target unreachable: {redact(str(exc))}")
    except OSError as exc:
        return usage_error("run", f"cannot start the embedded mock: {exc}")
    report, exit_code = finished_report(settings, result, observed, baseline)
    with _signals_held():
        status = _finish(settings, result, report, recorder)
    if status:
        return status
    if result.stopped == INTERRUPTED_REASON:
        # Ctrl-C keeps the shell's convention; a SIGTERM (a CI runner's timeout) is an
        # incomplete run: 2, like an unreachable target.
        return 2 if terminated else 130
    return exit_code


def _finish(settings: Settings, result: Any, report: dict[str, Any], recorder: Any) -> int:
    """Print the findings and summary, write the reports; return 2 if one cannot be written."""
    from ..report import render_baseline, render_findings, render_summary

    # The reports first: they are what a CI job keeps, and printing may meet a closed pipe.
    try:
        write_reports(settings, report, recorder)
    except OSError as exc:
        return usage_error(
            "run", f"cannot write {exc.filename or 'a report'}: {exc.strerror or exc}"
        )
    findings = render_findings(result, known=known_test(report))
    if findings and not settings.quiet:
        print()
        print(findings)
    if not settings.quiet:
        print()
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    print(render_summary(result, quiet=settings.quiet, statuses=statuses))
    for line in render_baseline(report):
        print(line)
    if result.stopped:
        print(f"stopped early: {result.stopped}")
    if result.exit_code and not settings.quiet:  # the same requests, judged the same way
        print(f"rerun: {rerun_command(settings)}")
    return 0
