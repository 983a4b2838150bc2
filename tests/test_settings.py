"""The settings model: layers, one rule and one message per option, the config file and its
JSON Schema, the rerun line. Pure functions on temporary files: no server."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import jsonschema
import pytest

from lotuspay_contract.conformance import settings as S
from lotuspay_contract.conformance.settings import (
    OPTIONS,
    Settings,
    SettingsError,
    load_settings,
    rerun_command,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
KEY = "sk_test_SeTtInGsKeY0123456789"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_layer_overrides_the_one_below_and_says_so(tmp_path: Path) -> None:
    config = _write(tmp_path, "lotuspay-contract.toml", 'tier = "deep"\nseed = 1\nstrict = true\n')
    environ = {"LOTUSPAY_SEED": "2", "LOTUSPAY_TIER": "smoke"}
    s = load_settings("run", {"tier": "standard"}, start=tmp_path, environ=environ)
    assert (s.tier, s.seed, s.strict, s.jobs) == ("standard", 2, True, None)  # jobs: auto
    assert s.sources["tier"] == "--tier"
    assert s.sources["seed"] == "LOTUSPAY_SEED"
    assert s.sources["strict"] == str(config)
    assert "jobs" not in s.sources  # the default
    assert s.config_file == str(config)


def test_the_seed_is_drawn_once_and_said_to_be() -> None:
    s = load_settings("run", {}, read_file=False, environ={})
    assert isinstance(s.seed, int)
    assert s.sources["seed"] == "drawn at random"
    assert not s.given("seed")


@pytest.mark.parametrize(
    ("name", "bad", "reason"),
    [
        ("seed", "x", "the seed is a whole number from 0 to 2**63 - 1, got 'x'"),
        ("tier", "smok", "the tier is one of smoke, standard, deep, got 'smok'"),
        ("max_duration", "0", "the maximum duration is a number of seconds above 0 and at most"),
        ("rate_limit", "inf", "the rate limit is a number of requests per second above 0"),
        ("base_url", "http://x/v1", "drop /v1"),
    ],
)
def test_one_rule_one_message_whatever_the_layer(
    name: str, bad: str, reason: str, tmp_path: Path
) -> None:
    option = next(o for o in OPTIONS if o.name == name)
    messages = []
    for command in ("run", "plugin"):
        with pytest.raises(SettingsError) as flag:
            load_settings(command, {name: bad}, read_file=False, environ={})
        messages.append((str(flag.value), option.flag_for(command)))
    assert option.env is not None
    with pytest.raises(SettingsError) as env:
        load_settings("run", {}, read_file=False, environ={option.env: bad})
    messages.append((str(env.value), option.env))
    path = _write(tmp_path, "lotuspay-contract.toml", f"{option.key} = {json.dumps(bad)}\n")
    with pytest.raises(SettingsError) as file:
        load_settings("run", {}, start=tmp_path, environ={})
    messages.append((str(file.value), f"{path}: {option.key}"))
    for message, where in messages:
        assert message.startswith(f"{where}: ")
        assert reason in message
        assert "\n" not in message
    assert len({m[len(w) :] for m, w in messages}) == 1  # the same reason after the label


def test_tier_ids_and_levels_in_any_case() -> None:
    s = load_settings("run", {"tier": "DeEp"}, read_file=False, environ={})
    assert s.tier == "deep"
    s = load_settings("run", {"checks": ["cus-err-001,Transport"]}, read_file=False, environ={})
    named = S.resolve_names(s, "run", checks=["CUS-ERR-001", "transport"])
    assert named.checks == ("CUS-ERR-001", "transport")
    with pytest.raises(SettingsError, match=r"^--checks: unknown check CUS-NOPE"):
        S.resolve_names(
            load_settings("run", {"checks": ["CUS-NOPE"]}, read_file=False, environ={}),
            "run",
            checks=["CUS-ERR-001"],
        )


@pytest.mark.parametrize("command", ["run", "plugin"])
def test_a_second_key_equal_to_the_first_is_refused_by_the_cli_and_the_plugin(
    command: str,
) -> None:
    given = {"base_url": "http://127.0.0.1:9", "api_key": KEY, "second_api_key": KEY}
    with pytest.raises(SettingsError, match="must be another account's key") as info:
        load_settings(command, given, read_file=False, environ={})
    assert KEY not in str(info.value)


def test_a_bad_key_is_refused_without_repeating_it() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings("run", {"api_key": " sk_test_abc"}, read_file=False, environ={})
    assert str(info.value).startswith("--api-key: not a LotusPay secret key")
    assert "sk_test_abc" not in str(info.value)


def test_the_deadline_rule_is_the_tiers_unless_given() -> None:
    for tier, seconds in S.DEFAULT_MAX_DURATION.items():
        assert (
            load_settings("run", {"tier": tier}, read_file=False, environ={}).time_limit == seconds
        )
    given = load_settings("run", {"max_duration": "7.5"}, read_file=False, environ={})
    assert given.time_limit == 7.5


def test_the_suite_takes_the_tiers_and_deadlines_from_the_settings() -> None:
    from lotuspay_contract.conformance import suite

    assert suite.TIER_NAMES is S.TIER_NAMES
    assert suite.DEFAULT_MAX_DURATION is S.DEFAULT_MAX_DURATION
    assert tuple(suite.TIERS) == S.TIER_NAMES


# -- the config file ----------------------------------------------------------------------------


def test_the_config_file_is_found_upward_own_file_before_pyproject(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    _write(tmp_path / "a", "pyproject.toml", "[project]\nname = 'x'\n")  # no table: passed over
    project = _write(tmp_path, "pyproject.toml", '[tool.lotuspay-contract]\ntier = "smoke"\n')
    assert S.find_config(deep, {}) == project
    own = _write(tmp_path, "lotuspay-contract.toml", 'tier = "deep"\n')
    assert S.find_config(deep, {}) == own
    assert load_settings("run", {}, start=deep, environ={}).tier == "deep"
    assert S.find_config(deep, {"LOTUSPAY_CONFIG": "none"}) is None
    assert S.find_config(deep, {"LOTUSPAY_CONFIG": str(project)}) == project


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tierr = 'smoke'\n", ": unknown key 'tierr' (did you mean 'tier'?)"),
        ("api-key = 'sk_test_x1'\n", ": api-key cannot be set in a file (files get committed)"),
        (
            "jobs = true\n",
            ": jobs: the number of jobs is auto or a whole number from 1 to 64, got true",
        ),
        ("faults = [1]\n", ": faults: expected a non-empty text, got 1"),
        ("tier = \n", ": not valid TOML"),
    ],
)
def test_file_errors_name_the_file_and_the_key(text: str, message: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "lotuspay-contract.toml", text)
    with pytest.raises(SettingsError) as info:
        load_settings("run", {}, start=tmp_path, environ={})
    assert str(info.value).startswith(f"{path}{message}")
    assert "sk_test_x1" not in str(info.value)


def test_pyproject_table_errors_name_the_table_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "pyproject.toml", "[tool.lotuspay-contract]\nseed = -1\n")
    with pytest.raises(SettingsError, match=r"seed: the seed is a whole number") as info:
        load_settings("plugin", {}, start=tmp_path, environ={})
    assert str(info.value).startswith(f"{path}: seed: ")


# -- the JSON Schema of the file -----------------------------------------------------------------


def test_the_shipped_schema_is_the_one_the_option_table_gives() -> None:
    # Regenerate: python -m lotuspay_contract.conformance.settings > schemas/config.schema.json
    assert S.config_schema() == SCHEMA


def test_the_schema_has_every_file_key_and_no_other() -> None:
    in_file = {o.key for o in OPTIONS if o.in_file}
    assert set(SCHEMA["properties"]) == in_file
    assert SCHEMA["additionalProperties"] is False
    assert not {o.key for o in OPTIONS if o.secret} & set(SCHEMA["properties"])
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_takes_a_sample_config_the_loader_takes(tmp_path: Path) -> None:
    sample = (
        'base-url = "https://api-test.lotuspay.com"\ntier = "smoke"\nseed = 7\nstrict = true\n'
        'max-duration = 90\nchecks = ["CUS-ERR-001", "transport"]\noperations = "listCustomers"\n'
        'shard = "1/2"\nfaults = []\nmock-port = 0\nreport-json = "run.json"\n'
    )
    _write(tmp_path, "lotuspay-contract.toml", sample)
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    jsonschema.validate(tomllib.loads(sample), SCHEMA, cls=jsonschema.Draft202012Validator)
    s = load_settings("run", {}, start=tmp_path, environ={"LOTUSPAY_API_KEY": KEY})
    assert (s.tier, s.seed, s.shard, s.checks) == ("smoke", 7, (1, 2), ("CUS-ERR-001", "transport"))


@pytest.mark.parametrize("document", [{"tierr": "smoke"}, {"tier": "huge"}, {"api-key": "x"}])
def test_the_schema_rejects_what_the_loader_rejects(document: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)


# -- the rerun line ------------------------------------------------------------------------------


def test_the_rerun_line_spells_what_changes_the_run_and_never_a_key(tmp_path: Path) -> None:
    _write(tmp_path, "lotuspay-contract.toml", 'tier = "smoke"\nstrict = true\n')
    given = {
        "base_url": "http://127.0.0.1:9",
        "api_key": KEY,
        "second_api_key": "sk_test_OtHeRaCcOuNt0123456",
        "checks": ["CUS-ERR-001,CUS-LIST-001"],
        "seed": "99",
        "shard": "2/3",
        "jobs": "4",
        "report_json": "r.json",
    }
    s = load_settings("run", given, start=tmp_path, environ={})
    line = rerun_command(s)
    words = shlex.split(line)
    assert words[:2] == ["lotuspay-contract", "run"]
    for pair in (
        ["--base-url", "http://127.0.0.1:9"],
        ["--tier", "smoke"],
        ["--checks", "CUS-ERR-001,CUS-LIST-001"],
        ["--seed", "99"],
        ["--shard", "2/3"],
        ["--api-key", "$LOTUSPAY_API_KEY"],
        ["--second-api-key", "$LOTUSPAY_SECOND_API_KEY"],
    ):
        index = words.index(pair[0])
        assert words[index : index + 2] == pair
    assert "--strict" in words
    assert "--jobs" not in words
    assert "--report-json" not in words
    assert KEY not in line
    assert "OtHeR" not in line
    # The line parses back to the same run.
    from lotuspay_contract.conformance.cli import build_parser

    args = build_parser().parse_args(words[1:])
    environ = {"LOTUSPAY_CONFIG": "none"}
    again = load_settings(
        "run",
        {o.name: getattr(args, o.name) for o in S.options_for("run")}
        | {"api_key": KEY, "second_api_key": "sk_test_OtHeRaCcOuNt0123456"},
        environ=environ,
    )
    for option in S.options_for("run"):
        if option.sent:
            assert getattr(again, option.name) == getattr(s, option.name), option.name


def test_every_option_is_documented_and_named_once() -> None:
    flags: dict[str, set[str]] = {}
    for option in OPTIONS:
        assert option.help, option.name
        assert callable(option.parse), option.name
        assert option.name in Settings.__dataclass_fields__
        for command in option.commands:
            flags.setdefault(command, set())
            flag = option.flag_for(command)
            assert flag not in flags[command], (command, flag)
            flags[command].add(flag)
            if command == "plugin":
                assert flag.startswith("--lotuspay-")


def test_the_plugins_rerun_line_uses_its_own_flags() -> None:
    given = {"base_url": "http://127.0.0.1:9", "api_key": KEY, "seed": "5", "strict": True}
    line = rerun_command(load_settings("plugin", given, read_file=False, environ={}), "plugin")
    assert line == (
        'pytest --lotuspay-url http://127.0.0.1:9 --lotuspay-key "$LOTUSPAY_API_KEY" '
        "--lotuspay-strict --lotuspay-seed 5"
    )
