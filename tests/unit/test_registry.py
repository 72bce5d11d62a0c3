"""The landing registry read without Spark: which raw files a landing need not read again."""
import datetime as dt
import os

import pyarrow as pa
from deltalake import write_deltalake

from pipelines.config import LakePaths
from pipelines.land.landing import list_raw_files
from pipelines.land.registry import LANDED_FILES, landed_fingerprints, unchanged_since_landed
from pipelines.land.sources import LANDED_FILES_SCHEMA


def _landed(paths: LakePaths, rel: str, size: int, at: dt.datetime) -> None:
    row = {"source": "notices", "src_file": rel, "src_sha256": "x", "size": size, "rows_read": 1, "rows_landed": 1,
           "rows_quarantined": 0, "landed_at": at, "schema_drift": []}
    write_deltalake(paths.table(*LANDED_FILES), pa.Table.from_pylist([row], schema=LANDED_FILES_SCHEMA), mode="append")


def test_a_file_unchanged_since_it_landed_is_not_read_again_one_rewritten_since_is(tmp_path):
    paths = LakePaths.from_env(tmp_path)
    folder = paths.raw_dir("notices")
    folder.mkdir(parents=True)
    for name in ("kept.jsonl", "rewritten.jsonl", "grown.jsonl", "new.jsonl"):
        (folder / name).write_text("{}\n", encoding="utf-8")
    landed_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)  # after every file was written
    for name in ("kept.jsonl", "rewritten.jsonl", "grown.jsonl"):
        _landed(paths, f"notices/{name}", 3, landed_at)
    later = (landed_at + dt.timedelta(minutes=1)).timestamp()
    os.utime(folder / "rewritten.jsonl", (later, later))  # the same size, written again after it landed
    (folder / "grown.jsonl").write_text('{"a": 1}\n', encoding="utf-8")
    listed = list_raw_files(str(paths.raw), "notices")
    assert unchanged_since_landed(paths, listed) == {"notices/kept.jsonl"}


def test_a_landing_carries_the_fingerprints_of_the_files_it_lists_not_of_the_whole_registry(tmp_path):
    paths = LakePaths.from_env(tmp_path)
    at = dt.datetime.now(dt.timezone.utc)
    for name in ("a.jsonl", "b.jsonl"):
        _landed(paths, f"notices/{name}", 3, at)
    assert landed_fingerprints(paths, ["notices/a.jsonl", "notices/new.jsonl"]) == {("notices/a.jsonl", "x")}
    assert landed_fingerprints(paths, []) == frozenset() and unchanged_since_landed(paths, []) == set()
