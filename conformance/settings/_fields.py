"""The settings model: one typed attribute per option, with everything about the option on it.

Each attribute of :class:`Settings` carries its :class:`Option` (parser, help, the commands it
applies to, its command-line flag, its pytest flag, its environment variable, whether a config
file may set it, whether it changes what a run sends). The CLI's parsers, the plugin's options,
the config file's keys, ``lotuspay-contract config`` and the rerun line are all generated from
this one table, so adding an option is adding one attribute here (the mock's: in
``_mock_fields``).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from ._mock_fields import MockSettings
from ._option import KEY_HELP, RUNS, RUNS_AND_DIFF, Option, opt
from ._rules import (
    DEFAULT_MAX_DURATION,
    parse_bool,
    parse_date,
    parse_jobs,
    parse_key,
    parse_rate,
    parse_seconds,
    parse_seed,
    parse_shard,
    parse_text,
    parse_tier,
    parse_url,
)

__all__ = ["OPTIONS", "Settings", "options_for"]


@dataclass(frozen=True)
class Settings(MockSettings):
    """What the user asked for, built once from defaults < config file < environment <
    command line (see :func:`load_settings`). Keys are held here; never print them."""

    # Target and keys.
    base_url: str | None = opt(
        None,
        parse_url,
        "server root, e.g. https://api-test.lotuspay.com (run: default the embedded mock)",
        commands=RUNS_AND_DIFF,
        plugin="--lotuspay-url",
        env="LOTUSPAY_BASE_URL",
        sent=True,
        metavar="URL",
    )
    api_key: str | None = opt(
        None,
        parse_key,
        f"secret key ({KEY_HELP})",
        commands=RUNS_AND_DIFF,
        plugin="--lotuspay-key",
        env="LOTUSPAY_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    second_api_key: str | None = opt(
        None,
        parse_key,
        "a test key of a second account, to check that accounts are isolated "
        f"(without it that check is not exercised on a real server; {KEY_HELP})",
        commands=RUNS,
        plugin="--lotuspay-second-key",
        env="LOTUSPAY_SECOND_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    live_key: str | None = opt(
        None,
        parse_key,
        f"a live key too, to check live/test separation ({KEY_HELP})",
        commands=RUNS,
        plugin="--lotuspay-live-key",
        env="LOTUSPAY_LIVE_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    reference: str | None = opt(
        None,
        parse_url,
        "the reference's root (default: start the embedded mock)",
        commands=frozenset({"diff"}),
        env="LOTUSPAY_REFERENCE_URL",
        sent=True,
        metavar="URL",
    )
    reference_key: str | None = opt(
        None,
        parse_key,
        f"the reference's secret key ({KEY_HELP})",
        commands=frozenset({"diff"}),
        env="LOTUSPAY_REFERENCE_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    # What runs and how it is judged.
    tier: str = opt(
        "standard",
        parse_tier,
        "how much to run: smoke, standard (default) or deep",
        commands=RUNS_AND_DIFF,
        plugin="--lotuspay-tier",
        env="LOTUSPAY_TIER",
        sent=True,
        metavar="TIER",
    )
    max_duration: float | None = opt(
        None,
        parse_seconds,
        "stop after this long; checks not run by then are reported as "
        "'not run: deadline' and the run fails (default per tier: smoke 120, standard 600, "
        "deep 1800)",
        commands=RUNS_AND_DIFF,
        plugin="--lotuspay-max-duration",
        env="LOTUSPAY_MAX_DURATION",
        sent=True,
        metavar="SECONDS",
    )
    strict: bool = opt(
        False,
        parse_bool,
        "SHOULD findings fail the run too",
        commands=RUNS_AND_DIFF,
        many="flag",
        plugin="--lotuspay-strict",
        env="LOTUSPAY_STRICT",
        sent=True,
    )
    allow_live: bool = opt(
        False,
        parse_bool,
        "allow writes with an sk_live_ key (refused by default)",
        commands=RUNS,
        many="flag",
        plugin="--lotuspay-allow-live",
        env="LOTUSPAY_ALLOW_LIVE",
        sent=True,
    )
    checks: tuple[str, ...] | None = opt(
        None,
        parse_text,
        "only these check ids or families, any case ('lotuspay-contract checks' lists them)",
        commands=frozenset({"run"}),
        many="csv",
        env="LOTUSPAY_CHECKS",
        sent=True,
        metavar="ID,...",
    )
    checks_module: tuple[str, ...] = opt(
        (),
        parse_text,
        "load custom checks from this module: a dotted name importable from the "
        "current directory or a path to a .py file (repeatable; installed packs of the entry "
        "point group lotuspay_contract.checks are always loaded)",
        commands=frozenset({"run", "checks", "plugin"}),
        many="repeat",
        plugin="--lotuspay-checks-module",
        env="LOTUSPAY_CHECKS_MODULE",
        sent=True,
        metavar="MODULE",
    )
    operations: tuple[str, ...] | None = opt(
        None,
        parse_text,
        "only the checks that exercise these OpenAPI operation ids, any "
        "case, e.g. createCustomer,listCustomers (with --checks: both must hold)",
        commands=RUNS,
        many="csv",
        plugin="--lotuspay-operations",
        env="LOTUSPAY_OPERATIONS",
        sent=True,
        metavar="ID,...",
    )
    rate_limit: float | None = opt(
        None,
        parse_rate,
        "send at most N requests per second, retries included (e.g. 2 or 0.5; default: no limit)",
        commands=RUNS,
        plugin="--lotuspay-rate-limit",
        env="LOTUSPAY_RATE_LIMIT",
        sent=True,
        metavar="N",
    )
    jobs: int | None = opt(
        None,
        parse_jobs,
        "run N checks (the plugin: a long check's parts) at a time, or auto (the default): "
        "several side by side, fewer and paced as soon as the target answers 429, more again "
        "while it does not; the verdicts and the report's order never depend on it",
        commands=RUNS,
        plugin="--lotuspay-jobs",
        env="LOTUSPAY_JOBS",
        metavar="N|auto",
    )
    shard: tuple[int, int] | None = opt(
        None,
        parse_shard,
        "run only shard I of N (e.g. 2/3) of the selected checks, for a CI "
        "matrix; needs --seed; 'lotuspay-contract report merge' joins the shards' JSON reports",
        commands=frozenset({"run"}),
        env="LOTUSPAY_SHARD",
        sent=True,
        metavar="I/N",
    )
    seed: int | None = opt(
        None,
        parse_seed,
        "seed for generated data (default: drawn at random, and printed)",
        commands=RUNS_AND_DIFF,
        plugin="--lotuspay-seed",
        env="LOTUSPAY_SEED",
        sent=True,
        metavar="N",
    )
    faults: tuple[str, ...] = opt(
        (),
        parse_text,
        "with the embedded mock: simulate this bug (repeatable; "
        "'lotuspay-contract faults' lists them)",
        commands=frozenset({"run", "mock"}),
        many="repeat",
        flag="--mock-fault",
        flags={"mock": "--fault"},
        sent=True,
        metavar="NAME",
    )
    quirks: tuple[str, ...] = opt(
        (),
        parse_text,
        "with the embedded mock: show this legal variation (repeatable; "
        "'lotuspay-contract quirks' lists them)",
        commands=frozenset({"run", "mock"}),
        many="repeat",
        flag="--mock-quirk",
        flags={"mock": "--quirk"},
        sent=True,
        metavar="NAME",
    )
    # Reports: every path is checked before the first request.
    report_json: str | None = opt(
        None,
        parse_text,
        "write the JSON report here",
        commands=frozenset({"run", "diff", "plugin", "report"}),
        plugin="--lotuspay-report-json",
        metavar="PATH",
    )
    report_html: str | None = opt(
        None,
        parse_text,
        "write the HTML report page here",
        commands=frozenset({"run", "diff", "plugin", "report"}),
        flags={"report": "--html"},
        plugin="--lotuspay-report-html",
        metavar="PATH",
    )
    junitxml: str | None = opt(
        None,
        parse_text,
        "write a JUnit XML report here (pytest: its own --junitxml)",
        commands=frozenset({"run", "report"}),
        metavar="PATH",
    )
    report_har: str | None = opt(
        None,
        parse_text,
        "record the run's traffic here as HAR 1.2, keys masked (replay: validate --har)",
        commands=RUNS,
        plugin="--lotuspay-report-har",
        metavar="PATH",
    )
    report_markdown: str | None = opt(
        None,
        parse_text,
        'write a short Markdown summary here (e.g. "$GITHUB_STEP_SUMMARY")',
        commands=frozenset({"run", "plugin", "report"}),
        flags={"report": "--markdown"},
        plugin="--lotuspay-report-markdown",
        metavar="PATH",
    )
    # The baseline: known findings do not fail the run (schemas/baseline.schema.json).
    baseline: str | None = opt(
        None,
        parse_text,
        "known findings (JSON, schemas/baseline.schema.json): a finding listed is reported "
        "'known' and does not fail the run; an expired entry fails it; an entry that matched "
        "nothing is listed 'resolved'",
        commands=RUNS,
        plugin="--lotuspay-baseline",
        env="LOTUSPAY_BASELINE",
        metavar="FILE",
    )
    write_baseline: str | None = opt(
        None,
        parse_text,
        "write this run's failing findings as a starting baseline (fill in each reason)",
        commands=RUNS,
        plugin="--lotuspay-write-baseline",
        in_file=False,
        metavar="FILE",
    )
    baseline_today: datetime.date | None = opt(  # noqa: RUF009 (a field(); a date is immutable)
        None,
        parse_date,
        "judge the baseline's expiry dates as of this day (default: today, UTC)",
        commands=RUNS,
        plugin="--lotuspay-baseline-today",
        env="LOTUSPAY_BASELINE_TODAY",
        in_file=False,
        metavar="YYYY-MM-DD",
    )
    exit_status: bool = opt(
        False,
        parse_bool,
        "exit 1 when the run's verdict is a fail, as 'run' does",
        commands=frozenset({"report"}),
        many="flag",
        in_file=False,
    )
    quiet: bool = opt(
        False,
        parse_bool,
        "print only the summary counts",
        commands=frozenset({"run", "diff"}),
        many="flag",
        short="-q",
        env="LOTUSPAY_QUIET",
    )
    diff: bool = opt(
        False,
        parse_bool,
        "with --lotuspay-url: run the differential test against the "
        "embedded mock instead of the conformance checks",
        commands=frozenset({"plugin"}),
        many="flag",
        plugin="--lotuspay-diff",
        in_file=False,
    )
    # Testing your own client against lotuspay_mock (the plugin's fixture, no --lotuspay-url).
    client_strict: bool = opt(
        False,
        parse_bool,
        "fail a test using lotuspay_mock on any request that breaks the request contract",
        commands=frozenset({"plugin"}),
        many="flag",
        plugin="--lotuspay-client-strict",
        env="LOTUSPAY_CLIENT_STRICT",
    )
    client_report: str | None = opt(
        None,
        parse_text,
        "write each lotuspay_mock test's requests and violations here as JSON",
        commands=frozenset({"plugin"}),
        plugin="--lotuspay-client-report",
        metavar="PATH",
    )
    cache_dir: str | None = opt(
        None,
        parse_text,
        "where the CLI keeps Hypothesis' files (default: the platform's "
        "cache folder, e.g. ~/.cache/lotuspay-contract; never the working directory)",
        commands=frozenset({"run", "diff"}),
        env="LOTUSPAY_CACHE_DIR",
        metavar="DIR",
    )
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: The config file read, if any.
    config_file: str | None = field(default=None, compare=False)

    @property
    def time_limit(self) -> float:
        """The one deadline rule: ``max_duration``, else the tier's default."""
        if self.max_duration is not None:
            return self.max_duration
        return DEFAULT_MAX_DURATION[self.tier]

    def given(self, name: str) -> bool:
        """Whether option ``name`` was set by the user (a file, the environment, a flag)."""
        return self.sources.get(name, "default") not in ("default", "drawn at random")

    def __repr__(self) -> str:  # keys never reach a log through repr
        return f"Settings(tier={self.tier!r}, seed={self.seed!r}, base_url={self.base_url!r})"


def _options() -> tuple[Option, ...]:
    built = []
    # The mock's options last: they are a server's, not a run's.
    for f in sorted(dataclasses.fields(Settings), key=lambda f: f.name.startswith("mock_")):
        if "option" in f.metadata:
            built.append(Option(name=f.name, default=f.metadata["default"], **f.metadata["option"]))
    return tuple(built)


#: Every option, in the order of :class:`Settings`.
OPTIONS: Final = _options()


def options_for(command: str) -> list[Option]:
    """The options ``command`` takes (``plugin``: those with a pytest flag)."""
    return [o for o in OPTIONS if command in o.commands]
