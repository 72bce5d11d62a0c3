"""One truth: a lake brought up to date increment by increment holds exactly the rows a lake
computed from scratch on the same bronze holds.

A generated drop zone arrives in three deliveries — files of every source, a record re-sent with
a change, withdrawals, new files, the withdrawn record sent again, and nominal records that teach
the gazetteer names older reports already contain — each followed by an incremental materialize
of the whole graph, then a run that reads the last changes again as if their watermarks were
lost. Then the same bronze is computed from nothing (silver, gold and the watermarks deleted) and
every silver and gold table compared row for row.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from assets.definitions import defs
from generator.dropzone import generate
from insight.materialize import run_refresh
from pipelines import watermarks
from pipelines.config import LakePaths
from tests.deliveries import (
    TABLES,
    column_values,
    deliver,
    deliveries,
    differences,
    from_scratch,
    table_rows,
)


def _materialize(home: Path) -> dict[str, dict]:
    """An incremental run of the whole graph (its checks apart: they are tested on their own); each
    table's materialization metadata."""
    result = run_refresh(LakePaths.from_env(home), checks=False)
    assert result.success
    return {e.step_materialization_data.materialization.asset_key.to_user_string():
            {k: v.value for k, v in e.step_materialization_data.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}


INCREMENTAL = tuple(TABLES)


def _doc_ids(home: Path) -> set[str]:
    return set(column_values(home, "silver/documents", "doc_id"))


@pytest.fixture(scope="module")
def increments(tmp_path_factory, spark) -> tuple[Path, Path, list[dict[str, dict]], dict[str, bool]]:
    generated = tmp_path_factory.mktemp("generated")
    generate(generated, size=400, seed=11, progress=False, workers=1)
    home = tmp_path_factory.mktemp("incremental")
    shutil.copytree(generated / "config", home / "config")
    arrivals, withdrawn = deliveries(generated)
    runs, present, before_last = [], {}, {}
    marks = LakePaths.from_env(home).watermarks
    for number, delivery in enumerate(arrivals):
        before_last = {table: watermarks.read(marks, table) for table in INCREMENTAL}
        deliver(home, delivery)
        runs.append(_materialize(home))
        present[f"after delivery {number + 1}"] = withdrawn in _doc_ids(home)
    # The last run as if it had died after each table's commit, before its watermark: the next
    # run reads the same changes again.
    for table, mark in before_last.items():
        watermarks.record(marks, table, mark, "replay")
    runs.append(_materialize(home))
    scratch = from_scratch(home, tmp_path_factory.mktemp("scratch") / "home")
    _materialize(scratch)
    return home, scratch, runs, present


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_equals_the_one_computed_from_scratch(increments, table):
    home, scratch, _, _ = increments
    incremental, whole = table_rows(home, table), table_rows(scratch, table)
    assert whole and incremental == whole, f"{table}: {differences(incremental, whole)}"


def test_every_increment_after_the_first_was_incremental(increments):
    _, _, runs, _ = increments
    assert all(runs[0][t]["refresh"] == "full" for t in INCREMENTAL)
    for run in runs[1:]:
        for table in INCREMENTAL:
            assert run[table]["refresh"] == "incremental", (table, run[table].get("full_because"))
    documents = [run["silver/documents"] for run in runs]
    assert 0 < documents[1]["records_recomputed"] < documents[2]["dagster/row_count"]
    clusters = runs[2]["silver/person_clusters"]  # new nominals: their persons and whom they may join
    assert 0 < clusters["persons_changed"] <= clusters["persons_clustered"] < clusters["dagster/row_count"]
    assert [run["models/persons"]["retrained"] for run in runs] == [True, False, False, False]


def test_a_run_writes_what_search_reads_before_anything_else(increments):
    _, _, runs, _ = increments
    searched = dg.AssetSelection.assets(["gold", "documents"], ["gold", "search_terms"], ["gold", "search_stats"])
    on_the_way = {key.to_user_string() for key in searched.upstream().resolve(defs.resolve_asset_graph())}
    for run in runs:  # its tables in the order the run wrote them
        assert set(list(run)[:len(on_the_way)]) == on_the_way, list(run)


def test_a_change_read_again_after_a_lost_watermark_changes_nothing(increments):
    _, _, runs, _ = increments
    replayed = runs[3]
    for table in INCREMENTAL:  # a table that committed knows from its commit what it reflects; the others read again
        assert replayed[table]["refresh"] == "incremental" and not replayed[table]["committed"], table


def test_new_nominals_have_older_documents_read_again(increments):
    _, _, runs, _ = increments
    # The last delivery holds no messages: one document per record, so every document read past
    # those was found through the index, naming a person the new nominals taught the gazetteer.
    last = runs[2]
    assert last["silver/documents"]["records_recomputed"] < last["silver/mentions"]["documents_read"]
    assert last["silver/mentions"]["documents_read"] < last["silver/documents"]["dagster/row_count"]


def test_a_record_withdrawn_then_sent_again_is_gone_then_back(increments):
    home, _, _, present = increments
    assert present == {"after delivery 1": True, "after delivery 2": False, "after delivery 3": True}
    bodies = [body or "" for body in column_values(home, "silver/documents", "body")]
    assert any("re-sent" in body for body in bodies)  # the notice re-sent with a change reads as re-sent
