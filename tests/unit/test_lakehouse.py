"""The Delta I/O on real Delta tables: what Spark wrote, delta-rs, DuckDB and Spark read back."""
import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet
import pytest
from deltalake import DeltaTable
from pyspark.sql import Row

from pipelines.delta import row_count as table_row_count
from pipelines.lakehouse import Lakehouse, SchemaMismatch, delta_spark_available

ROWS = [Row(id=i, name=f"n{i}", tags=["a", "b"], at=dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc),
            props={"k": str(i)}) for i in range(100)]


@pytest.fixture(params=["delta-rs", "delta-spark"])
def lakehouse(request, spark):
    """Every contract below holds for both backends (delta-spark's JARs missing is a failure)."""
    return Lakehouse(spark, request.param)


@pytest.fixture
def frame(spark):
    return spark.createDataFrame(ROWS).repartition(3)


def test_overwrite_then_read_through_the_log(lakehouse, frame, tmp_path):
    uri = str(tmp_path / "t")
    first = lakehouse.overwrite(frame, uri)
    assert first.committed and first.version == 0 and first.rows_written == 100 and first.files_added == 3
    lakehouse.overwrite(frame.limit(10), uri)
    # Old files stay on disk but are no longer live: reads must not resurrect them.
    assert lakehouse.read(uri).count() == 10
    assert table_row_count(uri) == 10
    assert DeltaTable(uri).to_pyarrow_dataset().count_rows() == 10


def test_overwrite_with_the_same_rows_commits_nothing(lakehouse, frame, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame, uri)
    files = sorted(p.name for p in (tmp_path / "t").glob("*.parquet"))
    again = lakehouse.overwrite(frame.orderBy(frame.columns[0], ascending=False).repartition(2), uri)
    assert not again.committed and again.version == 0
    assert sorted(p.name for p in (tmp_path / "t").glob("*.parquet")) == files  # the new files were removed
    changed = lakehouse.overwrite(frame.limit(99), uri)
    assert changed.committed and changed.version == 1


def test_files_carry_statistics_for_data_skipping(lakehouse, frame, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame.orderBy("id").coalesce(1), uri)
    actions = pa.table(DeltaTable(uri).get_add_actions(flatten=True)).to_pydict()
    assert actions["num_records"] == [100]
    assert actions["min.id"] == [0] and actions["max.id"] == [99]
    assert actions["null_count.name"] == [0]


def test_a_long_string_is_bounded_and_found_by_an_equality_lookup(lakehouse, spark, tmp_path):
    """delta-rs reads a file without a column's minimum as holding no value to match: a long
    string's statistics are cut (as Delta writers do), never left out."""
    long_ids = [f"attachment:{i:07d}.b705e6b92085@us.example.org/{'identificadores-' * 4}{i}.csv" for i in range(50)]
    uri = str(tmp_path / "long")
    lakehouse.overwrite(spark.createDataFrame([(d, i) for i, d in enumerate(long_ids)], "doc_id string, n int")
                        .coalesce(1), uri)
    stats = pa.table(DeltaTable(uri).get_add_actions(flatten=True)).to_pylist()[0]
    assert stats["min.doc_id"] == min(long_ids)[:64] and stats["max.doc_id"] > max(long_ids)
    dataset = DeltaTable(uri).to_pyarrow_dataset()
    for wanted in (long_ids[0], long_ids[-1], long_ids[25]):
        assert dataset.to_table(filter=pc.field("doc_id") == wanted).num_rows == 1
    con = duckdb.connect()
    con.register("t", dataset)
    assert con.sql(f"SELECT n FROM t WHERE doc_id IN ('{long_ids[7]}')").fetchall() == [(7,)]


