"""Tables of counts kept by difference: what an increment adds to and takes from each group.

Trends, hotspots and the search statistics count documents per group. A document counts once in
each of its groups, so a count brought up to date by the documents an increment gained (as they
are now) and lost (as they were) — a changed document is both — equals the count of every
document, without counting them again.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def adjusted(current: DataFrame | None, gained: DataFrame, lost: DataFrame, keys: Sequence[str],
             counts: Sequence[str]) -> DataFrame:
    """``current`` (``keys`` and ``counts`` columns, one row per group) plus ``gained`` less
    ``lost`` (the same columns: the counts of the documents an increment gained and lost); a group
    whose first count falls to zero is gone, as it would be from a count of every document."""
    negated = lost.select(*keys, *[(-F.col(c)).alias(c) for c in counts])
    parts = [frame.select(*keys, *counts) for frame in (current, gained) if frame is not None] + [negated]
    summed = reduce(DataFrame.unionByName, parts).groupBy(*keys).agg(
        *[F.sum(c).cast(dict(gained.dtypes)[c]).alias(c) for c in counts])
    return summed.where(F.col(counts[0]) > 0)
