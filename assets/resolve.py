"""Resolution assets: person records clustered, every mention given its entity, entities and their links.

The gold tables are rebuilt whole and laid out on the key a search looks them up by (mentions by
document, entities by id, links by their source), see ``pipelines/layout.py``.
"""

import dagster as dg

from assets.metadata import count_markdown, table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.lakehouse import table_row_count
from pipelines.layout import clustered, files_for
from pipelines.resolve.entities import (CLUSTER_COLUMNS, ENTITY_COLUMNS, GOLD_MENTION_COLUMNS, LINK_COLUMNS,
                                        entities, entity_links, mention_entities, person_clusters,
                                        resolution_engine)

_COMMON = dict(group_name="resolve", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS,
               retry_policy=RETRY)


@dg.asset(key=["silver", "person_clusters"], deps=[dg.AssetKey(["silver", "records"])], **_COMMON,
          description="Every person record and the person entity it belongs to, from a Splink model trained "
          "on the records themselves (names, dates of birth, sex, nationality, shared identifiers).")
def silver_person_clusters(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    records = lakehouse.read(lake.paths.table("silver", "records"))
    uri = lake.paths.table("silver", "person_clusters")
    result = lakehouse.merge(person_clusters(records, engine=resolution_engine()).select(*CLUSTER_COLUMNS), uri,
                             ["record_id"],
                             delete_missing=True)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, CLUSTER_COLUMNS))


@dg.asset(key=["gold", "mentions"], deps=[dg.AssetKey(["silver", "mentions"]), dg.AssetKey(["silver", "records"]),
                                          dg.AssetKey(["silver", "documents"]),
                                          dg.AssetKey(["silver", "person_clusters"])], **_COMMON,
          description="Every mention with the entity it names: identifiers by canonical value, persons by "
          "their cluster (names in text by their words and the identifiers beside them), places by name.")
def gold_mentions(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    mentions = lakehouse.read(lake.paths.table("silver", "mentions"))
    records = lakehouse.read(lake.paths.table("silver", "records"))
    clusters = lakehouse.read(lake.paths.table("silver", "person_clusters"))
    documents = lakehouse.read(lake.paths.table("silver", "documents"))
    uri = lake.paths.table("gold", "mentions")
    frame = mention_entities(mentions, records, clusters, documents).select(*GOLD_MENTION_COLUMNS)
    source_rows = table_row_count(lake.paths.table("silver", "mentions"))
    result = lakehouse.overwrite(clustered(frame, "doc_id", files_for(source_rows), "mention_id"), uri)
    metadata = table_metadata(uri, result, ["doc_id", "entity_id", "text"])
    metadata["mentions_by_type"] = dg.MetadataValue.md(count_markdown(uri, "entity_type"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(key=["gold", "entities"], deps=[dg.AssetKey(["gold", "mentions"]), dg.AssetKey(["silver", "documents"]),
                                          dg.AssetKey(["silver", "person_clusters"])], **_COMMON,
          description="One row per entity and access group of its evidence: canonical name, every name seen, "
          "properties, sources, first and last seen, mention and document counts.")
def gold_entities(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    read = lambda layer, name: lakehouse.read(lake.paths.table(layer, name))  # noqa: E731
    frame = entities(read("gold", "mentions"), read("silver", "documents"), read("silver", "records"),
                     read("silver", "person_clusters"))
    uri = lake.paths.table("gold", "entities")
    rows = table_row_count(lake.paths.table("gold", "mentions")) // 2
    result = lakehouse.overwrite(clustered(frame.select(*ENTITY_COLUMNS), "entity_id", files_for(rows)), uri)
    metadata = table_metadata(uri, result, ["entity_id", "name", "owner_country"])
    metadata["entities_by_type"] = dg.MetadataValue.md(count_markdown(uri, "entity_type"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(key=["gold", "entity_links"], deps=[dg.AssetKey(["gold", "mentions"]), dg.AssetKey(["silver", "records"]),
                                              dg.AssetKey(["silver", "documents"]),
                                              dg.AssetKey(["silver", "person_clusters"])],
          **_COMMON, description="Links between entities (same-as, holds-document, uses-phone, drives-vehicle, "
          "pays-account, associated-with, co-mentioned, possibly-same-as) with their evidence documents, one row per "
          "access group.")
def gold_entity_links(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    frame = entity_links(lakehouse.read(lake.paths.table("gold", "mentions")),
                         lakehouse.read(lake.paths.table("silver", "records")),
                         lakehouse.read(lake.paths.table("silver", "documents")),
                         lakehouse.read(lake.paths.table("silver", "person_clusters")))
    uri = lake.paths.table("gold", "entity_links")
    rows = table_row_count(lake.paths.table("gold", "mentions"))
    result = lakehouse.overwrite(clustered(frame.select(*LINK_COLUMNS), "src_entity_id", files_for(rows)), uri)
    metadata = table_metadata(uri, result, ["src_entity_id", "relation", "dst_entity_id"])
    metadata["links_by_relation"] = dg.MetadataValue.md(count_markdown(uri, "relation"))
    return dg.MaterializeResult(metadata=metadata)
