"""The lakehouse I/O: every Delta read and write of the project goes through :class:`Lakehouse`.

Two backends share one API:

* ``delta-spark`` (default where Delta Lake's JARs are on the classpath, see
  ``pipelines/jars.py``): Spark's own Delta data source writes, merges and commits.
* ``delta-rs``: Spark executors write Parquet files (``mapInArrow``) with per-file statistics,
  the driver commits them in one Delta transaction through ``deltalake``. Only file names and
  statistics reach the driver, never rows.

Both write the same plain protocol (reader 1, writer 2; see ``DELTA_CONF`` in
``pipelines/spark.py``), so each reads the other's tables, as do DuckDB and Trino.

Reads always go through the Delta log (the live files), never ``spark.read.parquet(table_dir)``,
which would resurrect files an overwrite removed.

Every commit a :class:`Lakehouse` made for someone carries its origin (the run and the asset, see
:func:`pipelines.delta.origin_of`) as the commit's ``userMetadata``, the field both writers and Delta readers know.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from deltalake import DeltaTable
from deltalake import Field as DeltaField
from deltalake import Schema as DeltaSchema
from deltalake.transaction import AddAction, CommitProperties, RemoveAction, create_table_with_add_actions
from py4j.java_gateway import JavaClass
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.sql.types import DataType, StructType

from pipelines import delta
from pipelines.layout import files_for
from pipelines.spark import spark_schema

_ROW_HASH = "__insight_row_hash"
_FILE = "__insight_file"
_DELETE = "__insight_delete"
# String statistics are cut to this many characters, as Delta writers do: a prefix is a lower
# bound, a prefix with its last character raised an upper bound.
_MAX_STAT_STRING = 64
_USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata"


@dataclass(frozen=True)
class WriteResult:
    """What a write did: ``committed`` is False when there was nothing to change."""

    committed: bool
    version: int | None
    rows_written: int
    files_added: int = 0
    files_removed: int = 0


def unchanged(uri: str) -> WriteResult:
    """What a write that found nothing to change did: nothing (the table stays at its version)."""
    return WriteResult(False, delta.version(uri), 0)


# A scope of this many values or fewer is matched against the files' statistics (and, on
# delta-spark, written as a literal predicate); a larger one is joined.
SCOPE_LITERALS = 10_000


@dataclass(frozen=True)
class Scope:
    """The part of a table an increment recomputes: the rows whose ``column`` is one of ``values``
    (a frame holding that column)."""

    column: str
    values: DataFrame

    @cached_property
    def literals(self) -> list[Any] | None:
        """The values, sorted, when there are at most :data:`SCOPE_LITERALS` of them; else None
        (computed once)."""
        found = self.values.select(self.column).distinct().limit(SCOPE_LITERALS + 1).collect()
        if len(found) > SCOPE_LITERALS:
            return None
        return sorted(r[0] for r in found if r[0] is not None)

    @property
    def size(self) -> int:
        """How many values the scope holds."""
        return len(self.literals) if self.literals is not None else self.values.select(self.column).distinct().count()

    def rows_of(self, frame: DataFrame) -> DataFrame:
        """The rows of ``frame`` in scope: a filter on the listed values (which lets a reader skip
        files and row groups), else a join."""
        if self.literals is not None:
            return frame.where(F.col(self.column).isin(self.literals)) if self.literals else frame.limit(0)
        return frame.join(F.broadcast(self.values.select(self.column).distinct()), self.column, "left_semi")

    def rows_outside(self, frame: DataFrame) -> DataFrame:
        """The rows of ``frame`` out of scope (a null ``column`` is never in it)."""
        if self.literals is not None:
            if not self.literals:
                return frame
            return frame.where(~F.coalesce(F.col(self.column).isin(self.literals), F.lit(False)))
        return frame.join(F.broadcast(self.values.select(self.column).distinct()), self.column, "left_anti")


def _files_holding(table: DeltaTable, column: str, literals: list[Any] | None) -> list[str]:
    """The live files whose statistics allow a value of ``literals`` in ``column`` (all of them
    when there are no literals or no statistics to go by)."""
    uris = table.file_uris()
    if literals is None:
        return uris
    if not literals:
        return []
    actions = delta.add_actions(table)
    lows = actions.column(f"min.{column}").to_pylist() if f"min.{column}" in actions.column_names else None
    highs = actions.column(f"max.{column}").to_pylist() if f"max.{column}" in actions.column_names else None
    if lows is None or highs is None:
        return uris
    by_path = dict(zip(_relative_paths(table), uris))
    found = []
    for path, low, high in zip(actions.column("path").to_pylist(), lows, highs):
        at = bisect.bisect_left(literals, low) if low is not None else 0
        if low is None or high is None or (at < len(literals) and literals[at] <= high):
            found.append(by_path[path])
    return found


def _laid_out(frame: DataFrame, files: int, cluster: Sequence[str]) -> DataFrame:
    """``frame`` in ``files`` files, each a range of ``cluster[0]`` sorted on ``cluster`` (else as it comes)."""
    if cluster:
        return frame.repartitionByRange(files, cluster[0]).sortWithinPartitions(*cluster)
    return frame.coalesce(files)


def _rows_unless_same(old: DataFrame, new: DataFrame) -> int | None:
    """How many rows ``new`` holds; None when they are ``old``'s rows, in any order (counts and
    order-free fingerprints, one job each)."""
    fingerprint = _fingerprint(new)
    return None if _fingerprint(old) == fingerprint else int(fingerprint[0])


class DeltaBackend(Protocol):
    name: str

    def exists(self, uri: str) -> bool: ...
    def read(self, uri: str) -> DataFrame: ...
    def overwrite(self, df: DataFrame, uri: str) -> WriteResult: ...
    def append(self, df: DataFrame, uri: str) -> WriteResult: ...
    def merge(self, df: DataFrame, uri: str, keys: Sequence[str], delete_missing: bool,
              deleting: DataFrame | None) -> WriteResult: ...
    def replace(self, df: DataFrame, uri: str, scope: Scope, cluster: Sequence[str]) -> WriteResult: ...
    def tagged(self) -> Any: ...


# --------------------------------------------------------------------------------------------
# delta-rs backend
# --------------------------------------------------------------------------------------------


def _has_min_max(type_: pa.DataType) -> bool:
    return any(
        check(type_)
        for check in (pa.types.is_integer, pa.types.is_floating, pa.types.is_date, pa.types.is_timestamp,
                      pa.types.is_string)
    )


def _stat_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _upper_bound(value: str) -> str | None:
    """``value``, or when longer than ``_MAX_STAT_STRING`` its prefix with the last character
    raised (greater than every string of that prefix).

    A column's statistics must never be left out for a long value: delta-rs turns a missing
    minimum into a file guarantee no filter satisfies, so every lookup on the column would skip
    the file (delta-rs 1.x, ``to_pyarrow_dataset``)."""
    if len(value) <= _MAX_STAT_STRING:
        return value
    code = ord(value[_MAX_STAT_STRING - 1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters
        code = 0xE000
    return None if code > 0x10FFFF else value[:_MAX_STAT_STRING - 1] + chr(code)


class _FileStats:
    """Delta ``stats`` of one Parquet file: record count, nulls, min/max of top-level scalars."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.rows = 0
        self.nulls = {f.name: 0 for f in schema}
        self.mins: dict[str, Any] = {}
        self.maxs: dict[str, Any] = {}
        self.skip = {f.name for f in schema if not _has_min_max(f.type)}

    def update(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        for name in self.nulls:
            column = batch.column(name)
            self.nulls[name] += column.null_count
            if name in self.skip or column.null_count == len(column):
                continue
            lo, hi = pc.min_max(column).values()
            lo, hi = lo.as_py(), hi.as_py()
            if isinstance(lo, str):
                lo, hi = lo[:_MAX_STAT_STRING], _upper_bound(hi)
                if hi is None:  # no character above the last one: no bound to give
                    self.skip.add(name)
                    self.mins.pop(name, None)
                    self.maxs.pop(name, None)
                    continue
            self.mins[name] = lo if name not in self.mins else min(self.mins[name], lo)
            self.maxs[name] = hi if name not in self.maxs else max(self.maxs[name], hi)

    def to_json(self) -> str:
        maxs = {}
        for name, value in self.maxs.items():
            if isinstance(value, dt.datetime):  # stats keep milliseconds: round the maximum up
                value = value + dt.timedelta(milliseconds=1)
            maxs[name] = _stat_value(value)
        return json.dumps(
            {
                "numRecords": self.rows,
                "minValues": {k: _stat_value(v) for k, v in self.mins.items()},
                "maxValues": maxs,
                "nullCount": self.nulls,
            }
        )


_FILES_SCHEMA = "path string, size long, num_records long, stats string"


def _parquet_writer_fn(table_uri: str, arrow_schema: pa.Schema):
    """The executor-side function of ``mapInArrow``: one Parquet file per non-empty partition."""

    def write_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        filesystem, root = pafs.FileSystem.from_uri(table_uri)
        name = f"part-{uuid.uuid4().hex}-c000.zstd.parquet"
        writer: pq.ParquetWriter | None = None
        stats = _FileStats(arrow_schema)
        try:
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                batch = pa.Table.from_batches([batch]).cast(arrow_schema).to_batches()[0]
                if writer is None:
                    filesystem.create_dir(root, recursive=True)
                    writer = pq.ParquetWriter(
                        f"{root}/{name}",
                        arrow_schema,
                        filesystem=filesystem,
                        compression="zstd",
                        coerce_timestamps="us",
                        write_statistics=True,
                    )
                writer.write_batch(batch, row_group_size=128 * 1024)
                stats.update(batch)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            return
        size = filesystem.get_file_info(f"{root}/{name}").size
        yield pa.RecordBatch.from_pylist(
            [{"path": name, "size": size, "num_records": stats.rows, "stats": stats.to_json()}],
            schema=pa.schema(
                [("path", pa.string()), ("size", pa.int64()), ("num_records", pa.int64()), ("stats", pa.string())]
            ),
        )

    return write_partition


def read_parquet_files(spark: SparkSession, table: DeltaTable, files: list[str]) -> DataFrame:
    """Rows of some of a table's data files (live or not), in ``table``'s schema: a column the
    files lack reads as null. Both backends write plain Parquet files (no deletion vectors, no
    column mapping), so this reads either's."""
    schema = _spark_schema(table)
    if not files:
        return spark.createDataFrame([], schema)
    return spark.read.schema(schema).parquet(*files)


def _rows_in(spark: SparkSession, uri: str, scope: Scope, read: Callable[[str], DataFrame]) -> DataFrame:
    """The rows of the table at ``uri`` in ``scope``. When the scope lists its values, they are
    read, as Parquet, from the data files whose statistics allow one of them: no Delta scan is
    planned (some 0.3 s a table at 100k documents, the snapshot's data skipping a Spark job of its
    own, more as its log grows), which is most of what reading a small increment's rows costs.
    Else ``read(uri)`` (the whole table) joined with the scope."""
    if scope.literals is None:
        return scope.rows_of(read(uri))
    table = delta.open_table(uri)
    if table is None:
        raise FileNotFoundError(f"no Delta table at {uri}")
    return scope.rows_of(read_parquet_files(spark, table, _files_holding(table, scope.column, scope.literals)))


def _arrow_schema(df: DataFrame) -> pa.Schema:
    return to_arrow_schema(df.schema)  # timestamps in UTC (pyspark 4.1: timestamp_utc=True)


def _delta_schema(arrow_schema: pa.Schema) -> DeltaSchema:
    return DeltaSchema.from_arrow(arrow_schema)


def _spark_schema(table: DeltaTable) -> StructType:
    return spark_schema(pa.schema(table.schema().to_arrow()))


def _fingerprint(df: DataFrame) -> Any:
    """The row count and a sum of row hashes: equal for the same rows in any order or files (JSON
    first: Spark does not hash maps)."""
    hashes = F.xxhash64(F.to_json(F.struct(*df.columns))).cast("decimal(38,0)")
    return tuple(df.select(F.count(F.lit(1)), F.sum(hashes)).first())


class SchemaMismatch(ValueError):
    """New rows whose column types differ from the table's: a migration, never an implicit cast."""


def _refuse_retyped(table: DeltaTable, incoming: pa.Schema, uri: str) -> None:
    """Raises :class:`SchemaMismatch` when a column of ``incoming`` has another type in the table
    (a table retyped by hand, or code that changed a type: a migration, even for a whole rewrite)."""
    current = {field.name: field for field in table.schema().fields}
    for field in DeltaSchema.from_arrow(incoming).fields:
        if field.name in current and (json.loads(field.to_json())["type"]
                                      != json.loads(current[field.name].to_json())["type"]):
            raise SchemaMismatch(f"{uri}: column {field.name!r} is {current[field.name].type} in the table "
                                 f"but {field.type} in the new rows")


def _add_new_columns(table: DeltaTable, incoming: pa.Schema, uri: str, commit: CommitProperties | None) -> bool:
    """Adds the nullable columns ``incoming`` has and the table lacks; True when it added any.

    Without this a commit keeps the old schema and readers silently drop the new column.
    """
    _refuse_retyped(table, incoming, uri)
    current = {field.name for field in table.schema().fields}
    new = [DeltaField(field.name, field.type, nullable=True)
           for field in DeltaSchema.from_arrow(incoming).fields if field.name not in current]
    if new:
        table.alter.add_columns(new, commit_properties=commit)
    return bool(new)


class DeltaRsBackend:
    """Spark computes and writes Parquet on executors; delta-rs commits on the driver."""

    name = "delta-rs"

    def __init__(self, spark: SparkSession, user_metadata: str | None = None) -> None:
        self.spark = spark
        self.commit = CommitProperties(custom_metadata={"userMetadata": user_metadata}) if user_metadata else None

    @contextmanager
    def tagged(self) -> Iterator[None]:
        yield  # each commit passes ``self.commit``

    def exists(self, uri: str) -> bool:
        return delta.open_table(uri) is not None

    def read(self, uri: str) -> DataFrame:
        table = delta.open_table(uri)
        if table is None:
            raise FileNotFoundError(f"no Delta table at {uri}")
        return self._read_files(table, table.file_uris())

    def _read_files(self, table: DeltaTable, files: list[str]) -> DataFrame:
        return read_parquet_files(self.spark, table, files)

    def _write_files(self, df: DataFrame, uri: str) -> tuple[list[AddAction], pa.Schema]:
        arrow_schema = _arrow_schema(df)
        written = df.mapInArrow(_parquet_writer_fn(uri, arrow_schema), _FILES_SCHEMA).collect()
        now = int(time.time() * 1000)
        adds = [AddAction(r.path, r.size, {}, now, True, r.stats) for r in written]
        return adds, arrow_schema

    @staticmethod
    def _rows(adds: list[AddAction]) -> int:
        return sum(json.loads(a.stats)["numRecords"] for a in adds)

    def _commit(
        self, uri: str, actions: list[AddAction | RemoveAction], schema: pa.Schema, mode: str
    ) -> int:
        table = delta.open_table(uri)
        if table is None:
            create_table_with_add_actions(uri, _delta_schema(schema), [a for a in actions if isinstance(a, AddAction)],
                                          commit_properties=self.commit)
        else:
            table.create_write_transaction(actions, mode=mode, schema=_delta_schema(schema),
                                           commit_properties=self.commit)
        return DeltaTable(uri).version()

    def overwrite(self, df: DataFrame, uri: str) -> WriteResult:
        """Replaces the table's rows by ``df``'s; commits nothing when they are the same rows, so a
        rebuild that changed nothing leaves no new version (and no work downstream)."""
        before = delta.open_table(uri)
        if before is not None:
            _refuse_retyped(before, _arrow_schema(df), uri)
        adds, schema = self._write_files(df, uri)
        if before is not None and self._same_rows(before, adds, schema, uri):
            filesystem, root = pafs.FileSystem.from_uri(uri)
            for add in adds:
                filesystem.delete_file(f"{root}/{add.path}")
            return WriteResult(False, before.version(), 0)
        removed = len(before.file_uris()) if before is not None else 0
        version = self._commit(uri, list(adds), schema, "overwrite")
        return WriteResult(True, version, self._rows(adds), len(adds), removed)

    def _same_rows(self, table: DeltaTable, adds: list[AddAction], schema: pa.Schema, uri: str) -> bool:
        """Same schema, same row count, the same order-free fingerprint of every row, and files
        whose statistics bound every column they should (older writes left long strings out)."""
        if _delta_schema(schema).to_json() != table.schema().to_json() or self._rows(adds) != delta.row_count(uri):
            return False
        if not _statistics_complete(table, schema):
            return False
        written = self._read_files(table, [f"{uri.rstrip('/')}/{a.path}" for a in adds])
        return _fingerprint(written) == _fingerprint(self._read_files(table, table.file_uris()))

    def append(self, df: DataFrame, uri: str) -> WriteResult:
        table = delta.open_table(uri)
        if table is not None:
            _add_new_columns(table, _arrow_schema(df), uri, self.commit)
        adds, schema = self._write_files(df, uri)
        if not adds and table is not None:
            return unchanged(uri)
        version = self._commit(uri, list(adds), schema, "append")
        return WriteResult(True, version, self._rows(adds), len(adds))

    def merge(self, df: DataFrame, uri: str, keys: Sequence[str], delete_missing: bool,
              deleting: DataFrame | None = None) -> WriteResult:
        """Upsert ``df`` on ``keys`` by rewriting only the files that hold touched keys.

        With ``delete_missing`` the target becomes exactly ``df`` (rows whose keys are absent
        from ``df`` are deleted); rows whose keys are in ``deleting`` and not in ``df`` are
        deleted. Nothing is committed when no row would change.
        """
        table = delta.open_table(uri)
        if table is None:
            return self.overwrite(df, uri)
        if _add_new_columns(table, _arrow_schema(df), uri, self.commit):
            table = DeltaTable(uri)
        if not table.file_uris():  # no row to update or delete (and no file to read them from)
            return self.append(df, uri)
        keys = list(keys)
        columns = df.columns
        source = df.withColumn(_ROW_HASH, F.sha2(F.to_json(F.struct(*columns)), 256))
        target = (
            self._read_files(table, table.file_uris())
            .select(*columns)
            .withColumn(_FILE, F.col("_metadata.file_path"))
        )
        target = target.withColumn(_ROW_HASH, F.sha2(F.to_json(F.struct(*columns)), 256))

        changed = source.join(target.select(*keys, _ROW_HASH), [*keys, _ROW_HASH], "left_anti")
        touched_keys = changed.select(*keys)
        if delete_missing:
            touched_keys = touched_keys.unionByName(target.select(*keys).join(source.select(*keys), keys, "left_anti"))
        if deleting is not None:
            gone = deleting.select(*keys).join(source.select(*keys), keys, "left_anti")
            touched_keys = touched_keys.unionByName(gone.join(target.select(*keys), keys, "left_semi"))
        touched_keys = touched_keys.distinct().cache()
        try:
            if touched_keys.isEmpty():
                return WriteResult(False, table.version(), 0)
            touched_files = [
                r[_FILE] for r in target.join(touched_keys, keys, "left_semi").select(_FILE).distinct().collect()
            ]
            kept = (
                self._read_files(table, touched_files).select(*columns).join(touched_keys, keys, "left_anti")
                if touched_files
                else None
            )
            new_rows = changed.select(*columns)
            rewritten = new_rows if kept is None else kept.unionByName(new_rows)
            adds, schema = self._write_files(rewritten, uri)
        finally:
            touched_keys.unpersist()
        by_uri = {u: p for u, p in zip(table.file_uris(), _relative_paths(table))}
        now = int(time.time() * 1000)
        removes = [RemoveAction(by_uri[_normalize_uri(f, by_uri)], True, now) for f in touched_files]
        version = self._commit(uri, [*removes, *adds], schema, "append")
        return WriteResult(True, version, self._rows(adds), len(adds), len(removes))

    def replace(self, df: DataFrame, uri: str, scope: Scope, cluster: Sequence[str] = ()) -> WriteResult:
        """The rows in ``scope`` become ``df``'s: only the files that hold such rows are read and
        rewritten (found by their statistics when the scope is small), ``df`` is added in as few
        files as its rows need. Nothing is committed when the rows in scope are ``df``'s already."""
        table = delta.open_table(uri)
        if table is None:
            return self.overwrite(_laid_out(df, 1, cluster), uri)
        if _add_new_columns(table, _arrow_schema(df), uri, self.commit):
            table = DeltaTable(uri)
        columns = df.columns
        candidates = _files_holding(table, scope.column, scope.literals)
        files = self._read_files(table, candidates)
        files = files.withColumn(_FILE, F.col("_metadata.file_path") if candidates else F.lit(None).cast("string"))
        old = scope.rows_of(files).select(*columns, _FILE).persist(StorageLevel.MEMORY_AND_DISK)
        new = df.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            new_rows = _rows_unless_same(old.drop(_FILE), new)
            if new_rows is None:
                return WriteResult(False, table.version(), 0)
            touched = [r[_FILE] for r in old.select(_FILE).distinct().collect()]
            by_uri = {u: p for u, p in zip(table.file_uris(), _relative_paths(table))}
            touched_paths = [by_uri[_normalize_uri(f, by_uri)] for f in touched]
            sizes = dict(zip(_relative_paths(table), delta.add_actions(table).column("num_records").to_pylist()))
            written = new
            if touched:  # what those files hold outside the scope is written again beside the new rows
                kept = scope.rows_outside(self._read_files(table, touched)).select(*columns)
                written = kept.unionByName(new)
            rows = sum(sizes[p] for p in touched_paths) + new_rows
            adds, schema = self._write_files(_laid_out(written, files_for(rows), cluster), uri)
        finally:
            old.unpersist()
            new.unpersist()
        now = int(time.time() * 1000)
        removes = [RemoveAction(p, True, now) for p in touched_paths]
        version = self._commit(uri, [*removes, *adds], schema, "append")
        return WriteResult(True, version, self._rows(adds), len(adds), len(removes))


def _statistics_complete(table: DeltaTable, schema: pa.Schema) -> bool:
    """Every file bounds every column with min/max statistics that holds a value there."""
    actions = delta.add_actions(table)
    rows = actions.column("num_records")
    for field in schema:
        if not _has_min_max(field.type) or f"null_count.{field.name}" not in actions.column_names:
            continue
        holds_values = pc.less(actions.column(f"null_count.{field.name}"), rows)
        bounded = (pc.is_valid(actions.column(f"min.{field.name}")) if f"min.{field.name}" in actions.column_names
                   else pc.less(rows, 0))
        if pc.any(pc.and_(holds_values, pc.invert(bounded))).as_py():
            return False
    return True


def _relative_paths(table: DeltaTable) -> list[str]:
    return [str(p) for p in delta.add_actions(table).column("path").to_pylist()]


def _normalize_uri(spark_path: str, by_uri: dict[str, str]) -> str:
    """Spark reports ``file:///x`` where delta-rs lists ``/x`` (or the reverse): find the live one."""
    if spark_path in by_uri:
        return spark_path
    for candidate in (spark_path.removeprefix("file://"), spark_path.removeprefix("file:"), f"file://{spark_path}"):
        if candidate in by_uri:
            return candidate
    raise KeyError(f"file {spark_path} is not live in the table")


# --------------------------------------------------------------------------------------------
# delta-spark backend
# --------------------------------------------------------------------------------------------


class DeltaSparkBackend:
    """Spark's own Delta data source writes and merges (Delta Lake's JARs, ``pipelines/jars.py``).

    The log's metadata (whether a table exists, its version, its history) is read by deltalake,
    as the delta-rs backend does: the same answers in the same shapes, and no Spark job per
    look-up. Like delta-rs's, a write that would change no row commits nothing.
    """

    name = "delta-spark"

    def __init__(self, spark: SparkSession, user_metadata: str | None = None) -> None:
        self.spark = spark
        self.user_metadata = user_metadata

    @contextmanager
    def tagged(self) -> Iterator[None]:
        """Delta's commits inside carry ``user_metadata`` (writes, MERGE and ALTER TABLE alike)."""
        if not self.user_metadata:
            yield
            return
        self.spark.conf.set(_USER_METADATA_CONF, self.user_metadata)
        try:
            yield
        finally:
            self.spark.conf.unset(_USER_METADATA_CONF)

    def exists(self, uri: str) -> bool:
        return delta.open_table(uri) is not None

    def read(self, uri: str) -> DataFrame:
        if not self.exists(uri):
            raise FileNotFoundError(f"no Delta table at {uri}")
        return self.spark.read.format("delta").load(uri)

    def _refuse_retyped(self, uri: str, incoming: StructType) -> set[str]:
        """As :func:`_refuse_retyped`; the table's column names."""
        current = {f.name: f for f in self.spark.read.format("delta").load(uri).schema.fields}
        for field in incoming.fields:
            if field.name in current and field.dataType.simpleString() != current[field.name].dataType.simpleString():
                raise SchemaMismatch(f"{uri}: column {field.name!r} is {_type_name(current[field.name].dataType)} "
                                     f"in the table but {_type_name(field.dataType)} in the new rows")
        return set(current)

    def _add_new_columns(self, uri: str, incoming: StructType) -> None:
        """As the delta-rs backend: new nullable columns are added first, a changed type refused."""
        current = self._refuse_retyped(uri, incoming)
        new = [f"`{field.name}` {field.dataType.simpleString()}" for field in incoming.fields
               if field.name not in current]
        if new:
            self.spark.sql(f"ALTER TABLE delta.`{uri}` ADD COLUMNS ({', '.join(new)})")

    def _metrics(self, uri: str) -> dict[str, int]:
        """The operation metrics of the table's last commit."""
        last = DeltaTable(uri).history(1)[0]
        return {k: int(v) for k, v in (last.get("operationMetrics") or {}).items() if str(v).isdigit()}

    def overwrite(self, df: DataFrame, uri: str) -> WriteResult:
        """Replaces the table's rows by ``df``'s; commits nothing when they are the same rows."""
        before = delta.open_table(uri)
        if before is None:
            df.write.format("delta").save(uri)
            return self._written(uri, 0)
        self._refuse_retyped(uri, df.schema)
        rows = df.persist(StorageLevel.MEMORY_AND_DISK)  # compared, then written: computed once
        try:
            current = self.spark.read.format("delta").load(uri)
            if (_column_types(rows.schema) == _column_types(current.schema) and rows.count() == delta.row_count(uri)
                    and _fingerprint(rows) == _fingerprint(current)):
                return WriteResult(False, before.version(), 0)
            rows.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(uri)
        finally:
            rows.unpersist()
        return self._written(uri, len(before.file_uris()))

    def _written(self, uri: str, files_removed: int) -> WriteResult:
        metrics = self._metrics(uri)
        return WriteResult(True, delta.version(uri), metrics.get("numOutputRows", 0), metrics.get("numFiles", 0),
                           files_removed)

    def append(self, df: DataFrame, uri: str) -> WriteResult:
        if not self.exists(uri):
            df.write.format("delta").save(uri)  # the table, even of no rows (see Lakehouse.ensure)
            return self._written(uri, 0)
        self._add_new_columns(uri, df.schema)
        if df.isEmpty():
            return unchanged(uri)
        df.write.format("delta").mode("append").save(uri)
        return self._written(uri, 0)

    def merge(self, df: DataFrame, uri: str, keys: Sequence[str], delete_missing: bool,
              deleting: DataFrame | None = None) -> WriteResult:
        """Delta's MERGE on ``keys``, updating only rows whose values differ; with
        ``delete_missing`` the rows whose keys ``df`` lacks are deleted, and the rows whose keys
        are in ``deleting`` and not in ``df`` (they join as tombstones: one MERGE, one commit).
        Delta commits a MERGE that changes nothing, so an unchanged input is found first and
        commits nothing."""
        if not self.exists(uri):
            return self.overwrite(df, uri)
        self._add_new_columns(uri, df.schema)
        columns, keys = df.columns, list(keys)
        rows = df.withColumn(_DELETE, F.lit(False))
        if deleting is not None:
            tombstones = deleting.select(*keys).distinct().join(df.select(*keys), keys, "left_anti")
            rows = rows.unionByName(tombstones.withColumn(_DELETE, F.lit(True)), allowMissingColumns=True)
        source = rows.persist(StorageLevel.MEMORY_AND_DISK)  # compared, then merged: computed once
        try:
            if not self._changes(source, uri, keys, delete_missing):
                return unchanged(uri)
            view = f"insight_merge_source_{uuid.uuid4().hex}"
            source.createOrReplaceTempView(view)
            on = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
            differs = (f"sha2(to_json(struct({', '.join(f't.`{c}`' for c in columns)})), 256) <> "
                       f"sha2(to_json(struct({', '.join(f's.`{c}`' for c in columns)})), 256)")
            sql = (f"MERGE INTO delta.`{uri}` t USING {view} s ON {on} "
                   f"WHEN MATCHED AND s.`{_DELETE}` THEN DELETE "
                   f"WHEN MATCHED AND {differs} THEN UPDATE SET {', '.join(f't.`{c}` = s.`{c}`' for c in columns)} "
                   f"WHEN NOT MATCHED AND NOT s.`{_DELETE}` THEN INSERT ({', '.join(f'`{c}`' for c in columns)}) "
                   f"VALUES ({', '.join(f's.`{c}`' for c in columns)})")
            if delete_missing:
                sql += " WHEN NOT MATCHED BY SOURCE THEN DELETE"
            try:
                self.spark.sql(sql)
            finally:
                self.spark.catalog.dropTempView(view)
        finally:
            source.unpersist()
        metrics = self._metrics(uri)
        rewritten = sum(metrics.get(m, 0) for m in ("numTargetRowsInserted", "numTargetRowsUpdated",
                                                    "numTargetRowsCopied"))
        return WriteResult(True, delta.version(uri), rewritten, metrics.get("numTargetFilesAdded", 0),
                           metrics.get("numTargetFilesRemoved", 0))

    def _changes(self, source: DataFrame, uri: str, keys: list[str], delete_missing: bool) -> bool:
        """Whether merging ``source`` (rows, and tombstones flagged ``_DELETE``) would insert,
        update or delete a row."""
        columns = [c for c in source.columns if c != _DELETE]
        row_hash = F.sha2(F.to_json(F.struct(*columns)), 256)
        target = self.spark.read.format("delta").load(uri).select(*columns)
        new = source.where(~F.col(_DELETE)).withColumn(_ROW_HASH, row_hash).alias("s")
        old = target.withColumn(_ROW_HASH, row_hash).alias("t")
        same_keys = [F.col(f"s.{k}").eqNullSafe(F.col(f"t.{k}")) for k in keys]
        if not new.join(old, [*same_keys, F.col(f"s.{_ROW_HASH}") == F.col(f"t.{_ROW_HASH}")], "left_anti").isEmpty():
            return True
        tombstones = source.where(F.col(_DELETE)).alias("s")
        if not tombstones.join(old, same_keys, "left_semi").isEmpty():
            return True
        return delete_missing and not old.join(new, same_keys, "left_anti").isEmpty()


    def replace(self, df: DataFrame, uri: str, scope: Scope, cluster: Sequence[str] = ()) -> WriteResult:
        """The rows in ``scope`` become ``df``'s, in one commit: a small scope is Delta's
        ``replaceWhere`` on the listed values (the files' statistics skip the others), a large one a
        MERGE that deletes the scope's rows and inserts ``df``'s. Nothing is committed when the
        rows in scope are ``df``'s already."""
        if not self.exists(uri):
            return self.overwrite(_laid_out(df, 1, cluster), uri)
        self._add_new_columns(uri, df.schema)
        columns = df.columns
        old = _rows_in(self.spark, uri, scope, self.read).select(*columns)
        old = old.persist(StorageLevel.MEMORY_AND_DISK)
        new = df.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            rows = _rows_unless_same(old, new)
            if rows is None:
                return unchanged(uri)
            laid_out = _laid_out(new, files_for(rows), cluster)
            if scope.literals is not None:
                (laid_out.write.format("delta").mode("overwrite")
                 .option("replaceWhere", _in_predicate(scope.column, scope.literals)).save(uri))
            else:
                self._merge_replacing(laid_out, uri, scope)
        finally:
            old.unpersist()
            new.unpersist()
        metrics = self._metrics(uri)
        return WriteResult(True, delta.version(uri), rows,
                           metrics.get("numFiles", metrics.get("numTargetFilesAdded", 0)),
                           metrics.get("numRemovedFiles", metrics.get("numTargetFilesRemoved", 0)))

    def _merge_replacing(self, rows: DataFrame, uri: str, scope: Scope) -> None:
        """One MERGE: every target row whose ``scope.column`` is in scope deleted, ``rows`` inserted
        (each scope value is one tombstone, so no target row matches two source rows)."""
        column = scope.column
        tombstones = scope.values.select(column).distinct().withColumn(_DELETE, F.lit(True))
        source = rows.withColumn(_DELETE, F.lit(False)).unionByName(tombstones, allowMissingColumns=True)
        view = f"insight_replace_source_{uuid.uuid4().hex}"
        source.createOrReplaceTempView(view)
        names = ", ".join(f"`{c}`" for c in rows.columns)
        try:
            self.spark.sql(
                f"MERGE INTO delta.`{uri}` t USING {view} s ON s.`{_DELETE}` AND t.`{column}` = s.`{column}` "
                f"WHEN MATCHED THEN DELETE "
                f"WHEN NOT MATCHED AND NOT s.`{_DELETE}` THEN INSERT ({names}) "
                f"VALUES ({', '.join(f's.`{c}`' for c in rows.columns)})")
        finally:
            self.spark.catalog.dropTempView(view)


def _in_predicate(column: str, values: list[Any]) -> str:
    """``column IN (values…)`` as Spark SQL (``false`` for no value)."""
    if not values:
        return "false"

    def literal(value: Any) -> str:
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return repr(value)
    return f"`{column}` IN ({', '.join(literal(v) for v in values)})"


def _type_name(type_: DataType) -> str:
    """Delta's name of a type (``integer``, ``decimal(10,2)``), Spark's for nested ones."""
    name = type_.jsonValue()
    return name if isinstance(name, str) else type_.simpleString()


def _column_types(schema: StructType) -> list[tuple[str, str]]:
    """Names and types in order, nullability aside (``simpleString``): Delta stores every
    column as nullable."""
    return [(f.name, f.dataType.simpleString()) for f in schema.fields]


def delta_spark_available(spark: SparkSession) -> bool:
    """True when Delta Lake's JARs and SQL extension are on this session."""
    extensions = spark.conf.get("spark.sql.extensions", "") or ""
    if "DeltaSparkSessionExtension" not in extensions:
        return False
    try:
        jvm = spark.sparkContext._jvm
    except Exception:  # Spark Connect: the server's configuration is all a client can see
        return True
    # py4j looks classes up in the loader spark.jars were added to; a missing one is a JavaPackage
    return isinstance(jvm.io.delta.tables.DeltaTable, JavaClass)


# --------------------------------------------------------------------------------------------
# The one entry point
# --------------------------------------------------------------------------------------------


def default_backend() -> str:
    """``$INSIGHT_DELTA_BACKEND`` (``delta-spark`` or ``delta-rs``), else ``auto``."""
    return os.environ.get("INSIGHT_DELTA_BACKEND", "auto")


class Lakehouse:
    """Delta read / overwrite / append / merge-on-keys / history for the whole project.

    ``backend`` is ``"delta-rs"``, ``"delta-spark"`` or ``"auto"`` (delta-spark when its JARs
    are present, delta-rs otherwise; default :func:`default_backend`). ``origin`` (see
    :func:`pipelines.delta.origin_of`) is recorded in every commit it makes.
    """

    def __init__(self, spark: SparkSession, backend: str | None = None,
                 origin: Mapping[str, Any] | None = None) -> None:
        choice = backend or default_backend()
        metadata = json.dumps(dict(origin), sort_keys=True) if origin else None
        if choice == "auto":
            choice = "delta-spark" if delta_spark_available(spark) else "delta-rs"
        if choice == "delta-rs":
            self.backend: DeltaBackend = DeltaRsBackend(spark, metadata)
        elif choice == "delta-spark":
            if not delta_spark_available(spark):
                raise RuntimeError("delta-spark backend asked for, but Delta Lake's JARs are not on Spark's classpath")
            self.backend = DeltaSparkBackend(spark, metadata)
        else:
            raise ValueError(f"unknown Delta backend {choice!r}: use delta-rs, delta-spark or auto")
        self.spark = spark

    def exists(self, uri: str) -> bool:
        return self.backend.exists(uri)

    def read(self, uri: str) -> DataFrame:
        return self.backend.read(uri)

    def ensure(self, uri: str, schema: StructType) -> None:
        """Creates an empty table of ``schema`` where none exists, so readers find one."""
        if not self.exists(uri):
            self.append(self.spark.createDataFrame([], schema), uri)

    def overwrite(self, df: DataFrame, uri: str) -> WriteResult:
        with self.backend.tagged():
            return self.backend.overwrite(df, uri)

    def append(self, df: DataFrame, uri: str) -> WriteResult:
        with self.backend.tagged():
            return self.backend.append(df, uri)

    def merge(self, df: DataFrame, uri: str, keys: Sequence[str], delete_missing: bool = False,
              deleting: DataFrame | None = None) -> WriteResult:
        """Upsert on natural ``keys``; re-running with the same input commits nothing.

        ``delete_missing``: the table becomes exactly ``df``. ``deleting`` (a frame with the key
        columns): the rows of those keys that ``df`` does not hold are deleted, the rest of the
        table is left as it is. What an increment writes: the rows of the keys it recomputed."""
        missing = [k for k in keys if k not in df.columns or (deleting is not None and k not in deleting.columns)]
        if missing:
            raise ValueError(f"merge keys {missing} are not columns of the frame")
        with self.backend.tagged():
            return self.backend.merge(df, uri, keys, delete_missing, deleting)

    def replace(self, df: DataFrame, uri: str, scope: Scope, cluster: Sequence[str] = ()) -> WriteResult:
        """What an increment writes: the rows of ``uri`` in ``scope`` (say, every row of the
        documents it recomputed) become ``df``'s rows, every row of which must be in scope; the rest
        of the table is left as it is, and only the files holding rows in scope are rewritten.
        ``cluster``: the columns the table's files are sorted on (the first cut into ranges), kept
        by the files written. Re-running with the same input commits nothing."""
        if scope.column not in df.columns or scope.column not in scope.values.columns:
            raise ValueError(f"the scope column {scope.column!r} is not a column of the frame and the scope")
        with self.backend.tagged():
            return self.backend.replace(df, uri, scope, cluster)

    def add_new(self, df: DataFrame, uri: str, cluster: Sequence[str] = ()) -> WriteResult:
        """What an increment writes when no row of the table has any of its keys yet (the postings
        of new documents): ``df``'s rows appended, laid out as :meth:`replace` lays them out, and no
        file of the table read to find rows to replace (in a table cut by another column, every one)."""
        rows = df.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            count = rows.count()
            if not count:
                return unchanged(uri)
            with self.backend.tagged():
                return self.backend.append(_laid_out(rows, files_for(count), cluster), uri)
        finally:
            rows.unpersist()

    def read_files(self, uri: str, files: list[str]) -> DataFrame:
        """Rows of some data files of the table at ``uri`` (live or removed by a later commit but
        not yet vacuumed), in its current schema: what :mod:`pipelines.changes` compares."""
        table = delta.open_table(uri)
        if table is None:
            raise FileNotFoundError(f"no Delta table at {uri}")
        return read_parquet_files(self.spark, table, files)

    def read_in(self, uri: str, scope: Scope) -> DataFrame:
        """The rows of the table at ``uri`` in ``scope`` (:func:`_rows_in`)."""
        return _rows_in(self.spark, uri, scope, self.read)

    def read_version(self, uri: str, version: int) -> DataFrame:
        """The table as it was at ``version`` (:class:`pipelines.delta.VersionGone` if its log is gone)."""
        files = delta.files_at(uri, version)
        return self.read_files(uri, files)

    def history(self, uri: str) -> list[dict[str, Any]]:
        """The table's commits, newest first (empty where there is no table)."""
        table = delta.open_table(uri)
        return [] if table is None else table.history()

    def version(self, uri: str) -> int | None:
        return delta.version(uri)
