"""What alerts and hidden links share: a stable id, the time a finding was first made, and the
documents it rests on.

A finding is shown to a user only when he may see the documents it rests on (the views of
``sql/views`` check its evidence rows: ``gold.alert_evidence``, ``gold.hidden_link_evidence``);
its first-seen time survives every rebuild, so "new since" means new, however often the tables
are recomputed.
"""
from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from pipelines.conform import ACCESS

EVIDENCE_COLUMNS = ["finding_id", "role", "doc_id", "relation", "weight", *ACCESS]


def finding_id(kind: str, *parts: str) -> Column:
    """A finding's key: its kind and the ids it is made of, hashed (absent parts count as empty)."""
    return F.sha1(F.concat_ws("|", F.lit(kind), *[F.coalesce(F.col(p), F.lit("")) for p in parts]))


def first_seen(findings: DataFrame, key: str, column: str, previous: DataFrame | None, now: dt.datetime) -> DataFrame:
    """``findings`` with ``column``: when each was first made — from ``previous`` (the table as it
    stood) where it was already there, else ``now``."""
    stamp = F.lit(now.astimezone(dt.timezone.utc)).cast("timestamp")
    if previous is None:
        return findings.withColumn(column, stamp)
    earlier = previous.select(F.col(key), F.col(column).alias("_earlier"))
    return (findings.join(earlier, key, "left")
            .withColumn(column, F.coalesce("_earlier", stamp)).drop("_earlier"))


def evidence_rows(rows: DataFrame, role: str, doc_ids: str, relation: Column | None = None,
                  weight: Column | None = None) -> DataFrame:
    """One evidence row per document of ``doc_ids`` (a column of one id or an array)."""
    ids = F.col(doc_ids)
    exploded = rows.select("finding_id", F.explode(ids if dict(rows.dtypes)[doc_ids].startswith("array")
                                                   else F.array(ids)).alias("doc_id"),
                           (relation if relation is not None else F.lit(None).cast("string")).alias("relation"),
                           (weight if weight is not None else F.lit(None).cast("double")).alias("weight"), *ACCESS)
    return exploded.select("finding_id", F.lit(role).alias("role"), "doc_id", "relation", "weight", *ACCESS)
