"""Resolution assets: person records clustered, every mention given its entity, entities and their links.

The gold tables are rebuilt whole and laid out on the key a search looks them up by (mentions by
document, entities by id, links by their source), see ``pipelines/layout.py``.
"""

from typing import Any

import dagster as dg
from pyspark.sql import DataFrame

from assets.metadata import count_markdown, table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource, StagesResource, tables
from pipelines.layout import clustered, files_for
from pipelines.resolve.entities import (
    CLUSTER_COLUMNS,
    ENTITY_COLUMNS,
    GOLD_MENTION_COLUMNS,
    LINK_COLUMNS,
    entities,
    entity_links,
    mention_entities,
    person_clusters,
)

_COMMON: dict[str, Any] = dict(group_name="resolve", kinds={"spark", "delta"}, owners=OWNERS,
                               freshness_policy=FRESHNESS,
               retry_policy=RETRY)


@dg.asset(key=["silver", "person_clusters"], ins=tables(records="silver/records"), **_COMMON,
          description="Every person record and the person entity it belongs to, from a Splink model trained "
          "on the records themselves (names, dates of birth, sex, nationality, shared identifiers).")
def silver_person_clusters(context: dg.AssetExecutionContext, records: DataFrame, lake: LakeResource,
                           spark: SparkResource, stages: StagesResource) -> dg.MaterializeResult:
    settings = stages.settings
    clusters = person_clusters(records, engine=settings.resolution_engine, memory_limit=settings.resolution_memory)
    uri = lake.paths.table("silver", "person_clusters")
    result = lake.lakehouse(spark, context).merge(clusters.select(*CLUSTER_COLUMNS), uri, ["record_id"],
                                                  delete_missing=True)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, CLUSTER_COLUMNS))


@dg.asset(key=["gold", "mentions"], ins=tables(mentions="silver/mentions", records="silver/records",
                                               documents="silver/documents", clusters="silver/person_clusters"),
          **_COMMON, description="Every mention with the entity it names: identifiers by canonical value, persons by "
          "their cluster (names in text by their words and the identifiers beside them), places by name.")
def gold_mentions(context: dg.AssetExecutionContext, mentions: DataFrame, records: DataFrame, documents: DataFrame,
                  clusters: DataFrame, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.paths.table("gold", "mentions")
    frame = mention_entities(mentions, records, clusters, documents).select(*GOLD_MENTION_COLUMNS)
    files = files_for(lake.input_rows(context, "mentions"))
    result = lake.lakehouse(spark, context).overwrite(clustered(frame, "doc_id", files, "mention_id"), uri)
    metadata = table_metadata(uri, result, ["doc_id", "entity_id", "text"])
    metadata["mentions_by_type"] = dg.MetadataValue.md(count_markdown(uri, "entity_type"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(key=["gold", "entities"], ins=tables(mentions="gold/mentions", documents="silver/documents",
                                               records="silver/records", clusters="silver/person_clusters"),
          **_COMMON, description="One row per entity and access group of its evidence: canonical name, every name "
          "seen, properties, sources, first and last seen, mention and document counts.")
def gold_entities(context: dg.AssetExecutionContext, mentions: DataFrame, documents: DataFrame, records: DataFrame,
                  clusters: DataFrame, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    frame = entities(mentions, documents, records, clusters)
    uri = lake.paths.table("gold", "entities")
    files = files_for(lake.input_rows(context, "mentions") // 2)
    result = lake.lakehouse(spark, context).overwrite(clustered(frame.select(*ENTITY_COLUMNS), "entity_id", files), uri)
    metadata = table_metadata(uri, result, ["entity_id", "name", "owner_country"])
    metadata["entities_by_type"] = dg.MetadataValue.md(count_markdown(uri, "entity_type"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(key=["gold", "entity_links"], ins=tables(mentions="gold/mentions", records="silver/records",
                                                   documents="silver/documents", clusters="silver/person_clusters"),
          **_COMMON, description="Links between entities (same-as, holds-document, uses-phone, drives-vehicle, "
          "pays-account, associated-with, co-mentioned, possibly-same-as) with their evidence documents, one row per "
          "access group.")
def gold_entity_links(context: dg.AssetExecutionContext, mentions: DataFrame, records: DataFrame,
                      documents: DataFrame, clusters: DataFrame, lake: LakeResource,
                      spark: SparkResource) -> dg.MaterializeResult:
    frame = entity_links(mentions, records, documents, clusters)
    uri = lake.paths.table("gold", "entity_links")
    files = files_for(lake.input_rows(context, "mentions"))
    result = lake.lakehouse(spark, context).overwrite(
        clustered(frame.select(*LINK_COLUMNS), "src_entity_id", files), uri)
    metadata = table_metadata(uri, result, ["src_entity_id", "relation", "dst_entity_id"])
    metadata["links_by_relation"] = dg.MetadataValue.md(count_markdown(uri, "relation"))
    return dg.MaterializeResult(metadata=metadata)
