"""What the settings look like to a person: the rerun command and the ``config`` listing."""

from __future__ import annotations

import shlex
from typing import Any

from ._fields import OPTIONS, Settings
from ._option import Option

__all__ = ["describe_settings", "rerun_command"]

_PROGRAM = {"plugin": "pytest"}


def _shown(option: Option, value: Any) -> str:
    """A value as the command line (and the ``config`` listing) spells it."""
    if option.many in ("repeat", "csv") and isinstance(value, tuple):
        return ",".join(map(str, value))
    if option.name == "shard" and value:
        return f"{value[0]}/{value[1]}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _words(option: Option, settings: Settings, command: str) -> list[str]:
    """The words that repeat ``option``'s value on ``command``'s command line."""
    value = getattr(settings, option.name)
    flag = option.flag_for(command)
    if option.secret:  # never the key: the variable the user exports holds it
        return [flag, f'"${option.env}"'] if value and option.env else []
    if option.many == "flag":
        if value:
            return [flag]
        return [f"--no-{flag[2:]}"] if settings.given(option.name) and command != "plugin" else []
    if value is None or value == () or value == option.default:
        return []
    if option.many == "repeat":
        return [w for item in value for w in (flag, shlex.quote(str(item)))]
    return [flag, shlex.quote(_shown(option, value))]


def rerun_command(settings: Settings, command: str = "run") -> str:
    """Return a shell command that repeats what this run sent and how it was judged.

    Every option that changes the requests or the verdicts (target, tier, checks, seed, faults,
    quirks, strictness, shard, deadline, ...: those marked ``sent``) is spelled out, whatever
    layer set it, so the line reproduces the run outside this folder too; keys appear as the
    environment variables that hold them, never as text.

    >>> from lotuspay_contract.conformance.settings import load_settings
    >>> s = load_settings("run", {"tier": "smoke", "seed": "7"}, read_file=False, environ={})
    >>> rerun_command(s)
    'lotuspay-contract run --tier smoke --seed 7'
    """
    program = _PROGRAM.get(command, f"lotuspay-contract {command}")
    words = [program]
    for option in OPTIONS:
        if option.sent and command in option.commands:
            words += _words(option, settings, command)
    return " ".join(words)


def describe_settings(settings: Settings, command: str | None = None) -> list[dict[str, Any]]:
    """Return every option (of ``command``, or all) with its value and where it came from;
    keys masked."""
    from ..redact import mask_key

    rows = []
    for option in OPTIONS:
        if command is not None and command not in option.commands:
            continue
        value = getattr(settings, option.name)
        if option.secret and value:
            value = [mask_key(v) for v in value] if isinstance(value, tuple) else mask_key(value)
        rows.append(
            {
                "key": option.key,
                "value": list(value) if isinstance(value, tuple) else value,
                "source": settings.sources.get(option.name, "default"),
                "commands": sorted(option.commands),
            }
        )
    return rows
