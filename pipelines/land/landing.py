"""Landing as Spark transformations: raw file listing → outcomes → bronze, quarantine and tallies.

One executor pass per file: read its bytes once, hash them, skip it if the registry already
holds that (path, SHA-256), else parse every unit (line, row, MIME part) into a bronze row or a
quarantine row, and close with one tally row for the registry. No shuffle is needed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from pipelines.land.drift import DriftLog
from pipelines.land.fields import SourceSpec
from pipelines.land.readers import RawFile, read_units, unreadable_file
from pipelines.land.sources import LANDED_FILES_SCHEMA, QUARANTINE_SCHEMA, bronze_schema
from pipelines.spark import default_parallelism, local_frame, record_batches, spark_schema

FILES_SCHEMA = pa.schema(
    [("source", pa.string()), ("src_file", pa.string()), ("abs_path", pa.string()), ("size", pa.int64())]
)  # what a listed file is read by (its modification time stays on the driver)
TALLY = pa.field("file_tally", pa.struct([pa.field(n, pa.int64()) for n in
                                          ("size", "rows_read", "rows_landed", "rows_quarantined")]
                                         + [pa.field("schema_drift", pa.list_(pa.string()))]))
_BATCH_ROWS = 4096
Fingerprint = tuple[str, str]  # (path relative to raw/, SHA-256)


def list_raw_files(raw_root: str, source: str) -> list[dict[str, Any]]:
    """The files of ``raw/<source>/``, recursively, with their size and modification time; dot-files
    are uploads in progress and wait."""
    filesystem, root = pafs.FileSystem.from_uri(raw_root)
    root = root.rstrip("/")
    base = f"{root}/{source}"
    if filesystem.get_file_info(base).type != pafs.FileType.Directory:
        return []
    return [
        {"source": source, "src_file": info.path[len(root) + 1:], "abs_path": info.path, "size": info.size,
         "modified_at": info.mtime}
        for info in filesystem.get_file_info(pafs.FileSelector(base, recursive=True))
        if info.type == pafs.FileType.File and not info.base_name.startswith(".")
    ]


def files_frame(spark: SparkSession, files: list[dict[str, Any]]) -> DataFrame:
    """The listing as a frame spread over the cluster, largest files first so they start early."""
    ordered = [{k: f[k] for k in FILES_SCHEMA.names} for f in sorted(files, key=lambda f: -f["size"])]
    frame = local_frame(spark, ordered, FILES_SCHEMA)
    slices = max(1, min(len(ordered), default_parallelism(spark) * 4))
    return frame.repartition(slices)


def outcome_schema(spec: SourceSpec) -> pa.Schema:
    """A bronze row, a quarantine row (``reason`` set) or a file's tally (``file_tally`` set)."""
    schema = bronze_schema(spec)
    for name in ("record_id", "reason", "raw"):
        schema = schema.append(QUARANTINE_SCHEMA.field(name))
    return schema.append(TALLY)


def _file_outcomes(spec: SourceSpec, raw_file: RawFile, size: int, data: bytes | None,
                   error: OSError | None) -> Iterator[dict[str, Any]]:
    drift = DriftLog(spec)
    units = [unreadable_file(spec, raw_file, error)] if error else read_units(spec, raw_file, data or b"", drift)
    read = quarantined = 0
    for outcome in units:
        read += 1
        quarantined += "reason" in outcome
        yield outcome
    yield {"src_file": raw_file.rel_path, "src_sha256": raw_file.sha256, "landed_at": raw_file.landed_at,
           "file_tally": {"size": size, "rows_read": read, "rows_landed": read - quarantined,
                          "rows_quarantined": quarantined, "schema_drift": drift.notes()}}


def _reader_fn(spec: SourceSpec, landed_at: dt.datetime,
               landed: frozenset[Fingerprint]) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    schema = outcome_schema(spec)

    def outcomes(batches: Iterator[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
        for batch in batches:
            for row in batch.to_pylist():
                data, error = None, None
                try:
                    with open(row["abs_path"], "rb") as handle:
                        data = handle.read()
                    sha = hashlib.sha256(data).hexdigest()
                except OSError as exc:
                    error, sha = exc, ""
                if (row["src_file"], sha) in landed:
                    continue  # this very file has landed before: landing it again lands nothing
                yield from _file_outcomes(spec, RawFile(row["src_file"], sha, landed_at), row["size"], data, error)

    def read_files(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return record_batches(outcomes(batches), schema, _BATCH_ROWS)

    return read_files


def read_outcomes(files: DataFrame, spec: SourceSpec, landed_at: dt.datetime,
                  landed: frozenset[Fingerprint] = frozenset()) -> DataFrame:
    """Reads every listed file on the executors, skipping the (path, SHA-256) pairs in ``landed``."""
    return files.mapInArrow(_reader_fn(spec, landed_at, landed), spark_schema(outcome_schema(spec)))


def _units(outcomes: DataFrame) -> DataFrame:
    return outcomes.where(F.col("file_tally").isNull())


def bronze_rows(outcomes: DataFrame, spec: SourceSpec) -> DataFrame:
    return _units(outcomes).where(F.col("reason").isNull()).select(*bronze_schema(spec).names)


def quarantine_rows(outcomes: DataFrame, source: str) -> DataFrame:
    return (
        _units(outcomes).where(F.col("reason").isNotNull())
        .withColumn("source", F.lit(source))
        .select(*QUARANTINE_SCHEMA.names)
    )


def file_tallies(outcomes: DataFrame, source: str) -> DataFrame:
    """One registry row per file read; read = landed + quarantined holds by construction."""
    return outcomes.where(F.col("file_tally").isNotNull()).select(
        F.lit(source).alias("source"), "src_file", "src_sha256",
        *(F.col(f"file_tally.{n}").alias(n)
          for n in ("size", "rows_read", "rows_landed", "rows_quarantined", "schema_drift")),
        "landed_at",
    ).select(*LANDED_FILES_SCHEMA.names)
