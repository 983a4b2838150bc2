"""The plugin's options: names as constants, one group, validators with full-sentence errors."""

from __future__ import annotations

import argparse
import os
import re
from typing import Final

import pytest

OPTION_URL: Final = "--lotuspay-url"
OPTION_KEY: Final = "--lotuspay-key"
OPTION_LIVE_KEY: Final = "--lotuspay-live-key"
OPTION_SECOND_KEY: Final = "--lotuspay-second-key"
OPTION_TIER: Final = "--lotuspay-tier"
OPTION_STRICT: Final = "--lotuspay-strict"
OPTION_ALLOW_LIVE: Final = "--lotuspay-allow-live"
OPTION_REPORT_JSON: Final = "--lotuspay-report-json"
OPTION_REPORT_HTML: Final = "--lotuspay-report-html"
OPTION_REPORT_HAR: Final = "--lotuspay-report-har"
OPTION_SEED: Final = "--lotuspay-seed"
OPTION_MAX_DURATION: Final = "--lotuspay-max-duration"
OPTION_CHECKS_MODULE: Final = "--lotuspay-checks-module"
OPTION_RATE_LIMIT: Final = "--lotuspay-rate-limit"
OPTION_OPERATIONS: Final = "--lotuspay-operations"
OPTION_JOBS: Final = "--lotuspay-jobs"
ENV_KEY: Final = "LOTUSPAY_API_KEY"
OPTION_CLIENT_STRICT: Final = "--lotuspay-client-strict"  # h5
OPTION_CLIENT_REPORT: Final = "--lotuspay-client-report"  # h5
_TIERS: Final = ("smoke", "standard", "deep")
_MARKER: Final = "lotuspay_check"
_KEY_SHAPE: Final = re.compile(r"sk_(?:test|live)_[!-~]+")


class LotusPayWarning(UserWarning):
    """A SHOULD (or MAY) finding: reported, failing only with --lotuspay-strict."""


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"The LotusPay URL must start with http:// or https://, but {text!r} does not."
        )
    root = text.rstrip("/")
    if root.endswith("/v1"):
        raise argparse.ArgumentTypeError(
            f"The LotusPay URL is the server root: drop /v1 (give {root[:-3]!r}, not {text!r})."
        )
    return root


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"The rate limit is a number of requests per second above 0, but {text!r} was given."
        )
    return value


def _operations(text: str) -> list[str]:
    from ..suite import OPERATION_IDS, unknown_operations

    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = unknown_operations(items)
    if unknown or not items:
        raise argparse.ArgumentTypeError(
            f"Unknown operation {', '.join(unknown) or '(none given)'}: give OpenAPI operation "
            f"ids separated by commas (known: {', '.join(OPERATION_IDS.values())})."
        )
    return items


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


def _jobs(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(
            f"The number of threads must be a whole number from 1 to 64, but {text!r} was given."
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
    # Nothing is trimmed: " sk_live_x" is refused, not taken for a key of some mode.
    if not _KEY_SHAPE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "A LotusPay secret key starts with sk_test_ or sk_live_ and has no spaces around it; "
            "the key given does not."
        )
    return text


def add_options(parser: pytest.Parser) -> None:
    """Add the plugin's options to pytest's parser, in one group."""
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
        OPTION_SECOND_KEY,
        type=_key,
        metavar="KEY",
        help="a test key of a second account, to check that accounts are isolated",
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
    group.addoption(
        OPTION_CHECKS_MODULE,
        action="append",
        default=[],
        metavar="MODULE",
        help="load custom checks from this module: a dotted name importable from the current "
        "directory or a path to a .py file (repeatable; installed packs of the entry point "
        "group lotuspay_contract.checks are always loaded)",
    )
    group.addoption(
        OPTION_RATE_LIMIT,
        type=_rate,
        metavar="N",
        help="send at most N requests per second, retries included (default: no limit)",
    )
    group.addoption(
        OPTION_OPERATIONS,
        type=_operations,
        metavar="ID,...",
        help="only the checks that exercise these OpenAPI operation ids, e.g. createCustomer",
    )
    group.addoption(
        OPTION_JOBS,
        type=_jobs,
        default=1,
        metavar="N",
        help="threads a long check (the state machine, the fuzz phase) runs its fixed parts in; "
        "under pytest-xdist, per worker (default 1; the parts and verdicts do not depend on it)",
    )
    # h5 options: testing your own client against lotuspay_mock
    group.addoption(
        OPTION_CLIENT_STRICT,
        action="store_true",
        help="fail a test using lotuspay_mock on any request that breaks the request contract",
    )
    group.addoption(
        OPTION_CLIENT_REPORT,
        metavar="PATH",
        help="write each lotuspay_mock test's requests and violations here as JSON",
    )
    from ._diff import add_diff_option

    add_diff_option(group)
