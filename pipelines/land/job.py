"""Landing I/O: which files are new, and the three Delta writes of one landing run."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pyspark import StorageLevel

from pipelines.config import LakePaths
from pipelines.lakehouse import Lakehouse
from pipelines.land.landing import (
    bronze_rows,
    file_tallies,
    hash_files,
    list_raw_files,
    quarantine_rows,
    read_outcomes,
    spark_schema,
    unlanded_files,
)
from pipelines.land.sources import LANDED_FILES_SCHEMA

LANDED_FILES = ("bronze", "landed_files")
QUARANTINE = ("bronze", "quarantine")


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


def land_source(lake: Lakehouse, paths: LakePaths, source: str, now: dt.datetime | None = None) -> LandingReport:
    """Lands every new file of ``raw/<source>/``; the registry is written last, so a crash re-lands."""
    spark = lake.spark
    landed_at = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    bronze_uri = paths.table("bronze", source)
    registry_uri = paths.table(*LANDED_FILES)
    quarantine_uri = paths.table(*QUARANTINE)
    report = LandingReport(source)

    registry = lake.read_or_empty(registry_uri, spark_schema(LANDED_FILES_SCHEMA))
    new_files = unlanded_files(hash_files(list_raw_files(spark, str(paths.raw), source)), registry)
    new_files = new_files.persist(StorageLevel.MEMORY_AND_DISK)
    outcomes = read_outcomes(new_files, source, landed_at).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        tallies = file_tallies(new_files, outcomes, landed_at)
        report.files = [row.asDict() for row in tallies.orderBy("src_file").collect()]
        if report.files or not lake.exists(bronze_uri):
            lake.append(bronze_rows(outcomes, source), bronze_uri)
        if report.files or not lake.exists(quarantine_uri):
            lake.append(quarantine_rows(outcomes, source), quarantine_uri)
        if report.files or not lake.exists(registry_uri):
            lake.append(tallies, registry_uri)
    finally:
        outcomes.unpersist()
        new_files.unpersist()
    report.bronze_version = lake.version(bronze_uri)
    return report

