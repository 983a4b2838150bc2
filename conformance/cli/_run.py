"""``lotuspay-contract run``: the conformance suite against a target, or the embedded mock."""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from ._run_options import (
    _bad_key,
    _base_url,
    _check_list,
    _jobs,
    _operation_list,
    _rate,
    _seconds,
    _seed,
    _shard,
    run_facts,
    unknown_checks,
)

__all__ = ["register"]

ENV_KEY = "LOTUSPAY_API_KEY"
ENV_SECOND_KEY = "LOTUSPAY_SECOND_API_KEY"


def _load_packs(args: argparse.Namespace) -> str | None:
    """Load the custom checks (``--checks-module``, entry points) and check ``--checks`` against
    every registered check; return a usage error message, or None."""
    from ..suite import FAMILIES, CheckPackError, all_checks, load_checks

    try:
        load_checks(args.checks_module)
    except CheckPackError as exc:
        return str(exc)
    known = {c.id for c in all_checks()} | set(FAMILIES)
    unknown = [item for item in args.checks or () if item not in known]
    return unknown_checks(unknown) if unknown else None


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
            "130 for Ctrl-C. 'lotuspay-contract checks' lists the check ids --checks takes."
        ),
    )
    parser.add_argument(
        "--base-url",
        type=_base_url,
        help="server root, e.g. https://api-test.lotuspay.com (default: start the embedded mock)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get(ENV_KEY),
        help=f"secret key (default: ${ENV_KEY}); never printed",
    )
    parser.add_argument("--live-key", help="a live key too, to check live/test separation")
    parser.add_argument(
        "--second-api-key",
        default=os.environ.get(ENV_SECOND_KEY),
        help=f"a test key of a second account, to check that accounts are isolated (default: "
        f"${ENV_SECOND_KEY}); without it that check is not exercised on a real server",
    )
    parser.add_argument(
        "--tier",
        choices=("smoke", "standard", "deep"),
        default="standard",
        help="how much to run: smoke, standard (default) or deep; --max-duration bounds each",
    )
    parser.add_argument(
        "--max-duration",
        type=_seconds,
        metavar="SECONDS",
        help=(
            "stop the run after this long, whatever the server does; checks not run by then "
            "are reported as 'not run: deadline' and the run exits 1 "
            "(default per tier: smoke 120, standard 600, deep 1800)"
        ),
    )
    parser.add_argument("--strict", action="store_true", help="SHOULD findings fail the run too")
    parser.add_argument(
        "--allow-live",
        action="store_true",
        help="allow writes with an sk_live_ key (refused by default)",
    )
    parser.add_argument(
        "--checks",
        type=_check_list,
        metavar="ID,...",
        help="only these check ids or families ('lotuspay-contract checks' lists them)",
    )
    from ._checks import add_checks_module_option

    add_checks_module_option(parser)
    parser.add_argument(
        "--operations",
        type=_operation_list,
        metavar="ID,...",
        help="only the checks that exercise these OpenAPI operation ids, e.g. "
        "createCustomer,listCustomers (with --checks: both must hold)",
    )
    parser.add_argument(
        "--rate-limit",
        type=_rate,
        metavar="N",
        help="send at most N requests per second, retries included (e.g. 2 or 0.5; "
        "default: no limit)",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="run N checks at a time (default 1); the verdicts and the report's order do not "
        "depend on it; the checks that drive Hypothesis (fuzz, stateful, generated examples) "
        "run one at a time beside the others",
    )
    parser.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="run only shard I of N (e.g. 2/3) of the selected checks, for a CI matrix; the "
        "split depends only on the checks and the tier; needs --seed; 'lotuspay-contract "
        "report merge' joins the shards' JSON reports",
    )
    parser.add_argument("--seed", type=_seed, help="seed for generated data (default: random)")
    parser.add_argument("--report-json", metavar="PATH", help="write the JSON report here")
    parser.add_argument("--report-html", metavar="PATH", help="write the HTML report page here")
    parser.add_argument("--junitxml", metavar="PATH", help="write a JUnit XML report here")
    parser.add_argument(
        "--report-har",
        metavar="PATH",
        help="record the run's traffic here as HAR 1.2, key masked (replay: validate --har)",
    )
    parser.add_argument(
        "--mock-fault",
        action="append",
        default=[],
        metavar="NAME",
        help="with the embedded mock: simulate this bug (repeatable)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the summary counts (no per-check lines, no findings)",
    )
    parser.set_defaults(handler=run)


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


