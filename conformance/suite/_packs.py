"""Check packs: custom checks from the user's own modules and from installed distributions.

A custom check is written exactly like a built-in one (``scenario_check``/``response_check`` and a
:class:`~._context.CheckContext`) in a module outside this package. What differs is checked when
it registers:

- its id is ``X-<PACK>-NNN`` (``PACK``: 2 to 12 capitals or digits, starting with a capital);
  ``CUS-`` ids belong to the built-in checks. Its family is the pack name in lower case, which
  must not be a built-in family;
- its rules are contract rule ids of ``docs/contract.md`` (the level is derived from their tags as
  for a built-in check) and/or the pack's own rules, declared with :class:`Rule` and an explicit
  tag, whose id starts with ``<pack>.`` (so it never shadows a contract rule).

:func:`load_checks` imports the modules named on the command line (``--checks-module``,
``--lotuspay-checks-module``) and every entry point of the group ``lotuspay_contract.checks``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Literal

from ..errors import LotusPayContractError

__all__ = [
    "ENTRY_POINT_GROUP",
    "PACK_RULE_TAGS",
    "CheckPackError",
    "Rule",
    "load_checks",
    "pack_family",
    "pack_rule_ids",
]

#: The entry point group an installable check pack declares its module in.
ENTRY_POINT_GROUP = "lotuspay_contract.checks"

#: A pack's own rule id -> its tag, as the pack declared it (the contract's are ``RULE_TAGS``).
PACK_RULE_TAGS: dict[str, tuple[str, ...]] = {}

_PACK_ID = re.compile(r"X-([A-Z][A-Z0-9]{1,11})-\d{3}")
_TAGS = ("doc", "conv", "ours")
_LOADED_FILES: dict[Path, ModuleType] = {}


class CheckPackError(LotusPayContractError, ValueError):
    """A check pack cannot be loaded or one of its checks cannot be registered."""


@dataclass(frozen=True)
class Rule:
    """A rule a check pack states itself, with the tag that sets its level.

    ``tag`` is ``"doc"`` (MUST: only for what LotusPay's docs state), ``"conv"`` (SHOULD) or
    ``"ours"`` (MAY); ``id`` starts with the pack's family and a dot.

    >>> Rule("acme.required_metadata", "conv", "the merchant's metadata keys survive")
    Rule(id='acme.required_metadata', tag='conv', text="the merchant's metadata keys survive")
    """

    id: str
    tag: Literal["doc", "conv", "ours"]
    text: str = ""


def pack_family(check_id: str, builtin_families: Iterable[str]) -> str:
    """Return the family of the custom check ``check_id`` (its pack name in lower case)."""
    match = _PACK_ID.fullmatch(check_id)
    if match is None:
        raise CheckPackError(
            f"custom check id {check_id!r} is not of the form X-<PACK>-NNN (e.g. X-ACME-001): "
            f"CUS- ids belong to the built-in checks"
        )
    family = match.group(1).lower()
    if family in set(builtin_families):
        raise CheckPackError(f"custom check {check_id}: {family!r} is a built-in family")
    return family


def pack_rule_ids(
    check_id: str,
    rules: Sequence[str | Rule],
    family: str | None,
    contract: Iterable[str],
) -> tuple[str, ...]:
    """Return the rule ids of ``rules``, recording the pack's own :class:`Rule` declarations.

    ``family`` is None for a built-in check, which may cite contract rules only.
    """
    known = set(contract)
    declared: dict[str, tuple[str, ...]] = {}
    for rule in rules:
        if isinstance(rule, str):
            if rule not in known and rule not in PACK_RULE_TAGS:
                raise CheckPackError(
                    f"check {check_id}: {rule!r} is not a rule of docs/contract.md; "
                    f"declare the pack's own rule with Rule(id, tag)"
                )
            continue
        if family is None:
            raise CheckPackError(f"check {check_id}: built-in checks cite contract rules only")
        if rule.tag not in _TAGS:
            raise CheckPackError(f"check {check_id}: rule {rule.id}: tag must be one of {_TAGS}")
        if not rule.id.startswith(f"{family}.") or rule.id in known:
            raise CheckPackError(
                f"check {check_id}: the pack's own rule {rule.id!r} must start with {family}."
            )
        before = PACK_RULE_TAGS.get(rule.id)
        if before is not None and before != (rule.tag,):
            raise CheckPackError(f"rule {rule.id} is declared [{before[0]}] and [{rule.tag}]")
        declared[rule.id] = (rule.tag,)
    PACK_RULE_TAGS.update(declared)
    return tuple(r if isinstance(r, str) else r.id for r in rules)


def _import_file(path: Path) -> ModuleType:
    path = path.resolve()
    if path in _LOADED_FILES:  # a file given twice registers its checks once
        return _LOADED_FILES[path]
    if not path.is_file():
        raise CheckPackError(f"check module {str(path)!r} does not exist")
    name = f"lotuspay_check_pack_{path.stem}_{len(_LOADED_FILES)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CheckPackError(f"cannot import {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    _LOADED_FILES[path] = module
    return module


def _import_one(spec: str) -> ModuleType:
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        return _import_file(Path(spec))
    if os.getcwd() not in sys.path:  # a dotted name importable from the current directory
        sys.path.insert(0, os.getcwd())
    return importlib.import_module(spec)


def load_checks(modules: Sequence[str] = (), *, installed: bool = True) -> list[str]:
    """Import ``modules`` (dotted names or ``.py`` paths) and, with ``installed``, every module
    of the ``lotuspay_contract.checks`` entry point group; return what was loaded.

    Importing a module registers its checks. Raises :class:`CheckPackError` naming the module
    when one cannot be imported or registered.

    >>> load_checks(["examples/check_pack/acme_checks.py"])  # doctest: +SKIP
    ['examples/check_pack/acme_checks.py']
    """
    loaded: list[str] = []
    sources: list[tuple[str, str | EntryPoint]] = [(m, m) for m in modules]
    if installed:
        sources += [(f"entry point {ep.name} = {ep.value}", ep) for ep in _entry_points()]
    for label, source in sources:
        try:
            if isinstance(source, str):
                _import_one(source)
            else:
                target = source.load()
                if callable(target) and not isinstance(target, ModuleType):
                    target()  # an entry point may name a function that imports its checks
        except CheckPackError as exc:
            raise CheckPackError(f"check pack {label}: {exc}") from None
        except Exception as exc:
            raise CheckPackError(
                f"cannot load check pack {label}: {type(exc).__name__}: {exc}"
            ) from exc
        loaded.append(label)
    return loaded


def _entry_points() -> list[EntryPoint]:
    return list(entry_points(group=ENTRY_POINT_GROUP))
