"""The settings model: one typed attribute per option, with everything about the option on it.

Each attribute of :class:`Settings` carries its :class:`Option` (parser, help, the commands it
applies to, its command-line flag, its pytest flag, its environment variable, whether a config
file may set it, whether it changes what a run sends). The CLI's parsers, the plugin's options,
the config file's keys, ``lotuspay-contract config`` and the rerun line are all generated from
this one table, so adding an option is adding one attribute here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ._rules import (
    DEFAULT_MAX_DURATION,
    parse_bool,
    parse_count,
    parse_jobs,
    parse_key,
    parse_milliseconds,
    parse_port,
    parse_positive_count,
    parse_positive_seconds,
    parse_rate,
    parse_seconds,
    parse_seed,
    parse_shard,
    parse_text,
    parse_tier,
    parse_url,
)

__all__ = ["COMMANDS", "OPTIONS", "Option", "Settings", "options_for"]

#: The entry points that read settings; ``plugin`` is ``pytest --lotuspay-*``.
COMMANDS: Final = ("run", "diff", "mock", "report", "checks", "plugin")
_RUNS: Final = frozenset({"run", "plugin"})
_RUNS_AND_DIFF: Final = frozenset({"run", "diff", "plugin"})
_MOCK: Final = frozenset({"mock"})

#: How a value is given: once, as a flag (true/false), repeated (``--x A --x B``), or as
#: comma-separated items (``--x A,B``; a TOML file gives either as an array).
Many = Literal["one", "flag", "repeat", "csv"]


@dataclass(frozen=True)
class Option:
    """One option: how it is parsed, named, documented and where it may come from."""

    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str
    commands: frozenset[str]
    many: Many = "one"
    #: The command-line flag; ``flags`` overrides it for one command.
    flag: str | None = None
    flags: Mapping[str, str] = field(default_factory=dict)
    short: str | None = None
    plugin: str | None = None
    env: str | None = None
    #: A config file may set it (never a key: a file gets committed).
    in_file: bool = True
    #: It changes what a run sends or how it is judged: the rerun line repeats it.
    sent: bool = False
    secret: bool = False
    metavar: str | None = None

    @property
    def key(self) -> str:
        """The config file's key: the name with dashes."""
        return self.name.replace("_", "-")

    def flag_for(self, command: str) -> str:
        """The flag on ``command``'s command line (``plugin``: the pytest option)."""
        if command == "plugin":
            assert self.plugin is not None
            return self.plugin
        return self.flags.get(command) or self.flag or f"--{self.key}"


def _opt(default: Any, parse: Callable[[Any], Any], help: str, **kwargs: Any) -> Any:
    """A settings attribute with its option description (see :class:`Option`)."""
    meta = {"parse": parse, "help": help, **kwargs}
    return field(default=default, metadata={"option": meta, "default": default})


_KEY_HELP = "never printed, never read from a file"


