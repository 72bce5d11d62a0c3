"""Landing as Spark transformations: raw file listing → outcomes → bronze rows and quarantine rows."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Callable, Iterator

import pyarrow as pa
import pyarrow.fs as pafs
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from pipelines.land.readers import RawFile, read_raw_file
from pipelines.land.sources import QUARANTINE_SCHEMA, SPECS, bronze_schema

FILES_SCHEMA = pa.schema(
    [("source", pa.string()), ("src_file", pa.string()), ("abs_path", pa.string()), ("size", pa.int64())]
)
_BATCH_ROWS = 4096


def spark_schema(schema: pa.Schema):
    return from_arrow_schema(schema, prefer_timestamp_ntz=False)


def list_raw_files(spark: SparkSession, raw_root: str, source: str) -> DataFrame:
    """The files of ``raw/<source>/`` (recursively; dot-files are partial uploads and wait)."""
    filesystem, root = pafs.FileSystem.from_uri(raw_root)
    base = f"{root.rstrip('/')}/{source}"
    rows: list[dict[str, Any]] = []
    if filesystem.get_file_info(base).type == pafs.FileType.Directory:
        for info in filesystem.get_file_info(pafs.FileSelector(base, recursive=True)):
            if info.type != pafs.FileType.File or info.base_name.startswith("."):
                continue
            rel = info.path[len(root.rstrip("/")) + 1 :]
            rows.append({"source": source, "src_file": rel, "abs_path": info.path, "size": info.size})
    return spark.createDataFrame(pa.Table.from_pylist(rows, schema=FILES_SCHEMA).to_pandas(),
                                 spark_schema(FILES_SCHEMA))


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _hash_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        hashes = [_sha256(p) for p in batch.column("abs_path").to_pylist()]
        yield batch.append_column("src_sha256", pa.array(hashes, pa.string()))


def hash_files(files: DataFrame) -> DataFrame:
    """Adds each file's SHA-256, computed on the executors (files are streamed, not loaded)."""
    return files.mapInArrow(_hash_batches, f"{files.schema.simpleString()[7:-1]}, src_sha256 string")


def unlanded_files(files: DataFrame, landed: DataFrame) -> DataFrame:
    """Files whose (path, SHA-256) the landing registry has not seen: landing twice lands nothing."""
    return files.join(landed.select("src_file", "src_sha256"), ["src_file", "src_sha256"], "left_anti")


def outcome_schema(source: str) -> pa.Schema:
    """A bronze row, or (``reason`` set) a quarantine row, for every unit read from a file."""
    schema = bronze_schema(source)
    for name in ("record_id", "reason", "raw"):
        schema = schema.append(QUARANTINE_SCHEMA.field(name))
    return schema


def _reader_fn(source: str, landed_at: dt.datetime) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    spec = SPECS[source]
    schema = outcome_schema(source)

    def read_files(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pending: list[dict[str, Any]] = []
        for batch in batches:
            for row in batch.to_pylist():
                raw_file = RawFile(source, row["src_file"], row["abs_path"], row["src_sha256"], landed_at)
                for outcome in read_raw_file(spec, raw_file):
                    pending.append(outcome)
                    if len(pending) >= _BATCH_ROWS:
                        yield pa.RecordBatch.from_pylist(pending, schema=schema)
                        pending = []
        if pending:
            yield pa.RecordBatch.from_pylist(pending, schema=schema)

    return read_files


def read_outcomes(files: DataFrame, source: str, landed_at: dt.datetime) -> DataFrame:
    """Reads every file on the executors, one task per file where the cluster allows."""
    parallelism = files.sparkSession.sparkContext.defaultParallelism * 4
    spread = files.repartition(parallelism, "src_file")
    return spread.mapInArrow(_reader_fn(source, landed_at), spark_schema(outcome_schema(source)))


def bronze_rows(outcomes: DataFrame, source: str) -> DataFrame:
    return outcomes.where(F.col("reason").isNull()).select(*bronze_schema(source).names)


def quarantine_rows(outcomes: DataFrame, source: str) -> DataFrame:
    return (
        outcomes.where(F.col("reason").isNotNull())
        .withColumn("source", F.lit(source))
        .select(*QUARANTINE_SCHEMA.names)
    )


def file_tallies(files: DataFrame, outcomes: DataFrame, landed_at: dt.datetime) -> DataFrame:
    """One registry row per file: read = landed + quarantined, by construction of the outcomes."""
    counts = outcomes.groupBy("src_file", "src_sha256").agg(
        F.count(F.lit(1)).alias("rows_read"),
        F.sum(F.when(F.col("reason").isNull(), 1).otherwise(0)).alias("rows_landed"),
        F.sum(F.when(F.col("reason").isNotNull(), 1).otherwise(0)).alias("rows_quarantined"),
    )
    return (
        files.join(counts, ["src_file", "src_sha256"], "left")
        .select(
            "source",
            "src_file",
            "src_sha256",
            "size",
            *(F.coalesce(F.col(c), F.lit(0)).cast("long").alias(c) for c in ("rows_read", "rows_landed", "rows_quarantined")),
            F.lit(landed_at).cast("timestamp").alias("landed_at"),
        )
    )
