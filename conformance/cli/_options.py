"""The command line's side of the settings: one-line usage errors and the arguments generated
from the settings' option table (:data:`..settings.OPTIONS`).

Arguments are added as plain text (no ``type=``, no ``choices=``): the settings' parsers check
every value, from the command line as from the environment or a config file, with one message.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from ..settings import Settings, load_settings, options_for

__all__ = ["OneLineParser", "add_settings_arguments", "settings_from_args", "usage_error"]


class OneLineParser(argparse.ArgumentParser):
    """argparse with a usage error on one line, not the usage block before it."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def usage_error(command: str, message: str) -> int:
    """Print ``message`` as ``command``'s one-line usage error; return 2."""
    from ..redact import redact

    print(f"lotuspay-contract {command}: error: {redact(message)}", file=sys.stderr)
    return 2


def _action(many: str) -> dict[str, Any]:
    if many == "flag":  # --strict / --no-strict: a file's true can be undone on the command line
        return {"action": argparse.BooleanOptionalAction}
    if many in ("repeat", "csv"):
        return {"action": "append"}
    return {}


def add_settings_arguments(
    parser: argparse.ArgumentParser | Any, command: str, *, skip: tuple[str, ...] = ()
) -> None:
    """Add an argument for every option of ``command`` (``skip``: names added otherwise)."""
    for option in options_for(command):
        if option.name in skip:
            continue
        names = [option.short] if option.short else []
        names.append(option.flag_for(command))
        extra: dict[str, Any] = {"metavar": option.metavar} if option.metavar else {}
        default = "" if option.default in (None, [], False) else f" (default: {option.default})"
        env = f" [${option.env}]" if option.env else ""
        parser.add_argument(
            *names,
            dest=option.name,
            default=None,
            help=f"{option.help}{default if '(default' not in option.help else ''}{env}",
            **_action(option.many),
            **extra,
        )


def settings_from_args(command: str, args: argparse.Namespace) -> Settings:
    """Return the settings of this ``command`` run: its arguments over the environment over
    the config file over the defaults (raises :class:`..settings.SettingsError`)."""
    given = {o.name: getattr(args, o.name, None) for o in options_for(command)}
    # A report's outputs name files of one call: neither a config file nor the environment.
    return load_settings(command, given, read_file=command != "report")
