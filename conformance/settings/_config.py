"""The config file: ``lotuspay-contract.toml``, or ``[tool.lotuspay-contract]`` in
``pyproject.toml``, found from a directory upward.

In each directory, from the start upward, a ``lotuspay-contract.toml`` is taken first (like
``ruff.toml`` before ``pyproject.toml``: a file of its own is the more deliberate choice); else
a ``pyproject.toml`` that has a ``[tool.lotuspay-contract]`` table (one without it is passed
over). ``LOTUSPAY_CONFIG=PATH`` names the file instead; ``LOTUSPAY_CONFIG=none`` reads none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from ._rules import SettingsError

__all__ = ["CONFIG_ENV", "OWN_FILE", "TABLE", "find_config", "read_config"]

OWN_FILE: Final = "lotuspay-contract.toml"
TABLE: Final = "lotuspay-contract"
CONFIG_ENV: Final = "LOTUSPAY_CONFIG"


def _load_toml(path: Path) -> dict[str, Any]:
    # Imported here: only a run that has a config file pays for the parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read the config file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    return data


def _table(path: Path, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The settings table of a loaded file, or None when a pyproject.toml has none."""
    if path.name != "pyproject.toml":
        return dict(data)
    tool = data.get("tool")
    table = tool.get(TABLE) if isinstance(tool, Mapping) else None
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise SettingsError(f"{path}: [tool.{TABLE}] must be a table")
    return dict(table)


def find_config(start: Path, environ: Mapping[str, str] = os.environ) -> Path | None:
    """Return the config file that applies in ``start``, or None."""
    named = environ.get(CONFIG_ENV)
    if named:
        return None if named.lower() == "none" else Path(named)
    for folder in (start.resolve(), *start.resolve().parents):
        own = folder / OWN_FILE
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and _table(project, _load_toml(project)) is not None:
            return project
    return None


def read_config(path: Path) -> dict[str, Any]:
    """Return the settings table of ``path`` (empty when a pyproject.toml has none)."""
    return _table(path, _load_toml(path)) or {}
