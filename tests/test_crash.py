"""A refresh that dies half-way leaves the lake as it was or as the next run makes it: never a row
landed twice, never an increment lost.

The precise windows are replayed exactly (a landing whose registry commit never happened, a step
whose watermark was never recorded); the heavy test kills a real materialize, Spark and all, at
several points and lets the next run finish.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.compute as pc
import pytest
from deltalake import DeltaTable

from pipelines.config import LakePaths
from pipelines.lakehouse import Lakehouse
from pipelines.land.job import land_source
from pipelines.land.registry import LANDED_FILES, QUARANTINE
from pipelines.sources import SOURCES
from tests.conftest import SHARED_SAMPLES
from tests.deliveries import TABLES, deliver, deliveries, differences, from_scratch, table_rows

SAMPLE_NOTICES = SHARED_SAMPLES / "raw" / "notices" / "2024-03-01.jsonl"


def _undo_last_commit(uri: str) -> None:
    """The table as it was before its last commit: what a run that died just before it left."""
    table = DeltaTable(uri)
    (Path(uri) / "_delta_log" / f"{table.version():020d}.json").unlink()


def _tally(paths: LakePaths) -> tuple[int, int, int]:
    bronze = DeltaTable(paths.table("bronze", "notices")).to_pyarrow_table(columns=["src_file", "src_line"])
    quarantine = DeltaTable(paths.table(*QUARANTINE)).to_pyarrow_table(columns=["source"])
    registry = DeltaTable(paths.table(*LANDED_FILES)).to_pyarrow_table(columns=["src_file"])
    return bronze.num_rows, pc.sum(pc.equal(quarantine.column("source"), "notices")).as_py() or 0, registry.num_rows


@pytest.mark.parametrize("died_before", [["registry"], ["registry", "quarantine"]])
def test_a_landing_that_died_before_its_last_commits_lands_nothing_twice(spark, tmp_path, died_before):
    paths = LakePaths.from_env(tmp_path)
    (paths.raw_dir("notices")).mkdir(parents=True)
    lines = SAMPLE_NOTICES.read_text(encoding="utf-8").splitlines()
    (paths.raw_dir("notices") / "n-1.jsonl").write_text("\n".join([*lines, "not json"]) + "\n", encoding="utf-8")
    lakehouse = Lakehouse(spark, "delta-rs")
    land_source(lakehouse, paths, SOURCES["notices"].spec)
    landed = _tally(paths)
    assert landed[0] >= 1 and landed[1] >= 1 and landed[2] == 1
    for table in died_before:
        _undo_last_commit(paths.table(*(LANDED_FILES if table == "registry" else QUARANTINE)))
    report = land_source(lakehouse, paths, SOURCES["notices"].spec)
    assert [f["src_file"] for f in report.files] == ["notices/n-1.jsonl"]  # the file is accounted for again
    assert _tally(paths) == landed  # and its rows are there once
    assert land_source(lakehouse, paths, SOURCES["notices"].spec).files == []


_STEP = re.compile(r"^\s+\d+:\d\d:\d\d\s+(start|done)\s+(\S+)")
_RUN = (
    "import sys\n"
    "from insight.materialize import run_refresh\n"
    "from pipelines.config import LakePaths\n"
    "result = run_refresh(LakePaths.from_env(sys.argv[1]), progress=sys.stdout, checks=False)\n"
    "sys.exit(0 if result.success else 1)\n"
)


def _run(home: Path, kill_at: tuple[str, str, float] | None = None) -> bool:
    """A materialize of the whole graph (its checks apart) in its own process; killed (its Spark too)
    ``kill_at[2]`` seconds after the progress line ``kill_at[0]`` of step ``kill_at[1]``. True when it
    finished."""
    process = subprocess.Popen([sys.executable, "-u", "-c", _RUN, str(home)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = _STEP.match(line)
        if kill_at and found and found.groups() == kill_at[:2]:
            time.sleep(kill_at[2])
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return False
    return process.wait() == 0


@pytest.mark.heavy
def test_a_materialize_killed_anywhere_is_finished_by_the_next_run(tmp_path, spark):
    from generator.dropzone import generate

    generated = tmp_path / "generated"
    generate(generated, size=400, seed=11, progress=False, workers=1)
    arrivals, _ = deliveries(generated)
    home = tmp_path / "home"
    shutil.copytree(generated / "config", home / "config")
    deliver(home, arrivals[0])
    assert _run(home)
    # The next delivery's run killed landing half-way; the run after it killed when the silver
    # tables, the search path (documents, postings, statistics: they run first) and resolution had
    # just committed (the last one's watermark maybe not), the rest of the index and the patterns
    # not begun; a third run let finish (the later deliveries are test_increments').
    deliver(home, arrivals[1])
    for kill_at in [("start", "bronze/messages", 2.0), ("done", "gold/entity_links", 0.0)]:
        assert not _run(home, kill_at), f"the run ended before {kill_at}"
    assert _run(home)
    paths = LakePaths.from_env(home)
    registry = DeltaTable(paths.table(*LANDED_FILES)).to_pyarrow_table(columns=["src_file", "src_sha256"])
    assert registry.num_rows == len(set(zip(*registry.to_pydict().values())))  # each file landed once
    for source in SOURCES.names:
        bronze = DeltaTable(paths.table("bronze", source)).to_pyarrow_table(columns=["src_file", "src_line",
                                                                                    "src_part"])
        assert bronze.num_rows == len(set(zip(*bronze.to_pydict().values()))), f"bronze/{source} holds a row twice"
    scratch = from_scratch(home, tmp_path / "scratch")
    assert _run(scratch)
    for table in TABLES:
        incremental, whole = table_rows(home, table), table_rows(scratch, table)
        assert incremental == whole, f"{table}: {differences(incremental, whole)}"
