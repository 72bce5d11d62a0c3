"""Trends: documents by country, month, offence category and source; hotspots of reports by cell.

Each row also carries the access group of the documents it counts, so a view sums only what its
user may see (``sql/views/trends.sql``, ``sql/views/hotspots.sql``) and a change from one month
to the next is computed from visible counts alone.
"""
from __future__ import annotations

import os
from typing import Mapping

import h3
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType

from pipelines.conform import ACCESS, access_group
from pipelines.patterns.offences import UNCLASSIFIED, offence_category
from pipelines.vocabulary import DIFFUSION, NOMINAL, NOTICE, REPORT, SLTD, SMV

TREND_COLUMNS = ["country", "month", "category", "source", "documents", *ACCESS]
HOTSPOT_COLUMNS = ["cell", "resolution", "lat", "lon", "month", "category", "reports", *ACCESS]
DEFAULT_RESOLUTION = 6  # H3 cells of some 36 km²: a district of a city


def hotspot_resolution() -> int:
    """``INSIGHT_HOTSPOT_RESOLUTION``: the H3 resolution of hotspot cells (0 coarsest … 15)."""
    value = os.environ.get("INSIGHT_HOTSPOT_RESOLUTION", str(DEFAULT_RESOLUTION))
    if not value.isdigit() or not 0 <= int(value) <= 15:
        raise ValueError(f"INSIGHT_HOTSPOT_RESOLUTION={value!r}: use a whole number from 0 to 15")
    return int(value)


@F.pandas_udf(ArrayType(StringType()))
def offence_categories(texts: pd.Series) -> pd.Series:
    """The distinct categories of a document's offences as written (``unclassified`` for none)."""
    def categories(values) -> list[str]:
        found = sorted({offence_category(v) for v in (values if values is not None else []) if v} - {UNCLASSIFIED})
        return found or [UNCLASSIFIED]
    return texts.map(categories)


# What each source says its offence is; sources without a field of their own are read whole.
_FIXED = {SMV: "vehicle_theft", SLTD: "travel_document"}


def _offence_texts(current: Mapping[str, DataFrame]) -> DataFrame:
    """``(source, source_id, texts)`` from the fields of the current records that name offences."""
    charges = F.transform(F.coalesce(F.col("arrest_warrants"), F.array()), lambda w: w["charge"])
    parts = [
        current["reports"].select(
            F.lit(REPORT).alias("source"), F.col("report_id").alias("source_id"), F.array("offence").alias("texts")),
        current["nominals"].select(
            F.lit(NOMINAL).alias("source"), F.col("person_id").alias("source_id"), F.col("offences").alias("texts")),
        current["notices"].select(
            F.lit(NOTICE).alias("source"), F.col("notice_id").alias("source_id"),
            charges.alias("texts")),
        current["diffusions"].select(
            F.lit(DIFFUSION).alias("source"), F.col("diffusion_id").alias("source_id"),
            F.concat(charges, F.array("summary")).alias("texts")),
    ]
    out = parts[0]
    for part in parts[1:]:
        out = out.unionByName(part)
    return out


def classified_documents(documents: DataFrame, current: Mapping[str, DataFrame]) -> DataFrame:
    """Each current document once per offence category it is about, with its month.

    Reports, nominals, notices and diffusions by their offence fields; stolen vehicles and travel
    documents by what they are; messages and attachments by their title and text.
    """
    texts = _offence_texts(current)
    docs = documents.join(texts, ["source", "source_id"], "left")
    read_whole = F.array(F.concat_ws("\n", "title", "body"))
    fixed = F.lit(None).cast("string")
    for source, category in _FIXED.items():
        fixed = F.when(F.col("source") == source, F.lit(category)).otherwise(fixed)
    categories = F.when(fixed.isNotNull(), F.array(fixed)).otherwise(
        offence_categories(F.coalesce(F.col("texts"), read_whole)))
    return docs.select("doc_id", "source", "source_id", "country", *access_group(),
                       F.trunc("event_date", "month").alias("month"), F.explode(categories).alias("category"))


def trends(classified: DataFrame) -> DataFrame:
    """``gold.trends``: documents per country, month, category, source and access group."""
    return (classified.where(F.col("month").isNotNull())
            .groupBy("country", "month", "category", "source", *ACCESS)
            .agg(F.countDistinct("doc_id").alias("documents"))
            .select(*TREND_COLUMNS))


def hotspots(classified: DataFrame, reports: DataFrame, resolution: int) -> DataFrame:
    """``gold.hotspots``: the current ``reports`` per H3 cell, month, category and access group, with the cell's centre."""
    @F.pandas_udf(StringType())
    def cell(lat: pd.Series, lon: pd.Series) -> pd.Series:
        return pd.Series([h3.latlng_to_cell(a, o, resolution) if _valid(a, o) else None for a, o in zip(lat, lon)])

    @F.pandas_udf("struct<lat:double,lon:double>")
    def centre(cells: pd.Series) -> pd.DataFrame:
        points = [h3.cell_to_latlng(c) for c in cells]
        return pd.DataFrame({"lat": [p[0] for p in points], "lon": [p[1] for p in points]})

    located = (reports.select(F.col("report_id").alias("source_id"), cell("lat", "lon").alias("cell"))
               .where(F.col("cell").isNotNull()))
    counted = (classified.where((F.col("source") == REPORT) & F.col("month").isNotNull())
               .join(located, "source_id")
               .groupBy("cell", "month", "category", *ACCESS)
               .agg(F.countDistinct("doc_id").alias("reports")))
    return (counted.withColumn("_centre", centre("cell"))
            .select("cell", F.lit(resolution).alias("resolution"), F.col("_centre.lat").alias("lat"),
                    F.col("_centre.lon").alias("lon"), "month", "category", "reports", *ACCESS))


def _valid(lat: float | None, lon: float | None) -> bool:
    """A point on Earth: reports carry coordinates as written, and some are missing or wrong."""
    return (lat is not None and lon is not None and not (pd.isna(lat) or pd.isna(lon))
            and -90 <= lat <= 90 and -180 <= lon <= 180)
