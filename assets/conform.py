"""Conform assets: every bronze table into silver documents and records.

They read every bronze table of the registry (a list that grows with the sources, so they take it
from :func:`assets.bronze.bronze_keys`, the one list of their dependencies, rather than as ``ins``).
"""

from collections.abc import Callable

import dagster as dg
from pyspark.sql import DataFrame

from assets.bronze import bronze_keys, current_frames
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.conform import conform_documents, conform_records
from pipelines.sources import Sources


def _silver_asset(sources: Sources, name: str, key: str, build: Callable[[dict[str, DataFrame], Sources], DataFrame],
                  preview: list[str], description: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["silver", name], deps=bronze_keys(sources), group_name="conform", kinds={"spark", "delta"},
        owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY, description=description,
    )
    def conform(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
        lakehouse = lake.lakehouse(spark, context)
        current = current_frames(lakehouse, lake, sources)
        uri = lake.paths.table("silver", name)
        result = lakehouse.merge(build(current, sources), uri, [key], delete_missing=True)
        return dg.MaterializeResult(metadata=table_metadata(uri, result, preview))

    return conform


def conform_assets(sources: Sources) -> list[dg.AssetsDefinition]:
    """``silver/documents`` and ``silver/records`` from the bronze tables of ``sources``."""
    return [
        _silver_asset(sources, "documents", "doc_id", conform_documents, ["doc_id", "title", "owner_country"],
                      "One searchable text per current record, message and attachment (withdrawn records left out), "
                      "with the access fields of its record."),
        _silver_asset(sources, "records", "record_id", conform_records, ["record_id", "record_type", "canonical"],
                      "Structured facts in one model: persons, identity documents, vehicles, plates, phones, e-mails, "
                      "addresses, each with its canonical value and the access fields of its record."),
    ]
