"""The rules every option value obeys, each once: a parser per kind of value.

A parser takes the text (or TOML value) given and returns the typed value, or raises
:class:`SettingsError` with the reason, one sentence without the option's name: the caller adds
where the value came from (``--seed``, ``LOTUSPAY_SEED``, a file and key), so a rule has exactly
one message whatever the entry point.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from ..errors import LotusPayContractError

__all__ = [
    "DEFAULT_MAX_DURATION",
    "MAX_JOBS",
    "TIER_NAMES",
    "SettingsError",
    "bad_key",
    "match_names",
    "parse_bool",
    "parse_count",
    "parse_jobs",
    "parse_key",
    "parse_milliseconds",
    "parse_port",
    "parse_positive_count",
    "parse_positive_seconds",
    "parse_rate",
    "parse_seconds",
    "parse_seed",
    "parse_shard",
    "parse_text",
    "parse_tier",
    "parse_url",
]

#: The one list of tiers, cheapest first (the suite, the diff and every option take it from here).
TIER_NAMES: Final = ("smoke", "standard", "deep")

#: Seconds a run may take, per tier: measured against the mock smoke takes a few seconds; a real
#: server over the internet is many times slower, and a hostile one (always 429, dripping bytes)
#: would otherwise hold a run for ever.
DEFAULT_MAX_DURATION: Final = {"smoke": 120.0, "standard": 600.0, "deep": 1800.0}

#: More threads (or shards) than this would only queue on the target (and on the GIL).
MAX_JOBS: Final = 64

#: A secret key as LotusPay issues them; nothing is trimmed before the match.
_KEY_SHAPE: Final = re.compile(r"sk_(?:test|live)_[!-~]+")


class SettingsError(LotusPayContractError, ValueError):
    """An option's value (from the command line, the environment or a config file) is unusable.

    The message is one line naming where the value came from; entry points print it as a usage
    error (exit 2) or raise it as ``pytest.UsageError``.
    """


def _text(value: Any) -> str:
    """The value given, as a message shows it: text quoted, a TOML number or boolean bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def parse_text(value: Any) -> str:
    """Any non-empty text (a path, a module name, a host)."""
    if not isinstance(value, str) or not value:
        raise SettingsError(f"expected a non-empty text, got {_text(value)}")
    return value


