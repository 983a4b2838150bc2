"""The pytest plugin (entry point ``pytest11: lotuspay``): the conformance suite as test items.

Inert unless ``--lotuspay-url`` is given: it then adds one test item per check of the chosen tier
(scenario checks first, then the checks of every response, which judge all the traffic).

    pytest --lotuspay-url https://api-test.lotuspay.com --lotuspay-tier smoke

The run has a deadline (``--lotuspay-max-duration``, by default the tier's): checks not run by
then are skipped as ``not run: deadline`` and the session fails. The reports are written at
session finish whatever happened (failures, a crashed check, Ctrl-C).

Usage errors (a malformed key, a URL ending in /v1, an unwritable report path) and an
unreachable target stop pytest at once with one line and a non-zero status, as the CLI does.

Under pytest-xdist (``-n N``) each worker runs the checks it is handed and the controller
writes one set of reports merging all workers (see ``_xdist``). xdist is not needed otherwise.

The fixtures ``lotuspay_client`` and ``lotuspay_mock`` are available to any test suite; for tests
of a team's own client, ``lotuspay_mock`` also runs a test per variation
(``@pytest.mark.lotuspay_variations``), answers reserved trigger inputs and judges every request
sent to it (``_client_requests``). Heavy modules (the runner, the mock, httpx) are imported only
when used.
"""

from __future__ import annotations

import pytest

from ._fixtures import ClientMock, lotuspay_client, lotuspay_mock, lotuspay_mock_options
from ._options import (
    _MARKER,
    ENV_KEY,
    OPTION_ALLOW_LIVE,
    OPTION_CHECKS_MODULE,
    OPTION_DIFF,
    OPTION_JOBS,
    OPTION_KEY,
    OPTION_LIVE_KEY,
    OPTION_MAX_DURATION,
    OPTION_OPERATIONS,
    OPTION_RATE_LIMIT,
    OPTION_REPORT_HAR,
    OPTION_REPORT_HTML,
    OPTION_REPORT_JSON,
    OPTION_SECOND_KEY,
    OPTION_SEED,
    OPTION_STRICT,
    OPTION_TIER,
    OPTION_URL,
    LotusPayWarning,
    add_options,
    check_given_options,
)

# pytest finds fixtures among a plugin module's attributes: re-exported here on purpose.
__all__ = [
    "ENV_KEY",
    "OPTION_ALLOW_LIVE",
    "OPTION_CHECKS_MODULE",
    "OPTION_DIFF",
    "OPTION_JOBS",
    "OPTION_KEY",
    "OPTION_LIVE_KEY",
    "OPTION_MAX_DURATION",
    "OPTION_OPERATIONS",
    "OPTION_RATE_LIMIT",
    "OPTION_REPORT_HAR",
    "OPTION_REPORT_HTML",
    "OPTION_REPORT_JSON",
    "OPTION_SECOND_KEY",
    "OPTION_SEED",
    "OPTION_STRICT",
    "OPTION_TIER",
    "OPTION_URL",
    "ClientMock",
    "LotusPayWarning",
    "lotuspay_client",
    "lotuspay_mock",
    "lotuspay_mock_options",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(check_id): the item runs the LotusPay conformance check check_id",
    )
    from ._client_requests import ClientRequests, register_markers

    register_markers(config)
    config.pluginmanager.register(ClientRequests(config), "lotuspay-client-requests")
    from ._diff import use_diff

    if use_diff(config):  # --lotuspay-diff: the diff's items instead of the suite's
        return
    if not config.getoption(OPTION_URL):
        check_given_options(config)
        return
    from ._suite import _Suite
    from ._xdist import Controller, distributing

    suite = _Suite(config)
    config.pluginmanager.register(suite, "lotuspay-suite")
    if distributing(config):  # the xdist controller: runs no item, merges the workers'
        if getattr(config.option, "dist", "") == "each":
            raise pytest.UsageError(
                "lotuspay: --dist each runs every check on every worker; use -n N alone."
            )
        config.pluginmanager.register(Controller(suite), "lotuspay-xdist")


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    suite = config.pluginmanager.get_plugin("lotuspay-suite")
    if suite is None:
        return None
    from ..redact import mask_key, redact

    run = suite.settings
    source = f", config {suite.options.config_file}" if suite.options.config_file else ""
    return [
        redact(
            f"lotuspay: target {run.base_url}, key {mask_key(run.api_key)}, "
            f"tier {run.tier.name}, seed {run.seed}, "
            f"run {run.run_id}{', strict' if run.strict else ''}{source}"
        )
    ]
