"""Search index assets: the gold tables `insight search` looks up instead of scanning the lake.

Each is laid out on its look-up key for data skipping (``pipelines/index/build.py``); an increment
recomputes the rows of what changed in its inputs (documents, entities, links) and replaces them.
"""

from collections.abc import Callable
from functools import reduce
from typing import Any

import dagster as dg
from pyspark.sql import DataFrame

from assets.increments import increment, refreshed
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY, step_tags, stoppable
from assets.resources import LakeResource, SparkResource, tables
from pipelines.changes import TableChange
from pipelines.conform import ACCESS
from pipelines.index.build import (
    EDGE_CLUSTER,
    EDGE_COLUMNS,
    IDENTIFIER_CLUSTER,
    IDENTIFIER_COLUMNS,
    NAME_CLUSTER,
    NAME_COLUMNS,
    STATS_COLUMNS,
    TERM_CLUSTER,
    TERM_COLUMNS,
    TERMS_PER_DOCUMENT,
    edge_rows,
    identifier_rows,
    name_rows,
    postings,
    search_edges,
    search_identifiers,
    search_names,
    search_stats,
    search_terms,
    stats_of,
)
from pipelines.lakehouse import Scope, WriteResult
from pipelines.layout import files_for
from pipelines.tally import adjusted

_COMMON: dict[str, Any] = dict(group_name="index", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS,
               retry_policy=RETRY)


def _files(context: dg.AssetExecutionContext, lake: LakeResource, source: str, rows_per_source_row: int) -> int:
    """Files for about ``rows_per_source_row`` index rows per row of input ``source``."""
    return files_for(lake.input_rows(context, source) * rows_per_source_row)


@dg.asset(key=["gold", "search_terms"], ins=tables(documents="gold/documents"), **_COMMON,
          op_tags=step_tags("gold/search_terms"),
          description="Term → documents with the term's frequency and the document's length (BM25), sorted by term. "
          "Incremental: the postings of the documents that changed are written again.")
@stoppable
def gold_search_terms(context: dg.AssetExecutionContext, documents: DataFrame, lake: LakeResource,
                      spark: SparkResource) -> dg.MaterializeResult:
    # Extraction looks names up here: this step's watermark says which silver/documents it reflects.
    return _index(context, lake, spark, dict(documents="gold/documents"),
                  lambda: search_terms(documents, _files(context, lake, "documents", TERMS_PER_DOCUMENT)),
                  lambda changes: Scope("doc_id", changes["gold/documents"].keys("doc_id")),
                  lambda scope: postings(scope.rows_of(documents)).select(*TERM_COLUMNS), TERM_CLUSTER,
                  TERM_COLUMNS[:4], appended_keys_are_new=True)


@dg.asset(key=["gold", "search_stats"], ins=tables(documents="gold/documents", postings="gold/search_terms"),
          **_COMMON, op_tags=step_tags("gold/search_stats"),
          description="Documents and total length per access group: each user's corpus size for BM25. "
          "Incremental: kept by difference, the documents that changed taken out as they were and in as they are.")
