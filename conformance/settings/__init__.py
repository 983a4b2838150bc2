"""One settings model for every entry point: ``run``, ``diff``, ``report``, ``mock``, ``checks``
and the pytest plugin.

:class:`Settings` is built once by :func:`load_settings` from defaults < config file
(``lotuspay-contract.toml`` or ``[tool.lotuspay-contract]`` in ``pyproject.toml``, found from the
working directory upward) < environment (``LOTUSPAY_*``) < command line. Each option is one
attribute of :class:`Settings` with its parser, flags and help (see ``_fields``); the rules a
value obeys (tier, seed, key shape, deadline, ...) exist once, in ``_rules``, and a bad value is
one :class:`SettingsError` whose message names where it came from.

The bottom of ``conformance`` beside ``redact`` (the only room it imports): the suite takes its
tier names and default deadlines from here; loading it costs no heavy import (the TOML parser
is imported only when a file is read), so the plugin may load it at every pytest start.
"""

from ._config import CONFIG_ENV, OWN_FILE, TABLE, find_config, read_config
from ._fields import OPTIONS, Settings, options_for
from ._load import cache_dir, check_report_paths, load_settings, resolve_names
from ._option import COMMANDS, Option
from ._render import describe_settings, rerun_command
from ._rules import (
    DEFAULT_MAX_DURATION,
    MAX_JOBS,
    TIER_NAMES,
    SettingsError,
    bad_key,
    match_names,
    parse_key,
)
from ._schema import config_schema

__all__ = [
    "COMMANDS",
    "CONFIG_ENV",
    "DEFAULT_MAX_DURATION",
    "MAX_JOBS",
    "OPTIONS",
    "OWN_FILE",
    "TABLE",
    "TIER_NAMES",
    "Option",
    "Settings",
    "SettingsError",
    "bad_key",
    "cache_dir",
    "check_report_paths",
    "config_schema",
    "describe_settings",
    "find_config",
    "load_settings",
    "match_names",
    "options_for",
    "parse_key",
    "read_config",
    "rerun_command",
    "resolve_names",
]
