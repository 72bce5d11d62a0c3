"""How a table's rows are laid out in files, so a reader looking up a key opens few of them.

Rows are range-partitioned on the look-up key and sorted within each file: every file then
covers one slice of keys, and the min/max statistics in the Delta log (and in each Parquet row
group) let DuckDB, Trino or Spark skip every file and row group that cannot hold the key.
"""
from __future__ import annotations

import math

from pyspark.sql import DataFrame

ROWS_PER_FILE = 2_000_000


def files_for(rows: int, rows_per_file: int = ROWS_PER_FILE) -> int:
    """How many files a table of about ``rows`` rows is cut into."""
    return max(1, math.ceil(rows / rows_per_file))


def clustered(frame: DataFrame, key: str, *then: str, files: int) -> DataFrame:
    """``frame`` cut into ``files`` ranges of ``key``, each sorted on ``key`` then ``then`` (what
    :meth:`pipelines.lakehouse.Lakehouse.replace` keeps as ``cluster``)."""
    return frame.repartitionByRange(files, key).sortWithinPartitions(key, *then)
