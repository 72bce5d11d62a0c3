"""What changed in a Delta table between two versions, read from its log, on both backends."""
import pytest
from deltalake import DeltaTable
from pyspark.sql import Row

from pipelines import changes
from pipelines.changes import table_change
from pipelines.lakehouse import Lakehouse


@pytest.fixture(params=["delta-rs", "delta-spark"])
def lakehouse(request, spark):
    return Lakehouse(spark, request.param)


def _rows(spark, ids, name="a"):
    return spark.createDataFrame([Row(id=i, name=f"{name}{i}") for i in ids]).repartition(2)


def _ids(frame):
    return sorted(r.id for r in frame.collect())


def test_appends_merges_and_deletes_are_read_back_as_rows_added_and_removed(lakehouse, spark, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(_rows(spark, range(20)), uri)  # version 0
    lakehouse.append(_rows(spark, [20, 21]), uri)  # 1
    lakehouse.merge(_rows(spark, [3], "b"), uri, ["id"], deleting=_rows(spark, [5, 6]))  # 2: 3 changed, 5 and 6 gone
    change = table_change(lakehouse, uri, 0)
    assert (change.since, change.until) == (0, 2)
    assert _ids(change.added) == [3, 20, 21]  # rewritten files' unchanged rows are not a change
    assert _ids(change.removed) == [3, 5, 6]
    assert {r.name for r in change.added.where("id = 3").collect()} == {"b3"}
    assert _ids(change.keys("id")) == [3, 5, 6, 20, 21]
    assert table_change(lakehouse, uri, 2).empty and table_change(lakehouse, uri, 2).added.count() == 0
    assert _ids(table_change(lakehouse, uri, 1, until=1).added) == []


def test_from_before_the_table_existed_every_row_is_added(lakehouse, spark, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(_rows(spark, range(5)), uri)
    change = table_change(lakehouse, uri, -1)
    assert _ids(change.added) == [0, 1, 2, 3, 4] and change.removed.count() == 0


def test_a_version_the_log_no_longer_holds_or_no_table_means_recompute_whole(lakehouse, spark, tmp_path):
    uri = str(tmp_path / "t")
    assert table_change(lakehouse, uri, 0) is None
    lakehouse.overwrite(_rows(spark, range(5)), uri)
    lakehouse.append(_rows(spark, [5]), uri)
    assert table_change(lakehouse, uri, 7) is None  # a start after now
    DeltaTable(uri).create_checkpoint()  # a log cleaned up once checkpointed
    (tmp_path / "t" / "_delta_log" / "00000000000000000000.json").unlink()
    assert table_change(lakehouse, uri, 0) is None
    assert _ids(table_change(lakehouse, uri, 1).added) == []


def test_appended_rows_and_keys_are_read_on_the_driver_as_spark_reads_them(lakehouse, spark, tmp_path, monkeypatch):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(_rows(spark, range(5)), uri)
    lakehouse.append(_rows(spark, [5, 6, 6]), uri)
    lakehouse.append(_rows(spark, [7], "b"), uri)
    change = table_change(lakehouse, uri, 0)
    assert change.appended is not None and change.removed.count() == 0
    on_driver, held = change.keys("id", "name"), change.computed()
    assert on_driver.isLocal() and held.added.isLocal()  # no Spark job: the rows came from the driver
    assert sorted(held.added.collect()) == sorted(change.added.collect()) and held.removed.count() == 0
    monkeypatch.setattr(changes, "DRIVER_READ_BYTES", 0)
    by_spark = change.keys("id", "name")
    assert not by_spark.isLocal()
    assert sorted(on_driver.collect()) == sorted(by_spark.collect()) == [(5, "a5"), (6, "a6"), (7, "b7")]
    assert on_driver.schema == by_spark.schema
    lakehouse.merge(_rows(spark, [1], "c"), uri, ["id"])
    merged = table_change(lakehouse, uri, 1)
    assert merged.appended is None and _ids(merged.keys("id")) == [1, 7]  # a rewritten file: compared by Spark