def _usage_error(message: str) -> int:
    print(f"lotuspay-contract run: error: {message}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _target(args: argparse.Namespace) -> Iterator[tuple[str, str, str, str | None]]:
    """Yield the base URL, a label, the key and the second account's key; start the embedded
    mock when no URL is given (it issues the keys given, or two of its own)."""
    if args.base_url:
        yield args.base_url, args.base_url, args.api_key, args.second_api_key
        return
    from ..mock import running_mock
    from ..mock._server import issue_keys

    keys = None
    if args.api_key or args.live_key:  # the mock issues the keys given, and makes up the rest
        keys = [args.api_key or issue_keys(1)[0], args.second_api_key or issue_keys(1)[0]]
        keys += [args.live_key] if args.live_key else []
    with running_mock(api_keys=keys, faults=tuple(args.mock_fault)) as url:
        label = f"{url} (embedded mock" + (
            f", faults: {', '.join(args.mock_fault)})" if args.mock_fault else ")"
        )
        yield str(url), label, url.api_keys[0], url.api_keys[1]


def _har_path(args: argparse.Namespace) -> str | None:
    """The HAR report path, when this build has the option."""
    path = getattr(args, "report_har", None)
    return path if isinstance(path, str) else None


def run(args: argparse.Namespace) -> int:
    """Run the suite; print the summary; write the reports; return the exit status."""
    from ..redact import mask_key, redact, remember_secret
    from ..suite import (
        INTERRUPTED_REASON,
        TIERS,
        RunSettings,
        TargetUnreachable,
        max_duration_for,
        new_run_id,
        notices_for,
        run_suite,
        select_checks,
        shard_checks,
    )

    _tolerant_streams()

    if args.mock_fault and args.base_url:
        return _usage_error("--mock-fault only applies to the embedded mock (no --base-url)")
    if args.mock_fault:
        from ..mock import FAULTS

        unknown = [name for name in args.mock_fault if name not in FAULTS]
        if unknown:
            return _usage_error(
                f"unknown mock fault {', '.join(unknown)}; known: {', '.join(FAULTS)}"
            )
    pack_error = _load_packs(args)
    if pack_error:
        return _usage_error(pack_error)
    if not args.api_key and args.base_url:
        return _usage_error(f"no API key: pass --api-key or set {ENV_KEY}")
    if args.second_api_key and args.second_api_key == args.api_key:
        return _usage_error("--second-api-key must be another account's key, not --api-key")
    for name, given in (
        ("--api-key", args.api_key),
        ("--live-key", args.live_key),
        ("--second-api-key", args.second_api_key),
    ):
        if (problem := _bad_key(name, given)) is not None:
            return _usage_error(problem)
    from ..report import unwritable

    for path in (args.report_json, args.report_html, args.junitxml, _har_path(args)):
        if path and (problem := unwritable(path)) is not None:
            return _usage_error(problem)
    key = args.api_key or ""
    for secret in (args.api_key, args.second_api_key, args.live_key):
        remember_secret(secret)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    checks = select_checks(args.checks, args.tier, args.operations)
    if not checks:
        return _usage_error("no check matches --checks and --operations together")
    if args.shard:
        if args.seed is None:
            return _usage_error(
                "--shard needs --seed: every shard must generate from the same seed, or their "
                'reports do not merge (in CI, e.g. --seed "$GITHUB_RUN_ID")'
            )
        index, count = args.shard
        checks = shard_checks(checks, index, count, args.tier)
    recorder = None
    if args.report_har:  # checked and recording before the run starts
        from ..report import HarRecorder

        try:
            recorder = HarRecorder.for_path(args.report_har, [key, args.live_key])
        except OSError as exc:
            return _usage_error(str(exc))
    result = None
    terminated = False
    try:
        with (
            _sigterm_as_interrupt() as received,
            recorder or contextlib.nullcontext(),  # stops recording when the run ends
            _target(args) as (url, label, key, second_key),
        ):
            remember_secret(key)  # the embedded mock's own keys are masked like the user's
            remember_secret(second_key)
            settings = RunSettings(
                base_url=url,
                api_key=key,
                second_key=second_key,
                tier=TIERS[args.tier],
                seed=seed,
                run_id=new_run_id(),
                strict=args.strict,
                allow_live=args.allow_live,
                live_key=args.live_key,
            )
            limit = max_duration_for(settings, args.max_duration)
            if not args.quiet:
                pace = f", {args.rate_limit:g} requests/s" if args.rate_limit else ""
                print(
                    redact(
                        f"lotuspay-contract run {settings.run_id}: target {label}, key "
                        f"{mask_key(key)}, tier {args.tier}, seed {seed}, at most {limit:g} s"
                        f"{pace}{', strict' if args.strict else ''}"
                    )
                )
                for notice in notices_for(settings, checks):
                    print(f"note: {notice}")
            result = run_suite(
                settings,
                checks=checks,
                max_duration=limit,
                rate_limit=args.rate_limit,
                jobs=args.jobs,
            )
        terminated = bool(received)
    except _Terminated:
        if result is None:  # before the run started: nothing to report
            print("lotuspay-contract run: terminated", file=sys.stderr)
            return 2
        terminated = True  # while the embedded mock stopped: the run's reports still count
    except TargetUnreachable as exc:
        secret = [k for k in (key, args.second_api_key) if k]
        if recorder is not None:  # what was tried: the traffic that found it unreachable
            with contextlib.suppress(OSError):
                recorder.write(args.report_har, comment="the target was unreachable")
        return _usage_error(f"target unreachable: {redact(str(exc), secret)}")
    except OSError as exc:
        return _usage_error(f"cannot start the embedded mock: {exc}")
    with _signals_held():
        status = _finish(args, result, recorder)
    if status:
        return status
    if result.stopped == INTERRUPTED_REASON:
        # Ctrl-C keeps the shell's convention; a SIGTERM (a CI runner's timeout) is an
        # incomplete run: 2, like an unreachable target.
        return 2 if terminated else 130
    return result.exit_code


def _finish(args: argparse.Namespace, result: Any, recorder: Any = None) -> int:
    """Print the findings and summary, write the reports; return 2 if one cannot be written."""
    from ..report import (
        render_findings,
        render_summary,
        report_data,
        write_html_report,
        write_json_report,
        write_junit,
    )

    # The reports first: they are what a CI job keeps, and printing may meet a closed pipe.
    report = report_data(result)  # one document for the JSON and HTML reports
    report.update(run_facts(args))  # the shard, the embedded mock's faults and quirks
    try:
        if args.report_json:
            write_json_report(report, args.report_json)
        if args.junitxml:
            write_junit(result, args.junitxml)
        if args.report_html:
            write_html_report(report, args.report_html)
        if recorder is not None:
            recorder.write_report(report, args.report_har)
    except OSError as exc:
        return _usage_error(f"cannot write {exc.filename or 'a report'}: {exc.strerror or exc}")
    findings = render_findings(result)
    if findings and not args.quiet:
        print()
        print(findings)
    if not args.quiet:
        print()
    print(render_summary(result, quiet=args.quiet))
    if result.stopped:
        print(f"stopped early: {result.stopped}")
    return 0
