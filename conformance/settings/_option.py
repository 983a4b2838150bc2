"""What an option is (:class:`Option`) and ``opt``, which puts one on a settings attribute."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = ["COMMANDS", "KEY_HELP", "MOCK", "RUNS", "RUNS_AND_DIFF", "Option", "opt"]

#: The entry points that read settings; ``plugin`` is ``pytest --lotuspay-*``.
COMMANDS: Final = ("run", "diff", "mock", "report", "checks", "plugin")
RUNS: Final = frozenset({"run", "plugin"})
RUNS_AND_DIFF: Final = frozenset({"run", "diff", "plugin"})
MOCK: Final = frozenset({"mock"})

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


def opt(default: Any, parse: Callable[[Any], Any], help: str, **kwargs: Any) -> Any:
    """A settings attribute with its option description (see :class:`Option`)."""
    meta = {"parse": parse, "help": help, **kwargs}
    return field(default=default, metadata={"option": meta, "default": default})


KEY_HELP = "never printed, never read from a file"
