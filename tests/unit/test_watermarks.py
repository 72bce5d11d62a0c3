"""Watermarks: the last one recorded wins, and the table stays a file or two however many runs."""
from deltalake import DeltaTable

from pipelines import watermarks
from pipelines.watermarks import Watermark


def test_the_last_watermark_of_a_table_is_read_back(tmp_path):
    uri = str(tmp_path / "watermarks")
    assert watermarks.read(uri, "silver/documents") is None
    watermarks.record(uri, "silver/documents", Watermark({"bronze/notices": 3}, "x"), "run-1")
    watermarks.record(uri, "silver/records", Watermark({"bronze/notices": 1}), "run-1")
    watermarks.record(uri, "silver/documents", Watermark({"bronze/notices": 5, "bronze/sltd": 0}, "y"), "run-2")
    assert watermarks.read(uri, "silver/documents") == Watermark({"bronze/notices": 5, "bronze/sltd": 0}, "y")
    assert watermarks.read(uri, "silver/records") == Watermark({"bronze/notices": 1}, "")
    assert watermarks.read(uri, "gold/documents") is None


def test_many_runs_are_compacted_into_one_file(tmp_path):
    uri = str(tmp_path / "watermarks")
    for run in range(70):
        watermarks.record(uri, "silver/documents", Watermark({"bronze/notices": run}), f"run-{run}")
    assert len(DeltaTable(uri).file_uris()) < 10
    assert watermarks.read(uri, "silver/documents") == Watermark({"bronze/notices": 69})


def test_versions_leave_out_tables_that_do_not_exist(tmp_path):
    uri = str(tmp_path / "watermarks")
    watermarks.record(uri, "t", Watermark(), "run")
    assert watermarks.versions({"state/watermarks": uri, "missing": str(tmp_path / "none")}) == {"state/watermarks": 0}


def test_recording_what_is_already_recorded_commits_nothing_and_each_commit_names_its_run(tmp_path):
    from pipelines.delta import commit_origin

    uri = str(tmp_path / "watermarks")
    watermarks.record(uri, "silver/documents", Watermark({"bronze/notices": 3}, "x"), "run-1")
    watermarks.record(uri, "silver/documents", Watermark({"bronze/notices": 3}, "x"), "run-2")
    assert DeltaTable(uri).version() == 0
    watermarks.record(uri, "silver/documents", Watermark({"bronze/notices": 3}, "y"), "run-3")
    origins = [commit_origin(c) for c in DeltaTable(uri).history()]
    assert [(o["run_id"], o["assets"]) for o in origins] == [("run-3", "silver/documents"),
                                                             ("run-1", "silver/documents")]
