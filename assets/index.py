"""Search index assets: the gold tables `insight search` looks up instead of scanning the lake.

Each is rebuilt whole from its gold input (an index is derived, never edited) and laid out on its
key for data skipping; see ``pipelines/index/build.py``.
"""

from typing import Callable

import dagster as dg
from pyspark.sql import DataFrame

from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.index.build import (EDGE_COLUMNS, IDENTIFIER_COLUMNS, NAME_COLUMNS, STATS_COLUMNS, TERM_COLUMNS,
                                   TERMS_PER_DOCUMENT, search_edges, search_identifiers, search_names, search_stats,
                                   search_terms)
from pipelines.lakehouse import Lakehouse, table_row_count
from pipelines.layout import files_for

_COMMON = dict(group_name="index", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS,
               retry_policy=RETRY)
_DOCUMENTS = dg.AssetKey(["gold", "documents"])


def _rebuild(lake: LakeResource, spark: SparkResource, name: str, source: str, rows_per_source_row: int,
             build: Callable[[Lakehouse, DataFrame, int], DataFrame], preview: list[str]) -> dg.MaterializeResult:
    """``gold/<name>`` rebuilt from ``gold/<source>``, cut into files for about ``rows_per_source_row``
    index rows per source row."""
    lakehouse = lake.lakehouse(spark)
    source_uri, uri = lake.paths.table("gold", source), lake.paths.table("gold", name)
    files = files_for(table_row_count(source_uri) * rows_per_source_row)
    result = lakehouse.overwrite(build(lakehouse, lakehouse.read(source_uri), files), uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, preview))


@dg.asset(key=["gold", "search_terms"], deps=[_DOCUMENTS], **_COMMON,
          description="Term → documents with the term's frequency and the document's length (BM25), sorted by term.")
def gold_search_terms(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    return _rebuild(lake, spark, "search_terms", "documents", TERMS_PER_DOCUMENT,
                    lambda _, documents, files: search_terms(documents, files), TERM_COLUMNS[:4])


@dg.asset(key=["gold", "search_stats"], deps=[_DOCUMENTS, dg.AssetKey(["gold", "search_terms"])], **_COMMON,
          description="Documents and total length per access group: each user's corpus size for BM25.")
def gold_search_stats(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    postings = lake.paths.table("gold", "search_terms")
    return _rebuild(lake, spark, "search_stats", "documents", 0,
                    lambda lakehouse, documents, _: search_stats(documents, lakehouse.read(postings)), STATS_COLUMNS)


@dg.asset(key=["gold", "search_names"], deps=[dg.AssetKey(["gold", "entities"]), dg.AssetKey(["gold", "mentions"])],
          **_COMMON, description="Name keys (as written, as it sounds, consonant skeleton) → persons and "
          "organizations, with the documents naming them.")
def gold_search_names(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    mentions = lake.paths.table("gold", "mentions")
    return _rebuild(lake, spark, "search_names", "entities", 4,
                    lambda lakehouse, entities, files: search_names(entities, lakehouse.read(mentions), files),
                    NAME_COLUMNS[:6])


@dg.asset(key=["gold", "search_edges"], deps=[dg.AssetKey(["gold", "entity_links"])], **_COMMON,
          description="Typed links from both ends, by entity: the two hops of a search's graph.")
def gold_search_edges(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    return _rebuild(lake, spark, "search_edges", "entity_links", 2,
                    lambda _, links, files: search_edges(links, files), EDGE_COLUMNS[:3])


@dg.asset(key=["gold", "search_identifiers"], deps=[dg.AssetKey(["gold", "mentions"])], **_COMMON,
          description="Identifier keys (any written form reduced to letters and digits) → entities and documents.")
def gold_search_identifiers(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    return _rebuild(lake, spark, "search_identifiers", "mentions", 1,
                    lambda _, mentions, files: search_identifiers(mentions, files), IDENTIFIER_COLUMNS[:5])
