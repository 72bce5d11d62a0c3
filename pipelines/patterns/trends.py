"""Trends: documents by country, month, offence category and source; hotspots of reports by cell.

Each row also carries the access group of the documents it counts, so a view sums only what its
user may see (``sql/views/trends.sql``, ``sql/views/hotspots.sql``) and a change from one month
to the next is computed from visible counts alone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import h3
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType

from pipelines.conform import ACCESS, access_group
from pipelines.patterns.offences import UNCLASSIFIED, offence_category

if TYPE_CHECKING:
    from pipelines.sources import Sources

TREND_COUNT, HOTSPOT_COUNT = "documents", "reports"  # what each row counts; every other column is its group
TREND_COLUMNS = ["country", "month", "category", "source", TREND_COUNT, *ACCESS]
HOTSPOT_COLUMNS = ["cell", "resolution", "lat", "lon", "month", "category", HOTSPOT_COUNT, *ACCESS]


@F.pandas_udf(ArrayType(StringType()))
def offence_categories(texts: pd.Series) -> pd.Series:
    """The distinct categories of a document's offences as written (``unclassified`` for none)."""
    def categories(values) -> list[str]:
        found = sorted({offence_category(v) for v in (values if values is not None else []) if v} - {UNCLASSIFIED})
        return found or [UNCLASSIFIED]
    return texts.map(categories)


def classified_documents(documents: DataFrame, sources: Sources) -> DataFrame:
    """Each current document (``silver.documents``) once per offence category it is about, with its
    month and coordinates.

    A source's documents by the offences their record names (``offences``: reports, nominals,
    notices, diffusions), or by its one ``offence_category`` (stolen vehicles, travel documents),
    else by their title and text (messages and attachments).
    """
    read_whole = F.array(F.concat_ws("\n", "title", "body"))
    fixed = F.lit(None).cast("string")
    for source in sources:
        if source.offence_category:
            fixed = F.when(F.col("source") == source.kind, F.lit(source.offence_category)).otherwise(fixed)
    categories = F.when(fixed.isNotNull(), F.array(fixed)).otherwise(
        offence_categories(F.coalesce(F.col("offences"), read_whole)))
    return documents.select("doc_id", "source", "source_id", "country", *access_group(),
                            F.trunc("event_date", "month").alias("month"), "lat", "lon",
                            F.explode(categories).alias("category"))


def trends(classified: DataFrame) -> DataFrame:
    """``gold.trends``: documents per country, month, category, source and access group."""
    return (classified.where(F.col("month").isNotNull())
            .groupBy("country", "month", "category", "source", *ACCESS)
            .agg(F.countDistinct("doc_id").alias("documents"))
            .select(*TREND_COLUMNS))


def hotspots(classified: DataFrame, resolution: int) -> DataFrame:
    """``gold.hotspots``: the classified documents that carry coordinates (reports) per H3 cell, month,
    category and access group, with the cell's centre."""
    @F.pandas_udf(StringType())
    def cell(lat: pd.Series, lon: pd.Series) -> pd.Series:
        return pd.Series([h3.latlng_to_cell(a, o, resolution) if _valid(a, o) else None for a, o in zip(lat, lon)])

    @F.pandas_udf("struct<lat:double,lon:double>")
    def centre(cells: pd.Series) -> pd.DataFrame:
        points = [h3.cell_to_latlng(c) for c in cells]
        return pd.DataFrame({"lat": [p[0] for p in points], "lon": [p[1] for p in points]})

    counted = (classified.where(F.col("month").isNotNull())
               .withColumn("cell", cell("lat", "lon"))
               .where(F.col("cell").isNotNull())
               .groupBy("cell", "month", "category", *ACCESS)
               .agg(F.countDistinct("doc_id").alias("reports")))
    return (counted.withColumn("_centre", centre("cell"))
            .select("cell", F.lit(resolution).alias("resolution"), F.col("_centre.lat").alias("lat"),
                    F.col("_centre.lon").alias("lon"), "month", "category", "reports", *ACCESS))


def _valid(lat: float | None, lon: float | None) -> bool:
    """A point on Earth: reports carry coordinates as written, and some are missing or wrong."""
    return (lat is not None and lon is not None and not (pd.isna(lat) or pd.isna(lon))
            and -90 <= lat <= 90 and -180 <= lon <= 180)
