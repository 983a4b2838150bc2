"""``lotuspay-contract config``: the effective settings and where each came from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..settings import COMMANDS, describe_settings, load_settings, options_for
from ._options import add_settings_arguments

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``config`` sub-command."""
    parser = subparsers.add_parser(
        "config",
        help="show the effective settings and where each came from (keys masked)",
        description=(
            "Print every setting with its value and its source: the default, the config file "
            "(lotuspay-contract.toml, or [tool.lotuspay-contract] in pyproject.toml, found from "
            "the working directory upward; $LOTUSPAY_CONFIG names another or 'none'), an "
            "environment variable, or the command line. Takes the options of the command "
            "given with --command (default run). Keys are masked."
        ),
    )
    parser.add_argument(
        "--command",
        dest="config_command",
        type=str.lower,
        choices=[c for c in COMMANDS if c != "checks"],
        default="run",
        help="show the settings of this command (default run; plugin: pytest --lotuspay-*)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    # The run's options: `config --tier deep` shows what `run --tier deep` would use.
    add_settings_arguments(parser, "run")
    parser.set_defaults(handler=run)


#: What an unset value means where it is not "nothing" (jobs: the adaptive default).
_UNSET_MEANS = {"jobs": "auto"}


def _shown(value: Any, name: str = "") -> str:
    if value is None:
        return _UNSET_MEANS.get(name, "(not set)")
    return json.dumps(value, ensure_ascii=False)


def run(args: argparse.Namespace) -> int:
    """Print the settings of ``--command`` with their sources."""
    command = args.config_command
    given = {o.name: getattr(args, o.name, None) for o in options_for("run")}
    given = {name: value for name, value in given.items() if command in _commands(name)}
    # Shown as they are, even when a rule between two of them would stop the command.
    settings = load_settings(command, given, read_file=command != "report", together=False)
    rows = describe_settings(settings, command)
    if args.format == "json":
        document = {"command": command, "config_file": settings.config_file, "settings": rows}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return 0
    print(f"# lotuspay-contract {command}: config file {settings.config_file or '(none found)'}")
    width = max(len(row["key"]) for row in rows)
    for row in rows:
        print(f"{row['key']:<{width}} = {_shown(row['value'], row['key'])}  # {row['source']}")
    return 0


def _commands(name: str) -> frozenset[str]:
    return next(o.commands for o in options_for("run") if o.name == name)
