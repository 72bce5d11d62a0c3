"""Which documents of the search index hold given words: what an increment of extraction asks
when the gazetteer changed (a name older reports contain), without reading every text again."""
from __future__ import annotations

from collections.abc import Iterable

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from pipelines.index.keys import terms


def index_terms(requirement: frozenset[str]) -> frozenset[str] | None:
    """The index terms a document holding every word of ``requirement`` holds (the index folds
    and splits words as :func:`pipelines.index.keys.terms` does); None when the index keeps none
    of them (function words, overlong words), so the index cannot say which documents name it."""
    found = frozenset(t for word in requirement for t in terms(word))
    return found or None


def documents_naming(spark: SparkSession, postings: DataFrame, requirements: Iterable[frozenset[str]]) -> DataFrame:
    """The ``doc_id`` of every document of ``postings`` (``gold.search_terms``) holding all the
    terms of one of ``requirements``."""
    wanted = [(i, term, len(req)) for i, req in enumerate(requirements) for term in sorted(req)]
    if not wanted:
        return spark.createDataFrame([], "doc_id string")
    needs = spark.createDataFrame(wanted, "requirement int, term string, terms int")
    return (postings.where(F.col("term").isin(sorted({t for _, t, _ in wanted})))
            .select("term", "doc_id").distinct()
            .join(F.broadcast(needs), "term")
            .groupBy("requirement", "doc_id").agg(F.count("*").alias("held"), F.first("terms").alias("terms"))
            .where(F.col("held") == F.col("terms"))
            .select("doc_id").distinct())
