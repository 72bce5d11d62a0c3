"""Landing I/O: which files are new, and the three Delta writes of one landing run."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines.config import LakePaths
from pipelines.lakehouse import Lakehouse
from pipelines.land.fields import SourceSpec
from pipelines.land.landing import (
    bronze_rows,
    file_tallies,
    files_frame,
    list_raw_files,
    quarantine_rows,
    read_outcomes,
)
from pipelines.land.registry import LANDED_FILES, QUARANTINE, landed_fingerprints, unchanged_since_landed
from pipelines.land.sources import LANDED_FILES_SCHEMA, QUARANTINE_SCHEMA, bronze_schema
from pipelines.spark import local_frame, spark_schema


@dataclass
class LandingReport:
    """What one landing run of one source did, per file and in total."""

    source: str
    files: list[dict] = field(default_factory=list)
    bronze_version: int | None = None

    @property
    def rows_read(self) -> int:
        return sum(f["rows_read"] for f in self.files)

    @property
    def rows_landed(self) -> int:
        return sum(f["rows_landed"] for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f["rows_quarantined"] for f in self.files)


_FILES = pa.schema([("src_file", pa.string()), ("src_sha256", pa.string())])


def _not_yet_in(lake: Lakehouse, rows: DataFrame, uri: str, files: list[dict[str, Any]],
                source: str | None = None) -> DataFrame:
    """``rows`` less those of the ``files`` (registry rows: ``src_file``, ``src_sha256``) whose rows
    the table at ``uri`` already holds (of ``source``, for the quarantine all sources share): only
    those files' rows are looked at (their paths filter the table's files by their statistics)."""
    if not lake.exists(uri):
        return rows
    held = lake.read(uri).where(F.col("src_file").isin(sorted({f["src_file"] for f in files})))
    if source is not None:
        held = held.where(F.col("source") == source)
    keys = _FILES.names
    held = held.select(*keys).join(F.broadcast(local_frame(lake.spark, files, _FILES)), keys, "left_semi")
    return rows.join(F.broadcast(held.distinct()), keys, "left_anti")


def land_source(lake: Lakehouse, paths: LakePaths, spec: SourceSpec, now: dt.datetime | None = None) -> LandingReport:
    """Lands every new file of ``raw/<spec.name>/``.

    Three commits: bronze, quarantine, then the registry. A run that dies before the registry's
    reads its files again next time, and lands only what the first commits do not hold already:
    each row lands once, whenever the run died.
    """
    spark, source = lake.spark, spec.name
    landed_at = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    bronze_uri = paths.table("bronze", source)
    registry_uri = paths.table(*LANDED_FILES)
    quarantine_uri = paths.table(*QUARANTINE)
    report = LandingReport(source)

    listed = list_raw_files(str(paths.raw), source)
    # A file the registry holds, unmodified since it landed, is not read again: landing reads what is new.
    unchanged = unchanged_since_landed(paths, listed)
    listed = [f for f in listed if f["src_file"] not in unchanged]
    if listed:
        landed = landed_fingerprints(paths, [f["src_file"] for f in listed])
        outcomes = read_outcomes(files_frame(spark, listed), spec, landed_at, landed)
        outcomes = outcomes.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            # Spark gives timestamps back naive, in the driver's zone: every file landed at ``landed_at``.
            report.files = [{**row.asDict(), "landed_at": landed_at}
                            for row in file_tallies(outcomes, source).orderBy("src_file").collect()]
            if report.files:
                lake.append(_not_yet_in(lake, bronze_rows(outcomes, spec), bronze_uri, report.files), bronze_uri)
                lake.append(_not_yet_in(lake, quarantine_rows(outcomes, source), quarantine_uri, report.files, source),
                            quarantine_uri)
        finally:
            outcomes.unpersist()
    lake.ensure(bronze_uri, spark_schema(bronze_schema(spec)))
    lake.ensure(quarantine_uri, spark_schema(QUARANTINE_SCHEMA))
    if report.files:
        lake.append(local_frame(spark, report.files, LANDED_FILES_SCHEMA), registry_uri)
    lake.ensure(registry_uri, spark_schema(LANDED_FILES_SCHEMA))
    report.bronze_version = lake.version(bronze_uri)
    return report
