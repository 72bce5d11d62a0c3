"""Search index assets: the gold tables `insight search` looks up instead of scanning the lake.

Each is rebuilt whole from its gold input (an index is derived, never edited) and laid out on its
key for data skipping; see ``pipelines/index/build.py``.
"""

from typing import Any

import dagster as dg
from pyspark.sql import DataFrame

from assets.increments import record_inputs
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource, tables
from pipelines.index.build import (
    EDGE_COLUMNS,
    IDENTIFIER_COLUMNS,
    NAME_COLUMNS,
    STATS_COLUMNS,
    TERM_COLUMNS,
    TERMS_PER_DOCUMENT,
    search_edges,
    search_identifiers,
    search_names,
    search_stats,
    search_terms,
)
from pipelines.layout import files_for

_COMMON: dict[str, Any] = dict(group_name="index", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS,
               retry_policy=RETRY)


def _write(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource, frame: DataFrame,
           preview: list[str]) -> dg.MaterializeResult:
    """The asset's table replaced by ``frame``."""
    uri = lake.uri(context.asset_key)
    result = lake.lakehouse(spark, context).overwrite(frame, uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, preview))


def _files(context: dg.AssetExecutionContext, lake: LakeResource, source: str, rows_per_source_row: int) -> int:
    """Files for about ``rows_per_source_row`` index rows per row of input ``source``."""
    return files_for(lake.input_rows(context, source) * rows_per_source_row)


@dg.asset(key=["gold", "search_terms"], ins=tables(documents="gold/documents"), **_COMMON,
          description="Term → documents with the term's frequency and the document's length (BM25), sorted by term.")
def gold_search_terms(context: dg.AssetExecutionContext, documents: DataFrame, lake: LakeResource,
                      spark: SparkResource) -> dg.MaterializeResult:
    files = _files(context, lake, "documents", TERMS_PER_DOCUMENT)
    written = _write(context, lake, spark, search_terms(documents, files), TERM_COLUMNS[:4])
    record_inputs(context, lake)  # extraction looks names up here: it asks which documents it reflects
    return written


@dg.asset(key=["gold", "search_stats"], ins=tables(documents="gold/documents", postings="gold/search_terms"),
          **_COMMON, description="Documents and total length per access group: each user's corpus size for BM25.")
def gold_search_stats(context: dg.AssetExecutionContext, documents: DataFrame, postings: DataFrame,
                      lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    return _write(context, lake, spark, search_stats(documents, postings), STATS_COLUMNS)


@dg.asset(key=["gold", "search_names"], ins=tables(entities="gold/entities", mentions="gold/mentions"),
          **_COMMON, description="Name keys (as written, as it sounds, consonant skeleton) → persons and "
          "organizations, with the documents naming them.")
def gold_search_names(context: dg.AssetExecutionContext, entities: DataFrame, mentions: DataFrame,
                      lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    files = _files(context, lake, "entities", 4)
    return _write(context, lake, spark, search_names(entities, mentions, files), NAME_COLUMNS[:6])


@dg.asset(key=["gold", "search_edges"], ins=tables(links="gold/entity_links"), **_COMMON,
          description="Typed links from both ends, by entity: the two hops of a search's graph.")
def gold_search_edges(context: dg.AssetExecutionContext, links: DataFrame, lake: LakeResource,
                      spark: SparkResource) -> dg.MaterializeResult:
    return _write(context, lake, spark, search_edges(links, _files(context, lake, "links", 2)), EDGE_COLUMNS[:3])


@dg.asset(key=["gold", "search_identifiers"], ins=tables(mentions="gold/mentions"), **_COMMON,
          description="Identifier keys (any written form reduced to letters and digits) → entities and documents.")
def gold_search_identifiers(context: dg.AssetExecutionContext, mentions: DataFrame, lake: LakeResource,
                            spark: SparkResource) -> dg.MaterializeResult:
    files = _files(context, lake, "mentions", 1)
    return _write(context, lake, spark, search_identifiers(mentions, files), IDENTIFIER_COLUMNS[:5])
