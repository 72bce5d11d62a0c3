"""Landing I/O: which files are new, and the three Delta writes of one landing run."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
from pipelines.land.registry import (
    LANDED_FILES,
    QUARANTINE,
    fingerprints,
    landed_fingerprints,
    unchanged_since_landed,
)
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


def _held(uri: str, files: list[dict[str, Any]], source: str | None = None) -> set[str]:
    """The ``files`` (registry rows: ``src_file``, ``src_sha256``) whose rows the table at ``uri``
    holds already (of ``source``, for the quarantine all sources share): those a landing that died
    after its bronze commit and before its registry's committed. Read on the driver with delta-rs
    and pyarrow (:func:`fingerprints`), no Spark job."""
    found = fingerprints(uri, [f["src_file"] for f in files], source)
    return {f["src_file"] for f in files if (f["src_file"], f["src_sha256"]) in found}


def _append_new(lake: Lakehouse, rows: DataFrame, uri: str, files: list[dict[str, Any]], count: str,
                source: str | None = None) -> None:
    """Appends ``rows`` to the table at ``uri``, less those of the ``files`` it holds already
    (:func:`_held`); nothing when the files' tallies (``count``: ``rows_landed``,
    ``rows_quarantined``) say no row is left to write, so that a clean file costs no Spark job here."""
    held = _held(uri, files, source)
    if not sum(f[count] for f in files if f["src_file"] not in held):
        return
    # A file read now has one SHA-256: its rows are held whole or not at all.
    lake.append(rows.where(~F.col("src_file").isin(sorted(held))) if held else rows, uri)


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
                _append_new(lake, bronze_rows(outcomes, spec), bronze_uri, report.files, "rows_landed")
                _append_new(lake, quarantine_rows(outcomes, source), quarantine_uri, report.files,
                            "rows_quarantined", source)
        finally:
            outcomes.unpersist()
    lake.ensure(bronze_uri, spark_schema(bronze_schema(spec)))
    lake.ensure(quarantine_uri, spark_schema(QUARANTINE_SCHEMA))
    if report.files:
        lake.append(local_frame(spark, report.files, LANDED_FILES_SCHEMA), registry_uri)
    lake.ensure(registry_uri, spark_schema(LANDED_FILES_SCHEMA))
    report.bronze_version = lake.version(bronze_uri)
    return report
