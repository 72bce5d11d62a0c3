"""Search index assets: the gold tables `insight search` looks up instead of scanning the lake.

Each is rebuilt whole from its gold input (an index is derived, never edited) and laid out on its
key for data skipping; see ``pipelines/index/build.py``.
"""

import dagster as dg

from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.index.build import (EDGE_COLUMNS, IDENTIFIER_COLUMNS, NAME_COLUMNS, STATS_COLUMNS, TERM_COLUMNS,
                                   TERMS_PER_DOCUMENT, search_edges, search_identifiers, search_names, search_stats, search_terms)
from pipelines.lakehouse import table_row_count
from pipelines.layout import files_for

_COMMON = dict(group_name="index", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS,
               retry_policy=RETRY)
_DOCUMENTS = dg.AssetKey(["gold", "documents"])


@dg.asset(key=["gold", "search_terms"], deps=[_DOCUMENTS], **_COMMON,
          description="Term → documents with the term's frequency and the document's length (BM25), sorted by term.")
def gold_search_terms(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    source = lake.paths.table("gold", "documents")
    files = files_for(table_row_count(source) * TERMS_PER_DOCUMENT)
    uri = lake.paths.table("gold", "search_terms")
    result = lakehouse.overwrite(search_terms(lakehouse.read(source), files), uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, TERM_COLUMNS[:4]))


@dg.asset(key=["gold", "search_stats"], deps=[_DOCUMENTS], **_COMMON,
          description="Documents and total length per access group: each user's corpus size for BM25.")
def gold_search_stats(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    uri = lake.paths.table("gold", "search_stats")
    result = lakehouse.overwrite(search_stats(lakehouse.read(lake.paths.table("gold", "documents"))), uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, STATS_COLUMNS))


@dg.asset(key=["gold", "search_names"], deps=[dg.AssetKey(["gold", "entities"]), dg.AssetKey(["gold", "mentions"])],
          **_COMMON, description="Name keys (as written, as it sounds, consonant skeleton) → persons and "
          "organizations, with the documents naming them.")
def gold_search_names(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    source = lake.paths.table("gold", "entities")
    uri = lake.paths.table("gold", "search_names")
    frame = search_names(lakehouse.read(source), lakehouse.read(lake.paths.table("gold", "mentions")),
                         files_for(table_row_count(source) * 4))
    result = lakehouse.overwrite(frame, uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, NAME_COLUMNS[:6]))


@dg.asset(key=["gold", "search_edges"], deps=[dg.AssetKey(["gold", "entity_links"])], **_COMMON,
          description="Typed links from both ends, by entity: the two hops of a search's graph.")
def gold_search_edges(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    source = lake.paths.table("gold", "entity_links")
    uri = lake.paths.table("gold", "search_edges")
    result = lakehouse.overwrite(search_edges(lakehouse.read(source), files_for(table_row_count(source) * 2)), uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, EDGE_COLUMNS[:3]))


@dg.asset(key=["gold", "search_identifiers"], deps=[dg.AssetKey(["gold", "mentions"])], **_COMMON,
          description="Identifier keys (any written form reduced to letters and digits) → entities and documents.")
def gold_search_identifiers(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    source = lake.paths.table("gold", "mentions")
    uri = lake.paths.table("gold", "search_identifiers")
    result = lakehouse.overwrite(search_identifiers(lakehouse.read(source), files_for(table_row_count(source))), uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, IDENTIFIER_COLUMNS[:5]))