def test_append_of_nothing_commits_nothing(lakehouse, frame, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.append(frame, uri)
    result = lakehouse.append(frame.limit(0), uri)
    assert not result.committed and lakehouse.version(uri) == 0


def test_merge_upserts_and_is_idempotent(lakehouse, frame, spark, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame, uri)
    assert not lakehouse.merge(frame, uri, ["id"]).committed  # same input: no new version
    changed = spark.createDataFrame([ROWS[5].asDict() | {"name": "changed"}, ROWS[0].asDict() | {"id": 500}])
    result = lakehouse.merge(changed, uri, ["id"])
    assert result.committed and result.version == 1
    table = {r.id: r.name for r in lakehouse.read(uri).collect()}
    assert len(table) == 101 and table[5] == "changed" and table[500] == "n0"
    assert result.files_removed == 1  # only the file holding id 5 was rewritten


def test_new_columns_are_added_to_the_table_and_a_changed_type_is_refused(lakehouse, spark, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.append(spark.createDataFrame([(1, "a")], "id long, v string"), uri)
    lakehouse.append(spark.createDataFrame([(2, "b", ["x"])], "id long, v string, w array<string>"), uri)
    lakehouse.merge(spark.createDataFrame([(3, "c", 1.5)], "id long, v string, z double"), uri, ["id"])
    rows = sorted(tuple(r) for r in lakehouse.read(uri).collect())
    assert rows == [(1, "a", None, None), (2, "b", ["x"], None), (3, "c", None, 1.5)]
    with pytest.raises(SchemaMismatch, match="column 'v' is .*string.* in the table but .*integer"):
        lakehouse.append(spark.createDataFrame([(4, 5)], "id long, v int"), uri)


def test_merge_with_delete_missing_makes_the_table_equal_to_the_input(lakehouse, frame, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame, uri)
    lakehouse.merge(frame.where("id < 40"), uri, ["id"], delete_missing=True)
    assert sorted(r.id for r in lakehouse.read(uri).collect()) == list(range(40))
    assert not lakehouse.merge(frame.where("id < 40"), uri, ["id"], delete_missing=True).committed


def test_history_and_engines_agree(lakehouse, frame, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame, uri)
    lakehouse.append(frame.limit(5), uri)
    assert [h["version"] for h in lakehouse.history(uri)] == [1, 0]
    dataset = DeltaTable(uri).to_pyarrow_dataset()  # noqa: F841 (DuckDB reads this local by its name)
    assert duckdb.sql("SELECT count(*) FROM dataset").fetchall() == [(105,)]


def test_merge_refuses_unknown_keys(lakehouse, frame, tmp_path):
    with pytest.raises(ValueError, match="merge keys"):
        lakehouse.merge(frame, str(tmp_path / "t"), ["nope"])


def test_unknown_backend_is_a_clear_error(spark):
    with pytest.raises(ValueError, match="unknown Delta backend"):
        Lakehouse(spark, "iceberg")


def test_delta_spark_is_the_default_where_its_jars_are(spark):
    assert delta_spark_available(spark)
    assert Lakehouse(spark).backend.name == "delta-spark"
    assert Lakehouse(spark, "delta-rs").backend.name == "delta-rs"


@pytest.mark.parametrize("writer,reader", [("delta-rs", "delta-spark"), ("delta-spark", "delta-rs")])
def test_a_table_written_by_one_backend_is_read_and_merged_by_the_other(spark, frame, tmp_path, writer, reader):
    uri = str(tmp_path / "t")
    first, second = Lakehouse(spark, writer), Lakehouse(spark, reader)
    first.overwrite(frame, uri)
    first.merge(spark.createDataFrame([ROWS[5].asDict() | {"name": "changed"}]), uri, ["id"])
    written = sorted(first.read(uri).collect())
    assert sorted(second.read(uri).collect()) == written and len(written) == 100
    assert not second.merge(first.read(uri), uri, ["id"]).committed  # the same rows: nothing to commit
    assert second.merge(frame.where("id < 40"), uri, ["id"], delete_missing=True).committed
    assert sorted(r.id for r in first.read(uri).collect()) == list(range(40))
    dataset = DeltaTable(uri).to_pyarrow_dataset()  # noqa: F841 (DuckDB reads this local by its name)
    assert duckdb.sql("SELECT count(*), max(id) FROM dataset").fetchall() == [(40, 39)]
    protocol = DeltaTable(uri).protocol()  # what delta-rs, DuckDB and Trino 476 all read
    assert (protocol.min_reader_version, protocol.min_writer_version) == (1, 2)
    assert not protocol.reader_features and not protocol.writer_features


def test_delta_spark_checkpoints_are_read_by_delta_rs(spark, frame, tmp_path):
    uri = str(tmp_path / "t")
    lake = Lakehouse(spark, "delta-spark")
    lake.overwrite(frame, uri)
    spark.sql(f"ALTER TABLE delta.`{uri}` SET TBLPROPERTIES ('delta.checkpointInterval' = '2')")
    lake.append(frame.limit(3), uri)
    assert list((tmp_path / "t" / "_delta_log").glob("*.checkpoint.parquet"))
    table = DeltaTable(uri)
    assert table.version() == 2 and table.to_pyarrow_dataset().count_rows() == 103
    Lakehouse(spark, "delta-rs").append(frame.limit(2), uri)  # delta-rs commits after Spark's checkpoint
    assert lake.read(uri).count() == 105 and lake.version(uri) == 3


@pytest.mark.parametrize("backend", ["delta-rs", "delta-spark"])
def test_history_answers_as_of_a_time_the_same_on_both(spark, frame, tmp_path, backend):
    """``insight --as-of`` reads the table's history: version and commit time in milliseconds."""
    from pipelines import delta

    uri = str(tmp_path / "t")
    lake = Lakehouse(spark, backend)
    lake.overwrite(frame, uri)
    lake.overwrite(frame.limit(10), uri)
    history = lake.history(uri)
    assert [h["version"] for h in history] == [1, 0]
    assert all(isinstance(h["timestamp"], int) for h in history) and history[0]["timestamp"] >= history[1]["timestamp"]
    then = delta.snapshot(uri, dt.datetime.fromtimestamp(history[1]["timestamp"] / 1000, dt.timezone.utc))
    assert then is not None
    assert then.table.version() == 0 and then.dataset().count_rows() == 100
    assert delta.snapshot(uri, dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)) is None


def test_merge_deleting_removes_only_the_listed_keys_the_frame_lacks(lakehouse, frame, spark, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame, uri)
    keys = spark.createDataFrame([Row(id=i) for i in (1, 2, 3, 500)])
    result = lakehouse.merge(frame.where("id = 2").withColumn("name", frame.name.substr(1, 1)), uri, ["id"],
                             deleting=keys)
    assert result.committed
    rows = {r.id: r.name for r in lakehouse.read(uri).collect()}
    assert 1 not in rows and 3 not in rows and rows[2] == "n" and len(rows) == 98  # 500 was never there
    assert not lakehouse.merge(frame.where("id = 2").withColumn("name", frame.name.substr(1, 1)), uri, ["id"],
                               deleting=keys).committed
    assert lakehouse.merge(frame.limit(0), uri, ["id"], deleting=keys.where("id = 4")).committed is False
    assert lakehouse.merge(frame.limit(0), uri, ["id"], deleting=spark.createDataFrame([Row(id=4)])).committed
    assert 4 not in {r.id for r in lakehouse.read(uri).collect()}


def test_merge_into_a_table_of_no_rows_inserts_and_deletes_nothing(lakehouse, frame, spark, tmp_path):
    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame.limit(0), uri)  # a silver table whose first refresh held only withdrawals
    keys = spark.createDataFrame([Row(id=1)])
    assert not lakehouse.merge(frame.limit(0), uri, ["id"], deleting=keys).committed
    assert lakehouse.merge(frame.where("id < 5"), uri, ["id"], deleting=keys).committed
    assert sorted(r.id for r in lakehouse.read(uri).collect()) == [0, 1, 2, 3, 4]


