"""bench/mutation.py: the sample, the equivalence file and the survivors it writes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("cosmic_ray", reason="cosmic-ray is in the [test] extra")

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("bench_mutation", ROOT / "bench" / "mutation.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_mutation"] = module
    spec.loader.exec_module(module)
    return module


mutation = _load()


def _items(module: str = "conformance/mock/_errors.py"):
    from cosmic_ray.commands import init
    from cosmic_ray.work_db import WorkDB, use_db

    with use_db(":memory:", WorkDB.Mode.create) as db:
        init([ROOT / module], db, {})
        return list(db.pending_work_items)


def test_the_sample_is_seeded_and_takes_one_operator_per_site() -> None:
    items = _items()
    first = mutation._sample(items, 5, seed=3)
    again = mutation._sample(items, 5, seed=3)
    assert [i.job_id for i in first] == [i.job_id for i in again]
    sites = {(str(i.mutations[0].module_path), tuple(i.mutations[0].start_pos)) for i in first}
    assert len(sites) == len(first) == 5
    other = mutation._sample(items, 5, seed=4)
    assert {i.job_id for i in other} != {i.job_id for i in first}


def test_a_survivor_written_out_and_given_a_reason_is_read_back_as_equivalent(
    tmp_path: Path,
) -> None:
    item = _items()[0]
    m = item.mutations[0]
    diff = '--- a\n+++ b\n@@ -1 +1 @@\n-    x = "a" + 1\n+    x = "a" - 1\n'
    survivor = mutation.Outcome(item, "survived", diff)
    out = tmp_path / "survivors.toml"
    mutation._write_survivors([survivor], out)
    text = out.read_text(encoding="utf-8")
    assert f'operator = "{m.operator_name}"' in text
    assert mutation._equivalent_reason(item, diff, []) == ""
    with pytest.raises(SystemExit, match="reason"):  # an empty reason is refused
        mutation.load_equivalents(out)
    out.write_text(text.replace('reason = ""', 'reason = "only a log line"'), encoding="utf-8")
    entries = mutation.load_equivalents(out)
    assert mutation._equivalent_reason(item, diff, entries) == "only a log line"
    changed = diff.replace('"a" - 1', '"a" * 1')
    assert mutation._equivalent_reason(item, changed, entries) == ""


def test_the_committed_equivalents_file_reads() -> None:
    for entry in mutation.load_equivalents():
        assert entry["reason"].strip()
        assert (ROOT / entry["module"]).is_file(), entry
