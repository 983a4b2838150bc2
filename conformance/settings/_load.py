"""Building :class:`Settings` once: defaults < config file < environment < command line.

Every value goes through its option's one parser whatever its layer, and a bad one is a
:class:`SettingsError` naming its layer: the flag, the environment variable, or the file and key.
"""

from __future__ import annotations

import difflib
import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ._config import find_config, read_config
from ._fields import OPTIONS, Settings
from ._option import Option
from ._rules import SettingsError, match_names

__all__ = ["cache_dir", "check_report_paths", "load_settings", "resolve_names"]

_BY_NAME = {o.name: o for o in OPTIONS}
_BY_KEY = {o.key: o for o in OPTIONS}
#: The seed is drawn once, here, for the entry points that generate data.
_SEEDED = frozenset({"run", "diff", "plugin"})
DRAWN = "drawn at random"


def _items(value: Any) -> list[Any]:
    """A repeated or comma-separated option's items: a list as given, text split at commas."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, (list, tuple)):
        return [item.strip() if isinstance(item, str) else item for item in value]
    return [value]


def _parse(option: Option, value: Any, label: str) -> Any:
    try:
        if option.many in ("repeat", "csv"):
            if isinstance(value, list) and not value:  # a file's explicit []: the default
                return option.default
            items = _items(value)
            if option.many == "csv":  # "A,B" in a list item too: --checks A,B --checks C
                items = [i for part in items for i in _items(part)]
            if not items:
                raise SettingsError("expected at least one item, got none")
            return tuple(option.parse(item) for item in items)
        return option.parse(value)
    except SettingsError as exc:
        raise SettingsError(f"{label}: {exc}") from None


def _from_file(path: Path) -> dict[str, tuple[Any, str]]:
    found = {}
    for key, value in read_config(path).items():
        option = _BY_KEY.get(key)
        if option is None:
            near = difflib.get_close_matches(key, list(_BY_KEY), n=1)
            hint = (
                f" (did you mean {near[0]!r}?)"
                if near
                else " (schemas/config.schema.json lists the keys)"
            )
            raise SettingsError(f"{path}: unknown key {key!r}{hint}")
        if not option.in_file:
            where = f": set {option.env} instead" if option.env else ""
            raise SettingsError(
                f"{path}: {key} cannot be set in a file (files get committed){where}"
            )
        found[option.name] = (_parse(option, value, f"{path}: {key}"), str(path))
    return found


def _from_environ(command: str, environ: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    found = {}
    for option in OPTIONS:
        text = environ.get(option.env) if option.env and command in option.commands else None
        if text:  # an empty variable is an unset one
            found[option.name] = (_parse(option, text, str(option.env)), str(option.env))
    return found


def _from_command_line(command: str, given: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    found = {}
    for name, value in given.items():
        option = _BY_NAME[name]
        if value is not None and value not in ([], ()):
            flag = option.flag_for(command)
            found[name] = (_parse(option, value, flag), flag)
    return found


def load_settings(
    command: str,
    given: Mapping[str, Any] | None = None,
    *,
    start: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    read_file: bool = True,
    together: bool = True,
) -> Settings:
    """Return the settings of one ``command`` run (``plugin`` for pytest).

    ``given`` holds the command line's values by option name (None: not given); the config
    file is looked for from ``start`` (default: the working directory) upward. ``together``
    checks the rules between options (a key for a target, a seed for a shard, ...).

    >>> load_settings("run", {"tier": "SMOKE"}, read_file=False, environ={}).tier
    'smoke'
    """
    path = find_config(start or Path.cwd(), environ) if read_file else None
    layers = [_from_file(path) if path else {}, _from_environ(command, environ)]
    layers.append(_from_command_line(command, given or {}))
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for layer in layers:
        for name, (value, source) in layer.items():
            values[name], sources[name] = value, source
    if command in _SEEDED and values.get("seed") is None:
        values["seed"], sources["seed"] = secrets.randbelow(2**32), DRAWN
    settings = Settings(**values, sources=sources, config_file=str(path) if path else None)
    if together:
        _check_together(settings, command)
    return settings


def _label(settings: Settings, name: str, command: str) -> str:
    """How the user set (or would set) option ``name``: its source, else its flag."""
    option = _BY_NAME[name]
    source = settings.sources.get(name, "default")
    if source not in ("default", DRAWN):
        return source if source.startswith(("-", "LOTUSPAY_")) else f"{source}: {option.key}"
    return option.flag_for(command) if command in option.commands else option.key


def _ask(settings: Settings, name: str, command: str) -> str:
    """'pass --x or set LOTUSPAY_X': how to give option ``name``."""
    option = _BY_NAME[name]
    flag = option.flag_for(command)
    return f"pass {flag} or set {option.env}" if option.env else f"pass {flag}"


def _together_problems(s: Settings, command: str) -> list[str]:
    """The rules that involve two options; each problem as one line."""

    def label(name: str) -> str:
        return _label(s, name, command)

    problems = []
    if s.second_api_key and s.second_api_key == s.api_key:
        problems.append(
            f"{label('second_api_key')} must be another account's key, "
            f"not the same as {label('api_key')}"
        )
    if s.base_url and not s.api_key and command in ("run", "diff", "plugin"):
        problems.append(f"no API key for {s.base_url}: {_ask(s, 'api_key', command)}")
    if command == "diff" and not s.base_url:
        problems.append(f"diff needs the target: {_ask(s, 'base_url', command)}")
    if command == "diff" and s.reference and not s.reference_key:
        problems.append(f"no key for the reference: {_ask(s, 'reference_key', command)}")
    if command == "run" and s.base_url and (s.faults or s.quirks):
        name = "faults" if s.faults else "quirks"
        problems.append(f"{label(name)} only applies to the embedded mock (no {label('base_url')})")
    if command == "run" and s.shard and not s.given("seed"):
        problems.append(
            f"{label('shard')} needs {label('seed')}: every shard must generate from the same "
            'seed, or their reports do not merge (in CI, e.g. --seed "$GITHUB_RUN_ID")'
        )
    if command == "mock" and s.mock_workers > 1 and not s.mock_db:
        problems.append(
            f"{label('mock_workers')} needs {label('mock_db')} FILE (a memory database is per "
            "process, so workers would not share customers)"
        )
    return problems


def _check_together(settings: Settings, command: str) -> None:
    problems = _together_problems(settings, command)
    if problems:
        raise SettingsError(problems[0])


def resolve_names(
    settings: Settings,
    command: str,
    *,
    checks: Sequence[str] | None = None,
    operations: Sequence[str] | None = None,
    faults: Sequence[str] | None = None,
    quirks: Sequence[str] | None = None,
) -> Settings:
    """Return ``settings`` with its check ids, operation ids, faults and quirks spelled as the
    catalogues given spell them (matched in any case); raise for a name in none. A catalogue
    not given (None) is not checked.

    The catalogues come from the caller (the suite's and the mock's facades): they are known
    only once the check packs are loaded, and this room imports neither."""
    hints = {
        "checks": (
            "check",
            checks,
            "give check ids or family names separated by commas, e.g. "
            "CUS-LIST-003,transport ('lotuspay-contract checks' lists them)",
        ),
        "operations": (
            "operation",
            operations,
            "give OpenAPI operation ids separated by commas "
            f"(known: {', '.join(operations or ())})",
        ),
        "faults": ("mock fault", faults, "'lotuspay-contract faults' lists them"),
        "quirks": ("mock quirk", quirks, "'lotuspay-contract quirks' lists them"),
    }
    changes: dict[str, Any] = {}
    for name, (what, known, hint) in hints.items():
        given = getattr(settings, name)
        if given and known is not None:
            label = _label(settings, name, command)
            changes[name] = tuple(match_names(label, given, known, what, hint))
    return replace(settings, **changes) if changes else settings


def cache_dir(settings: Settings) -> Path:
    """The CLI's folder for Hypothesis' files: ``cache_dir``, else the platform's cache."""
    if settings.cache_dir:
        return Path(settings.cache_dir)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lotuspay-contract"


def check_report_paths(
    settings: Settings, names: Sequence[str], unwritable: Callable[[str], str | None]
) -> None:
    """Refuse, before any request, a report path (options ``names``) that cannot be written.

    ``unwritable`` is the report room's rule (it says why a path cannot be written, or None):
    passed in, since this room is below the report's."""
    for name in names:
        path = getattr(settings, name)
        if path and (problem := unwritable(path)) is not None:
            raise SettingsError(problem)
