"""The house shows its layers: every import goes down the table below, never up or sideways.

Data first: ``schemas`` <- ``strategies`` <- ``conformance``. Inside ``conformance`` the rooms
are ``redact`` <- ``validation`` <- ``client`` <- ``suite`` <- ``report`` <- ``plugin``/``cli``,
with the ``mock`` beside the client (it serves what ``validation`` judges). Nothing imports ``cli``.
Under them all, ``conformance.errors`` holds the exception root and imports nothing of ours.
Imports are read from the source (relative ones resolved), so lazy imports count too.

No circles at all: the modules' import graph (lazy imports included, imports for the type
checker only left out, importing ``a.b.c`` counting as importing the package ``a.b`` too, since
Python runs its ``__init__`` first) has no cycle. The CLI reaches other rooms only through their
public facades.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = "lotuspay_contract"
C = f"{PKG}.conformance"

#: Each room and the rooms it may import (besides itself and ``conformance.errors``).
MAY_IMPORT: dict[str, set[str]] = {
    f"{C}.errors": set(),
    f"{PKG}.schemas": set(),
    f"{PKG}.strategies": {f"{PKG}.schemas"},
    f"{C}.redact": set(),
    # Options, their rules and the config file: beside redact, below every room that reads them.
    f"{C}.settings": {f"{C}.redact"},
    f"{C}.validation": {f"{PKG}.schemas", f"{C}.redact"},
    f"{C}.client": {f"{C}.redact", f"{C}.validation"},
    f"{C}.mock": {f"{PKG}.schemas", f"{PKG}.strategies", f"{C}.redact", f"{C}.validation"},
    f"{C}.suite": {
        f"{PKG}.schemas",
        f"{PKG}.strategies",
        f"{C}.redact",
        f"{C}.settings",
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
        f"{C}.settings",
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
        f"{C}.settings",
    },
    # The facades re-export the rooms below them.
    C: {f"{C}.redact", f"{C}.validation", f"{C}.client", f"{C}.suite"},
    PKG: {C},
}
# The exception root is beneath every room of conformance.
for _room_name in MAY_IMPORT:
    if _room_name.startswith(C) and _room_name != f"{C}.errors":
        MAY_IMPORT[_room_name].add(f"{C}.errors")
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


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """The import statements inside ``if TYPE_CHECKING:`` blocks: they never run."""
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                found.update(ast.walk(child))
    return found


def _imports(module: str, path: Path, *, runtime: bool = False) -> list[str]:
    """The package's modules that ``module`` imports; with ``runtime``, only those whose
    import statement runs (not those for the type checker)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree) if runtime else set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names = []
    for node in ast.walk(tree):
        if node in skipped:
            continue
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
        if room in (PKG, C, f"{C}.errors") or room.endswith(".plugin"):
            continue
        folder = ROOT / Path(*room.split(".")[1:]) if room != f"{PKG}.schemas" else ROOT / "schemas"
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{room} has no docstring"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_modules_stay_small(module: str, path: Path) -> None:
    # The main size rule is the function gate (ruff C901, max-complexity 10); this generous
    # cap only catches a module that has grown into two, without inviting code golf.
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{module} has {lines} lines: split it by what it does"


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


#: KNOWN CYCLES, to be broken; each is an import statement (importer, imported module) left out
#: of the graph. The integrator empties this after merging the branches that break them.
KNOWN_CYCLE_IMPORTS: set[tuple[str, str]] = set()


def _packages_run_first(imported: str, importer: str) -> set[str]:
    """``imported`` and the packages Python runs before it that are not yet running."""

    def ancestors(name: str) -> set[str]:
        parts = name.split(".")
        return {".".join(parts[:end]) for end in range(1, len(parts))}

    return ({imported} | ancestors(imported)) - ancestors(importer) - {importer}


def _import_graph(exempt: set[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES:
        edges: set[str] = set()
        for name in _imports(module, path, runtime=True):
            if (module, name) not in exempt:
                edges |= _packages_run_first(name, module) & KNOWN
        graph[module] = edges
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph (its modules, the first repeated at the end), or []."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_no_module_imports_itself_round_a_circle() -> None:
    cycle = _cycle(_import_graph(KNOWN_CYCLE_IMPORTS))
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_known_cycles_are_still_there_until_broken() -> None:
    # Each exemption must still break a cycle: once its helper's fix lands, this fails and
    # the exemption is removed, so no stale exemption hides a new cycle.
    for exemption in KNOWN_CYCLE_IMPORTS:
        cycle = _cycle(_import_graph(KNOWN_CYCLE_IMPORTS - {exemption}))
        assert exemption[0] in cycle, f"{exemption} breaks no cycle: remove it"


def test_the_cycle_finder_finds_a_circle() -> None:
    a, b, c = f"{C}.a", f"{C}.b", f"{C}.c"
    assert sorted(set(_cycle({a: {b}, b: {c}, c: {a}}))) == [a, b, c]
    assert _cycle({a: {b}, b: set(), c: {a}}) == []
    # importing a submodule runs its package first: a -> p.x runs p, which imports a
    assert _packages_run_first(f"{C}.p.x", a) == {f"{C}.p.x", f"{C}.p"}


#: KNOWN OFFENDERS: CLI modules importing private modules of other rooms, (importer, imported).
#: Helper h1 moves these imports to the rooms' facades; the integrator empties this list.
CLI_PRIVATE_IMPORTS: set[tuple[str, str]] = set()


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _cli_private_imports() -> set[tuple[str, str]]:
    found = set()
    for module, path in MODULES:
        if _room(module) != f"{C}.cli":
            continue
        for name in _imports(module, path):
            if _room(name) != f"{C}.cli" and _private(name):
                found.add((module, name))
    return found


def test_the_cli_imports_only_public_facades_of_other_rooms() -> None:
    new = _cli_private_imports() - CLI_PRIVATE_IMPORTS
    assert not new, f"the CLI imports private modules of other rooms: {sorted(new)}"


def test_every_listed_cli_offender_still_offends() -> None:
    fixed = CLI_PRIVATE_IMPORTS - _cli_private_imports()
    assert not fixed, f"fixed, remove from CLI_PRIVATE_IMPORTS: {sorted(fixed)}"
