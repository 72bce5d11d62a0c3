"""Conform assets: every bronze table into silver documents and records."""

import dagster as dg

from assets.bronze import BRONZE, current_frames
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.conform import conform_documents, conform_records


@dg.asset(
    key=["silver", "documents"], deps=BRONZE, group_name="conform", kinds={"spark", "delta"},
    owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="One searchable text per current record, message and attachment (withdrawn records left out), "
    "with the access fields of its record.",
)
def silver_documents(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse, current = current_frames(lake, spark)
    uri = lake.paths.table("silver", "documents")
    result = lakehouse.merge(conform_documents(current), uri, ["doc_id"], delete_missing=True)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, ["doc_id", "title", "owner_country"]))


@dg.asset(
    key=["silver", "records"], deps=BRONZE, group_name="conform", kinds={"spark", "delta"},
    owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="Structured facts in one model: persons, identity documents, vehicles, plates, phones, e-mails, "
    "addresses, each with its canonical value and the access fields of its record.",
)
def silver_records(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse, current = current_frames(lake, spark)
    uri = lake.paths.table("silver", "records")
    result = lakehouse.merge(conform_records(current), uri, ["record_id"], delete_missing=True)
    return dg.MaterializeResult(metadata=table_metadata(uri, result, ["record_id", "record_type", "canonical"]))
