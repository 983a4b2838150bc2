"""One exception root: every exception class in the package derives from it, and the tree in
``conformance/errors.py`` lists each one, in the room that defines it, with its builtin base.

Derived, not copied: the classes are found by importing every module of the package.
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import re

import pytest

import lotuspay_contract
from lotuspay_contract.conformance import errors
from lotuspay_contract.conformance.errors import LotusPayContractError

_DOC = errors.__doc__ or ""
_TREE, _OUTSIDE = _DOC.split("Outside the root", 1)
# "├── HarError [ValueError]      validation: ..." or "DeadlineReached   client: ..."
# A class is named after a branch ("├── ") or at the margin; other lines continue the text.
_ENTRY = re.compile(
    r"^    (?:[│ ]*[├└]── )?(?P<name>_?[A-Z]\w+)(?: \[(?P<builtin>\w+)\])?(?P<rest>.*)$"
)


def _entries(text: str) -> dict[str, tuple[str | None, str]]:
    found = {}
    lines = [line for line in text.splitlines() if line.startswith("    ")]
    for number, line in enumerate(lines):
        match = _ENTRY.match(line)
        if not match or match["name"] == "LotusPayContractError":
            continue
        rest = match["rest"].strip() or lines[number + 1].strip(" │")  # the room on the next line
        found[match["name"]] = (match["builtin"], rest.split(":", 1)[0])
    return found


_LAYERS = ("schemas", "strategies", "conformance")


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    # The layers are mapped into the import name (package-dir), so walk each layer's package.
    layers = [importlib.import_module(f"lotuspay_contract.{name}") for name in _LAYERS]
    infos = [
        info
        for layer in layers
        for info in pkgutil.walk_packages(layer.__path__, f"{layer.__name__}.")
    ]
    for info in [*infos, *pkgutil.walk_packages(lotuspay_contract.__path__, "lotuspay_contract.")]:
        if info.name.endswith(".__main__"):  # runs the CLI when imported
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{value.__qualname__}"] = value
    return found


CLASSES = _exception_classes()
TREE = _entries(_TREE)
OUTSIDE = _entries(_OUTSIDE)


def test_the_walk_finds_the_exceptions() -> None:
    assert len(CLASSES) >= 15  # the walk itself works: it found the known classes
    assert any(name.endswith(".CheckFailure") for name in CLASSES)


@pytest.mark.parametrize("qualified", sorted(CLASSES))
def test_every_exception_derives_from_the_root_or_is_a_listed_signal(qualified: str) -> None:
    cls = CLASSES[qualified]
    name = cls.__name__
    if cls is LotusPayContractError:
        return
    if name in OUTSIDE:
        # Outside the root only because ``except Exception`` must not catch it.
        assert not issubclass(cls, Exception), f"{name} is an Exception: put it under the root"
        entry = OUTSIDE[name]
    else:
        assert issubclass(cls, LotusPayContractError), f"{qualified} does not derive from the root"
        assert name in TREE, f"{name} is missing from the tree in conformance/errors.py"
        entry = TREE[name]
    builtin, room = entry
    assert f".{room}." in qualified, f"the tree puts {name} in {room}, it lives in {qualified}"
    bases = {b for b in cls.__mro__ if b.__module__ == "builtins"} - {
        object,
        BaseException,
        Exception,
    }
    if builtin is not None:
        assert issubclass(cls, getattr(builtins, builtin)), f"{name} is not a {builtin}"
    else:
        assert not bases, f"the tree does not show that {name} is also a {bases}"


def test_the_tree_names_no_class_that_does_not_exist() -> None:
    names = {cls.__name__ for cls in CLASSES.values()}
    assert set(TREE) | set(OUTSIDE) <= names, (set(TREE) | set(OUTSIDE)) - names


def test_the_root_is_an_exception_and_its_module_imports_nothing_of_ours() -> None:
    assert issubclass(LotusPayContractError, Exception)
    assert errors.__file__ is not None
    with open(errors.__file__, encoding="utf-8") as handle:
        imports = [line for line in handle if re.match(r"\s*(from|import) ", line)]
    assert imports == ["from __future__ import annotations\n"]
