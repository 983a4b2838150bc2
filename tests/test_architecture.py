"""The house shows its layers: every import goes down the table below, never up or sideways.

Data first: ``schemas`` <- ``strategies`` <- ``conformance``. Inside ``conformance`` the rooms
are ``redact`` <- ``validation`` <- ``client`` <- ``suite`` <- ``report`` <- ``plugin``/``cli``,
with the ``mock`` beside the client (it serves what ``validation`` judges). Nothing imports ``cli``.
Imports are read from the source (relative ones resolved), so lazy imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = "lotuspay_contract"
C = f"{PKG}.conformance"

#: Each room and the rooms it may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    f"{PKG}.schemas": set(),
    f"{PKG}.strategies": {f"{PKG}.schemas"},
    f"{C}.redact": set(),
    f"{C}.validation": {f"{PKG}.schemas", f"{C}.redact"},
    f"{C}.client": {f"{C}.redact", f"{C}.validation"},
    f"{C}.mock": {f"{PKG}.schemas", f"{PKG}.strategies", f"{C}.redact", f"{C}.validation"},
    f"{C}.suite": {
        f"{PKG}.schemas",
        f"{PKG}.strategies",
        f"{C}.redact",
        f"{C}.validation",
        f"{C}.client",
    },
    f"{C}.diff": {
        f"{PKG}.schemas",
        f"{PKG}.strategies",
        f"{C}.redact",
        f"{C}.validation",
        f"{C}.client",
        f"{C}.suite",
    },
    # schemas: the baseline file's schema; the properties the contract defines (observations).
    f"{C}.report": {
        f"{PKG}.schemas",
        f"{C}.redact",
        f"{C}.validation",
        f"{C}.client",
        f"{C}.suite",
    },
    f"{C}.plugin": {
        f"{PKG}.schemas",
        f"{C}.redact",
        f"{C}.validation",
        f"{C}.client",
        f"{C}.suite",
        f"{C}.report",
        f"{C}.mock",
        f"{C}.diff",
    },
    f"{C}.cli": {
        f"{PKG}.schemas",
        f"{PKG}.strategies",
        f"{C}.redact",
        f"{C}.validation",
        f"{C}.client",
        f"{C}.suite",
        f"{C}.report",
        f"{C}.mock",
        f"{C}.diff",
    },
    # The facades re-export the rooms below them.
    C: {f"{C}.redact", f"{C}.validation", f"{C}.client", f"{C}.suite"},
    PKG: {C},
}
FOLDERS = {"schemas": f"{PKG}.schemas", "strategies": f"{PKG}.strategies", "conformance": C}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.append((".".join([package, *parts]), path))
    found.append((PKG, ROOT / PKG / "__init__.py"))
    return found


def _room(module: str) -> str:
    """The longest room name that ``module`` is in."""
    rooms = [r for r in MAY_IMPORT if module == r or module.startswith(r + ".")]
    return max(rooms, key=len)


def _imports(module: str, path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            # `from pkg import sub` imports the submodule when there is one, else pkg itself.
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                names.append(sub if sub in KNOWN else base)
    return [n for n in names if n == PKG or n.startswith(PKG + ".")]


MODULES = _modules()
KNOWN = {module for module, _ in MODULES}


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_imports_go_down_the_layers(module: str, path: Path) -> None:
    own = _room(module)
    for name in _imports(module, path):
        target = _room(name)
        if target == own or name == PKG:
            continue
        assert target in MAY_IMPORT[own], f"{module} ({own}) imports {name} ({target})"


def test_nothing_imports_the_cli() -> None:
    for module, path in MODULES:
        if _room(module) == f"{C}.cli":
            continue
        offenders = [n for n in _imports(module, path) if _room(n) == f"{C}.cli"]
        assert not offenders, f"{module} imports {offenders}"


def test_every_room_says_what_it_holds_and_may_import() -> None:
    for room in MAY_IMPORT:
        if room in (PKG, C) or room.endswith(".plugin"):
            continue
        folder = ROOT / Path(*room.split(".")[1:]) if room != f"{PKG}.schemas" else ROOT / "schemas"
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{room} has no docstring"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_modules_stay_small(module: str, path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 420, f"{module} has {lines} lines: split it by what it does"


def test_tests_benchmarks_and_examples_use_the_one_import_name() -> None:
    """A bare ``import schemas`` only works from the repository root, by accident of sys.path."""
    own = ROOT / "tests" / "packaging" / "other_project"  # the look-alikes, on purpose
    for folder in ("tests", "bench", "examples"):
        for path in (ROOT / folder).rglob("*.py"):
            if own in path.parents:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                bare = [n for n in names if n.split(".")[0] in FOLDERS]
                assert not bare, f"{path.relative_to(ROOT)} imports {bare}"
