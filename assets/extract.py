"""Extraction asset: every document read for the identifiers, persons and places it names."""

import dagster as dg

from assets.metadata import count_markdown, table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.extract.job import extract_mentions


@dg.asset(
    key=["silver", "mentions"], deps=[dg.AssetKey(["silver", "documents"]), dg.AssetKey(["silver", "records"])],
    group_name="extract", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="What every document names — phones, e-mails, identity documents, plates, VINs, IBANs, IMEIs, "
    "wallets, IP addresses, dates, persons, aliases, places — with offsets, canonical value, extractor and "
    "confidence; structured fields as mentions without offsets. Access fields of the document.",
)
def silver_mentions(lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    lakehouse = lake.lakehouse(spark)
    documents = lakehouse.read(lake.paths.table("silver", "documents"))
    records = lakehouse.read(lake.paths.table("silver", "records"))
    uri = lake.paths.table("silver", "mentions")
    result = lakehouse.merge(extract_mentions(documents, records), uri, ["mention_id"], delete_missing=True)
    metadata = table_metadata(uri, result, ["doc_id", "type", "text", "canonical", "extractor"])
    metadata["mentions_by_type"] = dg.MetadataValue.md(count_markdown(uri, "type"))
    return dg.MaterializeResult(metadata=metadata)