@dataclass(frozen=True)
class Settings:
    """What the user asked for, built once from defaults < config file < environment <
    command line (see :func:`load_settings`). Keys are held here; never print them."""

    # Target and keys.
    base_url: str | None = _opt(
        None,
        parse_url,
        "server root, e.g. https://api-test.lotuspay.com (run: default the embedded mock)",
        commands=_RUNS_AND_DIFF,
        plugin="--lotuspay-url",
        env="LOTUSPAY_BASE_URL",
        sent=True,
        metavar="URL",
    )
    api_key: str | None = _opt(
        None,
        parse_key,
        f"secret key ({_KEY_HELP})",
        commands=_RUNS_AND_DIFF,
        plugin="--lotuspay-key",
        env="LOTUSPAY_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    second_api_key: str | None = _opt(
        None,
        parse_key,
        "a test key of a second account, to check that accounts are isolated "
        f"(without it that check is not exercised on a real server; {_KEY_HELP})",
        commands=_RUNS,
        plugin="--lotuspay-second-key",
        env="LOTUSPAY_SECOND_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    live_key: str | None = _opt(
        None,
        parse_key,
        f"a live key too, to check live/test separation ({_KEY_HELP})",
        commands=_RUNS,
        plugin="--lotuspay-live-key",
        env="LOTUSPAY_LIVE_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    reference: str | None = _opt(
        None,
        parse_url,
        "the reference's root (default: start the embedded mock)",
        commands=frozenset({"diff"}),
        env="LOTUSPAY_REFERENCE_URL",
        sent=True,
        metavar="URL",
    )
    reference_key: str | None = _opt(
        None,
        parse_key,
        f"the reference's secret key ({_KEY_HELP})",
        commands=frozenset({"diff"}),
        env="LOTUSPAY_REFERENCE_API_KEY",
        in_file=False,
        secret=True,
        sent=True,
        metavar="KEY",
    )
    # What runs and how it is judged.
    tier: str = _opt(
        "standard",
        parse_tier,
        "how much to run: smoke, standard (default) or deep",
        commands=_RUNS_AND_DIFF,
        plugin="--lotuspay-tier",
        env="LOTUSPAY_TIER",
        sent=True,
        metavar="TIER",
    )
    max_duration: float | None = _opt(
        None,
        parse_seconds,
        "stop after this long; checks not run by then are reported as "
        "'not run: deadline' and the run fails (default per tier: smoke 120, standard 600, "
        "deep 1800)",
        commands=_RUNS_AND_DIFF,
        plugin="--lotuspay-max-duration",
        env="LOTUSPAY_MAX_DURATION",
        sent=True,
        metavar="SECONDS",
    )
    strict: bool = _opt(
        False,
        parse_bool,
        "SHOULD findings fail the run too",
        commands=_RUNS_AND_DIFF,
        many="flag",
        plugin="--lotuspay-strict",
        env="LOTUSPAY_STRICT",
        sent=True,
    )
    allow_live: bool = _opt(
        False,
        parse_bool,
        "allow writes with an sk_live_ key (refused by default)",
        commands=_RUNS,
        many="flag",
        plugin="--lotuspay-allow-live",
        env="LOTUSPAY_ALLOW_LIVE",
        sent=True,
    )
    checks: tuple[str, ...] | None = _opt(
        None,
        parse_text,
        "only these check ids or families, any case ('lotuspay-contract checks' lists them)",
        commands=frozenset({"run"}),
        many="csv",
        env="LOTUSPAY_CHECKS",
        sent=True,
        metavar="ID,...",
    )
    checks_module: tuple[str, ...] = _opt(
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
    operations: tuple[str, ...] | None = _opt(
        None,
        parse_text,
        "only the checks that exercise these OpenAPI operation ids, any "
        "case, e.g. createCustomer,listCustomers (with --checks: both must hold)",
        commands=_RUNS,
        many="csv",
        plugin="--lotuspay-operations",
        env="LOTUSPAY_OPERATIONS",
        sent=True,
        metavar="ID,...",
    )
    rate_limit: float | None = _opt(
        None,
        parse_rate,
        "send at most N requests per second, retries included (e.g. 2 or 0.5; default: no limit)",
        commands=_RUNS,
        plugin="--lotuspay-rate-limit",
        env="LOTUSPAY_RATE_LIMIT",
        sent=True,
        metavar="N",
    )
    jobs: int = _opt(
        1,
        parse_jobs,
        "run N checks (the plugin: a long check's parts) at a time (default 1); "
        "the verdicts and the report's order do not depend on it",
        commands=_RUNS,
        plugin="--lotuspay-jobs",
        env="LOTUSPAY_JOBS",
        metavar="N",
    )
    shard: tuple[int, int] | None = _opt(
        None,
        parse_shard,
        "run only shard I of N (e.g. 2/3) of the selected checks, for a CI "
        "matrix; needs --seed; 'lotuspay-contract report merge' joins the shards' JSON reports",
        commands=frozenset({"run"}),
        env="LOTUSPAY_SHARD",
        sent=True,
        metavar="I/N",
    )
    seed: int | None = _opt(
        None,
        parse_seed,
        "seed for generated data (default: drawn at random, and printed)",
        commands=_RUNS_AND_DIFF,
        plugin="--lotuspay-seed",
        env="LOTUSPAY_SEED",
        sent=True,
        metavar="N",
    )
    faults: tuple[str, ...] = _opt(
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
    quirks: tuple[str, ...] = _opt(
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
    report_json: str | None = _opt(
        None,
        parse_text,
        "write the JSON report here",
        commands=frozenset({"run", "diff", "plugin", "report"}),
        plugin="--lotuspay-report-json",
        metavar="PATH",
    )
    report_html: str | None = _opt(
        None,
        parse_text,
        "write the HTML report page here",
        commands=frozenset({"run", "diff", "plugin", "report"}),
        flags={"report": "--html"},
        plugin="--lotuspay-report-html",
        metavar="PATH",
    )
    junitxml: str | None = _opt(
        None,
        parse_text,
        "write a JUnit XML report here (pytest: its own --junitxml)",
        commands=frozenset({"run", "report"}),
        metavar="PATH",
    )
    report_har: str | None = _opt(
        None,
        parse_text,
        "record the run's traffic here as HAR 1.2, keys masked (replay: validate --har)",
        commands=_RUNS,
        plugin="--lotuspay-report-har",
        metavar="PATH",
    )
    exit_status: bool = _opt(
        False,
        parse_bool,
        "exit 1 when the run's verdict is a fail, as 'run' does",
        commands=frozenset({"report"}),
        many="flag",
        in_file=False,
    )
    quiet: bool = _opt(
        False,
        parse_bool,
        "print only the summary counts",
        commands=frozenset({"run", "diff"}),
        many="flag",
        short="-q",
        env="LOTUSPAY_QUIET",
    )
    diff: bool = _opt(
        False,
        parse_bool,
        "with --lotuspay-url: run the differential test against the "
        "embedded mock instead of the conformance checks",
        commands=frozenset({"plugin"}),
        many="flag",
        plugin="--lotuspay-diff",
        in_file=False,
    )
    cache_dir: str | None = _opt(
        None,
        parse_text,
        "where the CLI keeps Hypothesis' files (default: the platform's "
        "cache folder, e.g. ~/.cache/lotuspay-contract; never the working directory)",
        commands=frozenset({"run", "diff"}),
        env="LOTUSPAY_CACHE_DIR",
        metavar="DIR",
    )
    # The mock server (``lotuspay-contract mock``).
    mock_host: str = _opt(
        "127.0.0.1",
        parse_text,
        "address to bind (default: loopback)",
        commands=_MOCK,
        flag="--host",
        metavar="HOST",
    )
    mock_port: int = _opt(
        12111,
        parse_port,
        "port (default 12111); 0 picks a free one",
        commands=_MOCK,
        flag="--port",
        metavar="PORT",
    )
    mock_db: str | None = _opt(
        None,
        parse_text,
        "SQLite file that survives restarts (WAL)",
        commands=_MOCK,
        flag="--db",
        metavar="PATH",
    )
    mock_api_keys: tuple[str, ...] = _opt(
        (),
        parse_key,
        "issue this key (repeatable): only issued keys are accepted; default: "
        "two fresh test keys, printed at start",
        commands=_MOCK,
        many="repeat",
        flag="--api-key",
        in_file=False,
        secret=True,
        metavar="KEY",
    )
    mock_accept_any_key: bool = _opt(
        False,
        parse_bool,
        "accept any well-formed sk_test_/sk_live_ key as its own account; a "
        "deviation from the contract (a real server answers 401 to a key it never issued)",
        commands=_MOCK,
        many="flag",
        flag="--accept-any-key",
    )
    mock_seed_customers: int = _opt(
        0,
        parse_count,
        "customers per new account",
        commands=_MOCK,
        flag="--seed-customers",
        metavar="N",
    )
    mock_latency_ms: float = _opt(
        0.0,
        parse_milliseconds,
        "wait MS milliseconds before each answer, as a slow server "
        "would (other requests are served meanwhile); default 0",
        commands=_MOCK,
        flag="--latency-ms",
        metavar="MS",
    )
    mock_workers: int = _opt(
        1,
        parse_positive_count,
        "serve from N processes sharing the port and the --db file "
        "(required with N > 1: a memory database is per process); default 1",
        commands=_MOCK,
        flag="--workers",
        metavar="N",
    )
    mock_request_timeout: float | None = _opt(
        None,
        parse_positive_seconds,
        "a request must arrive whole within this of its first byte (default 10; else 408)",
        commands=_MOCK,
        flag="--request-timeout",
        metavar="SECONDS",
    )
    mock_keep_alive_timeout: float | None = _opt(
        None,
        parse_positive_seconds,
        "close a connection idle this long between requests (default 5)",
        commands=_MOCK,
        flag="--keep-alive-timeout",
        metavar="SECONDS",
    )
    mock_max_header_bytes: int | None = _opt(
        None,
        parse_positive_count,
        "largest request line and headers (default 65536; else 431)",
        commands=_MOCK,
        flag="--max-header-bytes",
        metavar="N",
    )
    mock_max_connections: int | None = _opt(
        None,
        parse_positive_count,
        "open connections served at once (default 1000, or half "
        "the open-file limit if lower); a new one beyond gets 503",
        commands=_MOCK,
        flag="--max-connections",
        metavar="N",
    )

    #: Option name -> where its value came from ("default", a file path, "LOTUSPAY_SEED",
    #: "--seed", "drawn at random"). Not an option.
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
    for f in dataclasses.fields(Settings):
        if "option" in f.metadata:
            built.append(Option(name=f.name, default=f.metadata["default"], **f.metadata["option"]))
    return tuple(built)


#: Every option, in the order of :class:`Settings`.
OPTIONS: Final = _options()


def options_for(command: str) -> list[Option]:
    """The options ``command`` takes (``plugin``: those with a pytest flag)."""
    return [o for o in OPTIONS if command in o.commands]
