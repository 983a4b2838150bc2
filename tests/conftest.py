"""The test loop: slow tests marked by what they start, and xdist only for the whole suite.

Marks (declared in pyproject.toml, ``--strict-markers``):

- ``server``: starts a real HTTP server (the mock on 127.0.0.1), directly or through a fixture;
- ``subprocess``: starts another process (the CLI, pip, node, a venv...);
- ``pytester``: runs pytest inside pytest;
- ``browser``: drives the headless chromium;
- ``slow``: any of the above, added here, never by hand. ``pytest -m "not slow"`` is the fast lane.

A test is marked by the fixtures it requests (as pytest's own ``testing/conftest.py`` does) and
by what its code, its fixtures' code and the test modules' helpers it calls refer to: a name in
``_STARTERS``. Reading the code keeps the marks true as tests change; an explicit mark on a test
is kept and implies ``slow`` too.
"""

from __future__ import annotations

import inspect
import os
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]  # the plugin's and the conftest's own tests run pytest in pytest

TESTS = Path(__file__).resolve().parent
KINDS = ("server", "subprocess", "pytester", "browser")

#: Fixtures that start something by themselves (their code lives in pytest or our plugin).
_FIXTURES = {"pytester": "pytester", "testdir": "pytester", "lotuspay_mock": "server"}
#: Names whose use in a test's code means it starts something: functions and modules.
_STARTERS = {
    "running_mock": "server",
    "uvicorn": "server",
    "start_server": "server",
    "subprocess": "subprocess",
    "Popen": "subprocess",
    "create_subprocess_exec": "subprocess",
    "multiprocessing": "subprocess",
    "venv": "subprocess",
    "sync_playwright": "browser",
    "async_playwright": "browser",
    "runpytest": "pytester",
    "runpytest_subprocess": "pytester",
    "inline_run": "pytester",
}
_MAX_DEPTH = 4  # helpers calling helpers: deep enough for tests/*/…_helpers.py


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _is_test_code(func: Callable[..., Any]) -> bool:
    filename = getattr(getattr(inspect.unwrap(func), "__code__", None), "co_filename", "")
    return filename.startswith(str(TESTS))


def _runs_the_embedded_mock(value: object, code: types.CodeType) -> bool:
    """``main(["run", ...])`` of our CLI without ``--base-url`` starts the mock on a port."""
    from lotuspay_contract.conformance.cli import main

    consts = {c for c in _all_consts(code) if isinstance(c, str)}
    return value is main and "run" in consts and "--base-url" not in consts


def _all_consts(code: types.CodeType) -> Iterator[object]:
    """Every constant of ``code`` and its nested code; ``["run", "-q"]`` is one tuple constant."""
    for each in _code_objects(code):
        for const in each.co_consts:
            yield from const if isinstance(const, (tuple, frozenset)) else (const,)


def _kinds_of(func: Any, seen: set[int], depth: int = 0) -> set[str]:
    """What ``func``'s code starts: names it uses, and the test helpers it calls, recursively."""
    func = inspect.unwrap(getattr(getattr(func, "hypothesis", None), "inner_test", func))
    code = getattr(func, "__code__", None)
    if code is None or id(code) in seen or depth > _MAX_DEPTH:
        return set()
    seen.add(id(code))
    found: set[str] = set()
    namespace = getattr(func, "__globals__", {})
    for names in (c.co_names for c in _code_objects(code)):
        for name in names:
            if name in _STARTERS:
                found.add(_STARTERS[name])
            value = namespace.get(name)
            if isinstance(value, types.ModuleType) and value.__name__ in _STARTERS:
                found.add(_STARTERS[value.__name__])
            elif inspect.isfunction(value) and _is_test_code(value):
                found |= _kinds_of(value, seen, depth + 1)
            elif _runs_the_embedded_mock(value, code):
                found.add("server")
    return found


def _fixture_kinds(item: pytest.Item) -> set[str]:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return set()
    found = {_FIXTURES[name] for name in info.names_closure if name in _FIXTURES}
    for name in info.names_closure:
        for fixturedef in info.name2fixturedefs.get(name, ()):
            if _is_test_code(fixturedef.func):
                found |= _kinds_of(fixturedef.func, set())
    return found


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        kinds = _fixture_kinds(item)
        function = getattr(item, "function", None)
        if function is not None:
            kinds |= _kinds_of(function, set())
        kinds |= {kind for kind in KINDS if item.get_closest_marker(kind)}
        for kind in sorted(kinds):
            item.add_marker(kind)
        if kinds:
            item.add_marker("slow")
    # Fast tests first: a failure in the quick ones shows up before the servers start.
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)


def _whole_suite(config: pytest.Config) -> bool:
    """No path given on the command line: pytest collects ``testpaths``, the whole suite."""
    return config.args_source == pytest.Config.ArgsSource.TESTPATHS


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Two xdist workers for the whole suite, none otherwise (see tests/README.md).

    CI has 2 cores and the suite mostly waits on real servers, so the README's ``pytest`` runs
    on two workers; a run of a file or a test, ``--pdb``/``--trace`` or an explicit ``-n`` runs
    as asked, in one process (starting workers costs seconds and ``--pdb`` refuses them).
    """
    if not hasattr(config.option, "numprocesses") or "PYTEST_XDIST_WORKER" in os.environ:
        return  # xdist disabled (-p no:xdist), or this is a worker
    debugging = config.option.usepdb or getattr(config.option, "trace", False)
    # numprocesses is None unless -n was given (on the command line or in PYTEST_ADDOPTS).
    if config.option.numprocesses is None and not debugging and _whole_suite(config):
        config.option.numprocesses = 2


def pytest_report_header(config: pytest.Config) -> str:
    workers = getattr(config.option, "numprocesses", None)
    return f"lotuspay tests: xdist workers {workers or 0} (tests/conftest.py, tests/README.md)"
