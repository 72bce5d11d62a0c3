"""The progress of a run: real Dagster runs of small assets, their steps written as they start and end."""
from __future__ import annotations

import io
import time
import uuid

import dagster as dg
import pytest

from insight.progress import RunProgress, clock, step_label


@dg.asset(key=["silver", "things"])
def things() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 1234})


@dg.asset(key=["gold", "slow"], deps=[things])
def slow() -> dg.MaterializeResult:
    time.sleep(2.5)
    return dg.MaterializeResult(metadata={"dagster/row_count": 1})


@dg.multi_asset_check(specs=[dg.AssetCheckSpec("has_rows", asset=things), dg.AssetCheckSpec("no_nulls", asset=things)],
                      name="expectations_silver_things")
def things_checks():
    yield dg.AssetCheckResult(asset_key=things.key, check_name="has_rows", passed=True)
    yield dg.AssetCheckResult(asset_key=things.key, check_name="no_nulls", passed=False,
                              severity=dg.AssetCheckSeverity.WARN)


@dg.asset(key=["gold", "broken"], deps=[things])
def broken() -> None:
    raise ValueError("the disk is full")


def run(assets: list, *, live: bool, checks: list | None = None) -> str:
    out = io.StringIO()
    instance = dg.DagsterInstance.ephemeral()
    run_id = str(uuid.uuid4())
    with RunProgress(instance, run_id, out, live=live, heartbeat=1.0):
        defs = dg.Definitions(assets=assets, asset_checks=checks or [], jobs=[dg.define_asset_job("all")])
        defs.resolve_job_def("all").execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    return out.getvalue()


def test_each_step_is_written_as_it_starts_and_ends_with_its_rows_and_seconds():
    lines = run([things, slow], live=False, checks=[things_checks]).splitlines()
    starts = [line.split()[2] for line in lines if line.split()[1] == "start"]
    assert starts[0] == "silver/things" and "gold/slow" in starts
    done = [line for line in lines if " done " in line]
    assert any("silver/things  1,234 rows" in line for line in done), lines
    assert any("gold/slow  1 row " in line for line in done), lines
    assert any("checks silver/things  1 passed, 1 failed (warn no_nulls)" in line for line in done), lines
    # gold/slow runs 2.5 s: with a heartbeat of 1 s, a line says it still runs.
    assert any(" still  gold/slow" in line for line in lines), lines
    assert all(line.startswith("  0:00:0") for line in lines), lines


def test_on_a_terminal_the_live_line_is_redrawn_in_place_and_cleared():
    out = run([things, slow], live=True)
    assert "\r\x1b[K" in out and "…      gold/slow" in out
    assert out.endswith("\n") and " still " not in out
    last = out.splitlines()[-1]
    assert " done   gold/slow  1 row " in last


def test_a_failed_step_says_so():
    lines = run([things, broken], live=False).splitlines()
    assert any(" FAILED gold/broken after " in line for line in lines), lines


@pytest.mark.parametrize(("key", "label"), [
    ("silver__records", "silver/records"), ("models__ner", "models/ner"),
    ("expectations_silver_records", "checks silver/records"),
    ("expectations_gold_search_terms", "checks gold/search_terms"),
])
def test_step_labels_name_the_table(key, label):
    assert step_label(key) == label


def test_clock():
    assert clock(0) == "0:00:00" and clock(61.9) == "0:01:01" and clock(3 * 3600 + 5) == "3:00:05"