@stoppable
def gold_search_stats(context: dg.AssetExecutionContext, documents: DataFrame, postings: DataFrame,
                      lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.uri(context.asset_key)
    step = increment(context, lake, {"gold/documents": lake.uri(context.asset_key_for_input("documents"))})
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def whole() -> WriteResult:
        return lakehouse.overwrite(search_stats(documents, postings), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        change = changes["gold/documents"]
        stats = adjusted(lakehouse.read(uri), stats_of(change.added), stats_of(change.removed), ACCESS,
                         ["docs", "total_len"])
        return lakehouse.overwrite(stats.select(*STATS_COLUMNS).coalesce(1), uri), {}

    result, metadata = refreshed(step, lakehouse, whole, by_change)
    return dg.MaterializeResult(metadata={**table_metadata(uri, result, STATS_COLUMNS), **metadata})


@dg.asset(key=["gold", "search_names"], ins=tables(entities="gold/entities", mentions="gold/mentions"),
          **_COMMON, description="Name keys (as written, as it sounds, consonant skeleton) → persons and "
          "organizations, with the documents naming them. Incremental: the names of the entities that changed.")
@stoppable
def gold_search_names(context: dg.AssetExecutionContext, entities: DataFrame, mentions: DataFrame,
                      lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    def changed(changes: dict[str, TableChange]) -> Scope:
        return Scope("entity_id", reduce(DataFrame.unionByName, [c.keys("entity_id") for c in changes.values()]))

    return _index(context, lake, spark, dict(entities="gold/entities", mentions="gold/mentions"),
                  lambda: search_names(entities, mentions, _files(context, lake, "entities", 4)), changed,
                  lambda scope: name_rows(scope.rows_of(entities), scope.rows_of(mentions)), NAME_CLUSTER,
                  NAME_COLUMNS[:6])


@dg.asset(key=["gold", "search_edges"], ins=tables(links="gold/entity_links"), **_COMMON,
          description="Typed links from both ends, by entity: the two hops of a search's graph. Incremental: the "
          "edges of the entities whose links changed.")
@stoppable
def gold_search_edges(context: dg.AssetExecutionContext, links: DataFrame, lake: LakeResource,
                      spark: SparkResource) -> dg.MaterializeResult:
    def changed(changes: dict[str, TableChange]) -> Scope:
        change = changes["gold/entity_links"]
        ends = [change.keys(end).withColumnRenamed(end, "entity_id") for end in ("src_entity_id", "dst_entity_id")]
        return Scope("entity_id", ends[0].unionByName(ends[1]))

    return _index(context, lake, spark, dict(links="gold/entity_links"),
                  lambda: search_edges(links, _files(context, lake, "links", 2)), changed,
                  lambda scope: scope.rows_of(edge_rows(links)), EDGE_CLUSTER, EDGE_COLUMNS[:3])


@dg.asset(key=["gold", "search_identifiers"], ins=tables(mentions="gold/mentions"), **_COMMON,
          description="Identifier keys (any written form reduced to letters and digits) → entities and documents. "
          "Incremental: the identifiers of the documents whose mentions changed.")
@stoppable
def gold_search_identifiers(context: dg.AssetExecutionContext, mentions: DataFrame, lake: LakeResource,
                            spark: SparkResource) -> dg.MaterializeResult:
    return _index(context, lake, spark, dict(mentions="gold/mentions"),
                  lambda: search_identifiers(mentions, _files(context, lake, "mentions", 1)),
                  lambda changes: Scope("doc_id", changes["gold/mentions"].keys("doc_id")),
                  lambda scope: identifier_rows(scope.rows_of(mentions)), IDENTIFIER_CLUSTER, IDENTIFIER_COLUMNS[:5])


def _index(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource, inputs: dict[str, str],
           whole: Callable[[], DataFrame], changed: Callable[[dict[str, TableChange]], Scope],
           rows: Callable[[Scope], DataFrame], cluster: tuple[str, ...], preview: list[str],
           appended_keys_are_new: bool = False) -> dg.MaterializeResult:
    """An index table (inputs: input name → table), whole (``whole()``: every row) or by increment: the
    rows of the ``changed`` scope recomputed (``rows(scope)``) and replaced. ``appended_keys_are_new``:
    the table's rows of a key come from its inputs' rows of that key alone, so inputs that only
    had rows appended since the table reflected them (each key's rows replaced would have removed
    a file) name keys the table has no row of yet, whose rows are appended (:meth:`Lakehouse.add_new`)."""
    uri = lake.uri(context.asset_key)
    step = increment(context, lake, {table: lake.uri(context.asset_key_for_input(name)) for name, table in
                                     inputs.items()})
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        scope = changed(changes)
        if appended_keys_are_new and all(c.appended is not None and c.since >= 0 for c in changes.values()):
            return lakehouse.add_new(rows(scope), uri, cluster), {"keys_recomputed": scope.size}
        return lakehouse.replace(rows(scope), uri, scope, cluster), {"keys_recomputed": scope.size}

    result, metadata = refreshed(step, lakehouse, lambda: lakehouse.overwrite(whole(), uri), by_change)
    return dg.MaterializeResult(metadata={**table_metadata(uri, result, preview), **metadata})
