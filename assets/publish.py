"""Publish assets: the curated gold tables the search surface reads."""

import dagster as dg

from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.lakehouse import table_row_count
from pipelines.layout import files_for
from pipelines.publish import DOCUMENTS_PER_FILE, publish_documents


@dg.asset(
    key=["gold", "documents"], deps=[dg.AssetKey(["silver", "documents"])], group_name="publish",
    kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="Curated documents of every source, laid out by doc_id so a search fetches its hits cheaply.",
)
def gold_documents(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    uri = lake.paths.table("gold", "documents")
    source = lake.paths.table("silver", "documents")
    result = lakehouse.overwrite(publish_documents(lakehouse.read(source),
                                                                files_for(table_row_count(source), DOCUMENTS_PER_FILE)), uri)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, ["doc_id", "title", "owner_country"]))