def _groups(lakehouse, uri):
    return sorted((r.grp, r.id, r.name) for r in lakehouse.read(uri).collect())


@pytest.mark.parametrize("literals", [True, False], ids=["small scope", "large scope"])
def test_replace_rewrites_only_the_rows_in_scope(lakehouse, spark, tmp_path, monkeypatch, literals):
    """An increment's write: the rows of the groups it recomputed become its rows, whatever they
    were (some gone, some new, some changed); other groups and the files holding only them stay."""
    from pipelines import lakehouse as module
    from pipelines.lakehouse import Scope

    if not literals:  # the path a scope too large to list takes: joined, and on delta-spark one MERGE
        monkeypatch.setattr(module, "SCOPE_LITERALS", 0)
    uri = str(tmp_path / "t")
    rows = [Row(grp=f"g{i // 10:02d}", id=i, name=f"n{i}") for i in range(100)]
    lakehouse.overwrite(spark.createDataFrame(rows).repartitionByRange(5, "grp").sortWithinPartitions("grp"), uri)
    before = set(DeltaTable(uri).file_uris())
    holding = {f for f in before if {"g01", "g02"} & set(pa.parquet.read_table(f, columns=["grp"])["grp"].to_pylist())}
    scope = Scope("grp", spark.createDataFrame([Row(grp="g01"), Row(grp="g02"), Row(grp="g77")]))
    new = spark.createDataFrame([Row(grp="g01", id=10, name="changed"), Row(grp="g77", id=770, name="new")])
    result = lakehouse.replace(new, uri, scope, cluster=["grp", "id"])
    assert result.committed and result.rows_written >= 2
    expected = sorted([(r.grp, r.id, r.name) for r in rows if r.grp not in ("g01", "g02")]
                      + [("g01", 10, "changed"), ("g77", 770, "new")])
    assert _groups(lakehouse, uri) == expected
    if literals:  # the files holding only other groups were not read again, nor rewritten
        assert before - set(DeltaTable(uri).file_uris()) == holding and len(holding) < len(before)
    again = lakehouse.replace(new.orderBy("id", ascending=False), uri, scope, cluster=["grp", "id"])
    assert not again.committed and again.version == result.version
    emptied = lakehouse.replace(new.limit(0), uri, Scope("grp", spark.createDataFrame([Row(grp="g77")])))
    assert emptied.committed and ("g77", 770, "new") not in _groups(lakehouse, uri)
    nothing = lakehouse.replace(new.limit(0), uri, Scope("grp", spark.createDataFrame([], "grp string")))
    assert not nothing.committed


