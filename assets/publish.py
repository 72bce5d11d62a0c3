"""Publish assets: the curated gold tables the search surface reads."""

import dagster as dg

from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.publish import publish_documents


@dg.asset(
    key=["gold", "documents"], deps=[dg.AssetKey(["silver", "documents"])], group_name="publish",
    kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="Curated documents of every source, with folded and compact text for keyword search.",
)
def gold_documents(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    uri = lake.paths.table("gold", "documents")
    documents = lakehouse.read(lake.paths.table("silver", "documents"))
    result = lakehouse.merge(publish_documents(documents), uri, ["doc_id"], delete_missing=True)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, ["doc_id", "title", "owner_country"]))
