"""What changed in a Delta table between two versions, read from its log.

Both backends write plain tables (reader 1, writer 2: no change data feed, which is a table
feature), and every commit of theirs adds and removes whole files. So the rows that changed
between version ``since`` and now are the rows of the files live now but not then (``added``)
and of the files live then but not now (``removed``), less the rows those two have in common (a
merge rewrites a file whole: most rows of a rewritten file are the same rows). What is read is
proportional to the files the commits in between touched, not to the table.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines import delta
from pipelines.lakehouse import Lakehouse
from pipelines.spark import checkpoint

_HASH = "__insight_change_hash"
# The rows of a change that only appended files of at most this many bytes in all are read on the
# driver: a Spark job costs some 0.3-1 s however few its rows (a landing's one file).
DRIVER_READ_BYTES = 32 * 2**20


@dataclass(frozen=True)
class TableChange:
    """The rows of a table that are new or changed since ``since`` (``added``, as they are now) and
    the rows that were there then and are gone or changed (``removed``, as they were)."""

    uri: str
    since: int
    until: int
    added: DataFrame
    removed: DataFrame
    appended: tuple[str, ...] | None = None  # the files added, when the change removed none

    @property
    def empty(self) -> bool:
        return self.since == self.until

    def computed(self) -> TableChange:
        """The change with its rows computed once, now (they are read by many queries of a step,
        and each would otherwise read and compare the files again); small, being a change. The rows
        of a few appended files are read on the driver: the frames hold them, no Spark job ran."""
        if self.empty:
            return self
        rows = self._appended(self.added.columns)
        if rows is not None:
            spark, schema = self.added.sparkSession, self.added.schema
            return replace(self, added=spark.createDataFrame(rows, schema),
                           removed=spark.createDataFrame(rows.schema.empty_table(), schema))
        return replace(self, added=checkpoint(self.added), removed=checkpoint(self.removed))

    def keys(self, *columns: str) -> DataFrame:
        """The distinct values of ``columns`` of every row added or removed: the keys the change touches
        (read on the driver when the change appended a few files)."""
        rows = self._appended(list(columns))
        if rows is not None:
            return self.added.sparkSession.createDataFrame(rows.group_by(list(columns)).aggregate([]),
                                                           self.added.select(*columns).schema)
        return self.added.select(*columns).unionByName(self.removed.select(*columns)).distinct()

    def _appended(self, columns: list[str]) -> pa.Table | None:
        """``columns`` of the rows of the files the change appended, read on the driver; None when it
        did more than append, or appended more than :data:`DRIVER_READ_BYTES`."""
        if self.appended is None:
            return None
        return delta.read_live_files(self.uri, self.appended, columns, DRIVER_READ_BYTES)


def table_change(lakehouse: Lakehouse, uri: str, since: int, until: int | None = None) -> TableChange | None:
    """The change of the table at ``uri`` from version ``since`` (-1: before it existed) to
    ``until`` (default: now), or None when it cannot be read from the log: no table, or a start
    the log no longer holds (a vacuum or log clean-up removed it). None means: recompute from
    the whole table."""
    now = delta.version(uri) if until is None else until
    if now is None or since > now:
        return None
    try:
        then = set(delta.files_at(uri, since)) if since >= 0 else set()
        live = set(delta.files_at(uri, now))
    except delta.VersionGone:
        return None
    added = lakehouse.read_files(uri, sorted(live - then))
    removed = lakehouse.read_files(uri, sorted(then - live))
    if not then - live:  # rows appended only: every row of the new files is a new row
        return TableChange(uri, since, now, added, removed, tuple(sorted(live - then)))
    row_hash = F.sha2(F.to_json(F.struct(*added.columns)), 256)
    added, removed = added.withColumn(_HASH, row_hash), removed.withColumn(_HASH, row_hash)
    return TableChange(
        uri, since, now,
        added.join(removed.select(_HASH), _HASH, "left_anti").drop(_HASH),
        removed.join(added.select(_HASH), _HASH, "left_anti").drop(_HASH),
    )