def test_replace_refuses_a_scope_column_the_frame_lacks(lakehouse, frame, spark, tmp_path):
    from pipelines.lakehouse import Scope

    uri = str(tmp_path / "t")
    lakehouse.overwrite(frame, uri)
    with pytest.raises(ValueError, match="scope column"):
        lakehouse.replace(frame, uri, Scope("grp", spark.createDataFrame([Row(grp="x")])))


def test_add_new_appends_laid_out_rows_and_commits_nothing_for_none(lakehouse, spark, tmp_path):
    """The rows of keys the table holds none of (the postings of new documents) are appended sorted
    on the cluster, without a file of the table read; no row, no commit."""
    uri = str(tmp_path / "t")
    lakehouse.overwrite(spark.createDataFrame([Row(grp="g1", id=1)]), uri)
    version = DeltaTable(uri).version()
    assert not lakehouse.add_new(spark.createDataFrame([], "grp string, id long"), uri, ["grp", "id"]).committed
    result = lakehouse.add_new(spark.createDataFrame([Row(grp="g9", id=3), Row(grp="g2", id=2)]), uri, ["grp", "id"])
    assert result.committed and result.version == version + 1
    added = set(DeltaTable(uri).file_uris()) - set(DeltaTable(uri, version=version).file_uris())
    assert [pa.parquet.read_table(f).column("grp").to_pylist() for f in added] == [["g2", "g9"]]
    assert sorted((r.grp, r.id) for r in lakehouse.read(uri).collect()) == [("g1", 1), ("g2", 2), ("g9", 3)]
