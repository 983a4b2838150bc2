"""The plugin's options: generated from the settings' option table, in one group.

Each option is added without ``type=`` or a default: the settings' parsers check the values
when the plugin is used (``--lotuspay-url`` or ``--lotuspay-diff``), together with the
environment and the config file, so a stray ``LOTUSPAY_*`` variable never breaks a pytest run
that does not use the plugin, and loading the plugin imports nothing heavy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pytest

from ..errors import LotusPayContractError
from ..settings import OPTIONS, SettingsError, find_config, load_settings, options_for

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "ENV_KEY",
    "OPTION_ALLOW_LIVE",
    "OPTION_CHECKS_MODULE",
    "OPTION_CLIENT_REPORT",
    "OPTION_CLIENT_STRICT",
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
    "LotusPayWarning",
    "add_options",
    "check_given_options",
    "client_settings",
    "plugin_settings",
]

_FLAGS: Final = {o.name: o.flag_for("plugin") for o in options_for("plugin")}
OPTION_URL: Final = _FLAGS["base_url"]
OPTION_KEY: Final = _FLAGS["api_key"]
OPTION_LIVE_KEY: Final = _FLAGS["live_key"]
OPTION_SECOND_KEY: Final = _FLAGS["second_api_key"]
OPTION_TIER: Final = _FLAGS["tier"]
OPTION_STRICT: Final = _FLAGS["strict"]
OPTION_ALLOW_LIVE: Final = _FLAGS["allow_live"]
OPTION_REPORT_JSON: Final = _FLAGS["report_json"]
OPTION_REPORT_HTML: Final = _FLAGS["report_html"]
OPTION_REPORT_HAR: Final = _FLAGS["report_har"]
OPTION_SEED: Final = _FLAGS["seed"]
OPTION_MAX_DURATION: Final = _FLAGS["max_duration"]
OPTION_CHECKS_MODULE: Final = _FLAGS["checks_module"]
OPTION_RATE_LIMIT: Final = _FLAGS["rate_limit"]
OPTION_OPERATIONS: Final = _FLAGS["operations"]
OPTION_JOBS: Final = _FLAGS["jobs"]
OPTION_DIFF: Final = _FLAGS["diff"]
OPTION_CLIENT_STRICT: Final = _FLAGS["client_strict"]
OPTION_CLIENT_REPORT: Final = _FLAGS["client_report"]
ENV_KEY: Final = str(next(o.env for o in OPTIONS if o.name == "api_key"))
_MARKER: Final = "lotuspay_check"
_SETTINGS: Final = pytest.StashKey["Settings"]()
_CLIENT_SETTINGS: Final = pytest.StashKey["Settings"]()
_ACTIONS: Final = {"flag": "store_true", "repeat": "append", "csv": "append"}


class LotusPayWarning(LotusPayContractError, UserWarning):
    """A SHOULD (or MAY) finding: reported, failing only with --lotuspay-strict."""


def add_options(parser: pytest.Parser) -> None:
    """Add the plugin's options to pytest's parser, in one group."""
    group = parser.getgroup("lotuspay", "LotusPay conformance suite")
    for option in options_for("plugin"):
        extra = {"metavar": option.metavar} if option.metavar else {}
        action = _ACTIONS.get(option.many)
        env = f" [${option.env}]" if option.env else ""
        group.addoption(
            option.flag_for("plugin"),
            dest=f"lotuspay_{option.name}",
            default=None,
            help=f"{option.help}{env}",
            **({"action": action} if action else {}),
            **extra,
        )


def _given(config: pytest.Config) -> dict[str, object]:
    return {o.name: config.getoption(f"lotuspay_{o.name}") for o in options_for("plugin")}


def check_given_options(config: pytest.Config) -> None:
    """Refuse a bad ``--lotuspay-*`` value given on the command line, even when the plugin is
    not used: only those values are read (not the environment, not a config file)."""
    given = {name: value for name, value in _given(config).items() if value}
    if given:
        try:
            load_settings("plugin", given, read_file=False, environ={})
        except SettingsError as exc:
            raise pytest.UsageError(f"lotuspay: {exc}") from None


def client_settings(config: pytest.Config) -> Settings:
    """The settings the client harness reads (``--lotuspay-client-*``, their variables, the
    config file), built once; no rule between a run's options applies: no target is run here."""
    if _CLIENT_SETTINGS in config.stash:
        return config.stash[_CLIENT_SETTINGS]
    try:
        start = config.invocation_params.dir
        if find_config(start) is None:
            start = config.rootpath
        settings = load_settings("plugin", _given(config), start=start, together=False)
    except SettingsError as exc:
        raise pytest.UsageError(f"lotuspay: {exc}") from None
    config.stash[_CLIENT_SETTINGS] = settings
    return settings


def plugin_settings(config: pytest.Config) -> Settings:
    """Return the settings of this pytest run, built once: the ``--lotuspay-*`` options over
    the environment over the config file found from the invocation directory (else pytest's
    rootdir) upward; a bad value is a ``pytest.UsageError`` naming where it came from."""
    if _SETTINGS in config.stash:
        return config.stash[_SETTINGS]
    given = _given(config)
    try:
        start = config.invocation_params.dir
        if find_config(start) is None:
            start = config.rootpath
        settings = load_settings("plugin", given, start=start)
    except SettingsError as exc:
        raise pytest.UsageError(f"lotuspay: {exc}") from None
    config.stash[_SETTINGS] = settings
    return settings