def parse_date(value: Any) -> datetime.date:
    """A day, YYYY-MM-DD (TOML dates too)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise SettingsError(f"expected a date YYYY-MM-DD, got {_text(value)}") from None


def parse_bool(value: Any) -> bool:
    """true/false (TOML booleans; in the environment 1/0, true/false, yes/no, on/off)."""
    if isinstance(value, bool):
        return value
    words = {"1": True, "true": True, "yes": True, "on": True}
    words |= {"0": False, "false": False, "no": False, "off": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise SettingsError(f"expected true or false, got {_text(value)}")


def _number(value: Any, kind: Callable[[Any], Any]) -> Any:
    """``value`` as an int or float, or None when it is not one (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    try:
        return kind(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_seed(value: Any) -> int:
    """The seed: a whole number from 0 to 2**63 - 1."""
    number = _number(value, int)
    if number is None or not 0 <= number < 2**63:
        raise SettingsError(f"the seed is a whole number from 0 to 2**63 - 1, got {_text(value)}")
    return int(number)


def parse_tier(value: Any) -> str:
    """A tier name, in any case."""
    name = value.strip().lower() if isinstance(value, str) else None
    if name not in TIER_NAMES:
        raise SettingsError(f"the tier is one of {', '.join(TIER_NAMES)}, got {_text(value)}")
    return name


def parse_seconds(value: Any) -> float:
    """A deadline: seconds above 0 and at most a day."""
    number = _number(value, float)
    if number is None or not 0 < number <= 86400:
        raise SettingsError(
            f"the maximum duration is a number of seconds above 0 and at most 86400, "
            f"got {_text(value)}"
        )
    return float(number)


def parse_positive_seconds(value: Any) -> float:
    """A timeout: seconds above 0."""
    number = _number(value, float)
    if number is None or not 0 < number < math.inf:
        raise SettingsError(f"expected a number of seconds above 0, got {_text(value)}")
    return float(number)


def parse_milliseconds(value: Any) -> float:
    """A latency: milliseconds of at least 0."""
    number = _number(value, float)
    if number is None or not 0 <= number < math.inf:
        raise SettingsError(f"expected a number of milliseconds of at least 0, got {_text(value)}")
    return float(number)


def parse_rate(value: Any) -> float:
    """A rate limit: requests per second above 0."""
    number = _number(value, float)
    if number is None or not 0 < number < math.inf:
        raise SettingsError(
            f"the rate limit is a number of requests per second above 0, got {_text(value)}"
        )
    return float(number)


def parse_jobs(value: Any) -> int | None:
    """Checks (or a long check's parts) at a time: 1 to :data:`MAX_JOBS`, or ``auto`` (None):
    as many as the target takes without a 429."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return None
    number = _number(value, int)
    if number is None or not 1 <= number <= MAX_JOBS:
        raise SettingsError(
            f"the number of jobs is auto or a whole number from 1 to {MAX_JOBS}, got {_text(value)}"
        )
    return int(number)


def parse_count(value: Any) -> int:
    """A whole number of at least 0."""
    number = _number(value, int)
    if number is None or number < 0:
        raise SettingsError(f"expected a whole number of at least 0, got {_text(value)}")
    return int(number)


def parse_positive_count(value: Any) -> int:
    """A whole number of at least 1."""
    number = _number(value, int)
    if number is None or number < 1:
        raise SettingsError(f"expected a whole number of at least 1, got {_text(value)}")
    return int(number)


def parse_port(value: Any) -> int:
    """A TCP port; 0 picks a free one."""
    number = _number(value, int)
    if number is None or not 0 <= number <= 65535:
        raise SettingsError(f"expected a port from 0 to 65535 (0: a free one), got {_text(value)}")
    return int(number)


def parse_shard(value: Any) -> tuple[int, int]:
    """``I/N``: this shard's number I from 1 to N, and N at most :data:`MAX_JOBS`."""
    index, _, count = str(value).partition("/")
    shard = (_number(index, int), _number(count, int))
    if shard[0] is None or shard[1] is None or not 1 <= shard[0] <= shard[1] <= MAX_JOBS:
        raise SettingsError(
            f"the shard is I/N, this shard's number I from 1 to N and the number of shards N "
            f"(at most {MAX_JOBS}), e.g. 2/3; got {_text(value)}"
        )
    return int(shard[0]), int(shard[1])


def parse_url(value: Any) -> str:
    """A server root: http(s)://host[:port], without the /v1 the suite adds."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise SettingsError(f"the URL must start with http:// or https://, got {_text(value)}")
    root = value.rstrip("/")
    if root.endswith("/v1"):
        raise SettingsError(
            f"the URL is the server root: drop /v1 (give {root[:-3]!r}, not {value!r}); "
            "the suite adds /v1/... itself"
        )
    return root


def parse_key(value: Any) -> str:
    """A LotusPay secret key. Nothing is trimmed: a key with a stray space is refused, not taken
    for a key of some mode. The message never repeats the value."""
    if not isinstance(value, str) or not _KEY_SHAPE.fullmatch(value):
        raise SettingsError(
            "not a LotusPay secret key: it must start with sk_test_ or sk_live_, "
            "with no spaces around it"
        )
    return value


def bad_key(label: str, value: str | None) -> str | None:
    """Return the one-line reason ``value`` (from ``label``) is not key-shaped, or None."""
    if value is None:
        return None
    try:
        parse_key(value)
    except SettingsError as exc:
        return f"{label}: {exc}"
    return None


def match_names(
    label: str, given: Sequence[str], known: Iterable[str], what: str, hint: str = ""
) -> list[str]:
    """Return ``given`` spelled as in ``known``, matched in any case; raise naming the unknown.

    ``what`` names the items (``check``, ``operation``, ``mock fault``); ``hint`` says where to
    find the known names.
    """
    canonical = {name.casefold(): name for name in known}
    unknown = [name for name in given if name.casefold() not in canonical]
    if unknown or not given:
        raise SettingsError(
            f"{label}: unknown {what} {', '.join(unknown) or '(none given)'}"
            f"{'; ' + hint if hint else ''}"
        )
    return [canonical[name.casefold()] for name in given]
