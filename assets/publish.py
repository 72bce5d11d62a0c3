"""Publish assets: the curated gold tables the search surface reads."""

import dagster as dg
from pyspark.sql import DataFrame

from assets.increments import increment, refreshed
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY, step_tags, stoppable
from assets.resources import LakeResource, SparkResource, tables
from pipelines.changes import TableChange
from pipelines.lakehouse import Scope, WriteResult
from pipelines.layout import files_for
from pipelines.publish import DOCUMENT_CLUSTER, DOCUMENTS_PER_FILE, publish_documents, published


@dg.asset(
    key=["gold", "documents"], ins=tables(documents="silver/documents"), group_name="publish",
    kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    op_tags=step_tags("gold/documents"),
    description="Curated documents of every source, laid out by doc_id so a search fetches its hits cheaply. "
    "Incremental: only the documents that changed are written again.",
)
@stoppable
def gold_documents(context: dg.AssetExecutionContext, documents: DataFrame, lake: LakeResource,
                   spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.paths.table("gold", "documents")
    step = increment(context, lake, {"silver/documents": lake.uri(context.asset_key_for_input("documents"))})
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def whole() -> WriteResult:
        files = files_for(lake.input_rows(context, "documents"), DOCUMENTS_PER_FILE)
        return lakehouse.overwrite(publish_documents(documents, files), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        scope = Scope("doc_id", changes["silver/documents"].keys("doc_id"))
        return (lakehouse.replace(published(scope.rows_of(documents)), uri, scope, DOCUMENT_CLUSTER),
                {"documents_recomputed": scope.size})

    result, metadata = refreshed(step, lakehouse, whole, by_change)
    return dg.MaterializeResult(metadata={**table_metadata(uri, result, ["doc_id", "title", "owner_country"]),
                                          **metadata})
