"""Publish assets: the curated gold tables the search surface reads."""

import dagster as dg
from pyspark.sql import DataFrame

from assets.increments import record_inputs
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource, tables
from pipelines.layout import files_for
from pipelines.publish import DOCUMENTS_PER_FILE, publish_documents


@dg.asset(
    key=["gold", "documents"], ins=tables(documents="silver/documents"), group_name="publish",
    kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="Curated documents of every source, laid out by doc_id so a search fetches its hits cheaply.",
)
def gold_documents(context: dg.AssetExecutionContext, documents: DataFrame, lake: LakeResource,
                   spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.paths.table("gold", "documents")
    files = files_for(lake.input_rows(context, "documents"), DOCUMENTS_PER_FILE)
    result = lake.lakehouse(spark, context).overwrite(publish_documents(documents, files), uri)
    record_inputs(context, lake)  # extraction asks which version of silver/documents the index reflects
    return dg.MaterializeResult(metadata=table_metadata(uri, result, ["doc_id", "title", "owner_country"]))
