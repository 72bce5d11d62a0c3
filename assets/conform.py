"""Conform assets: every bronze table into silver documents and records, whole or by increment
(``pipelines/refresh.py``).

They read every bronze table of the registry (a list that grows with the sources, so they take it
from :func:`assets.bronze.bronze_keys`, the one list of their dependencies, rather than as ``ins``).
"""

from collections.abc import Callable

import dagster as dg
from pyspark.sql import Column

from assets.bronze import bronze_keys
from assets.increments import increment, refreshed
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY, step_tags, stoppable
from assets.resources import LakeResource, SparkResource
from pipelines.changes import TableChange
from pipelines.conform import conform_documents, conform_records, document_root, record_root
from pipelines.lakehouse import WriteResult
from pipelines.refresh import Build, SilverTable, conform_changes, conform_whole
from pipelines.sources import Sources


def _silver_asset(sources: Sources, name: str, cluster: tuple[str, ...], build: Build, root: Callable[[], Column],
                  preview: list[str], description: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["silver", name], deps=bronze_keys(sources), group_name="conform", kinds={"spark", "delta"},
        owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY, description=description,
        op_tags=step_tags(f"silver/{name}"),
    )
    @stoppable
    def conform(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
        table = SilverTable(lake.paths.table("silver", name), build, root, cluster)
        inputs = {k.to_user_string(): lake.uri(k) for k in bronze_keys(sources)}
        bronze = {k.path[-1]: lake.uri(k) for k in bronze_keys(sources)}
        step = increment(context, lake, inputs)
        lakehouse = lake.lakehouse(spark, context, step.mark)

        def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
            result, recomputed = conform_changes(lakehouse, bronze, sources, table,
                                                 {n.split("/")[-1]: c for n, c in changes.items()})
            return result, {"records_recomputed": recomputed}

        result, metadata = refreshed(step, lakehouse, lambda: conform_whole(lakehouse, bronze, sources, table),
                                     by_change)
        return dg.MaterializeResult(metadata={**table_metadata(table.uri, result, preview), **metadata})

    return conform


def conform_assets(sources: Sources) -> list[dg.AssetsDefinition]:
    """``silver/documents`` and ``silver/records`` from the bronze tables of ``sources``."""
    return [
        _silver_asset(sources, "documents", ("doc_id",), conform_documents, document_root,
                      ["doc_id", "title", "owner_country"],
                      "One searchable text per current record, message and attachment (withdrawn records left out), "
                      "with the access fields of its record. Incremental: only the records new bronze rows and "
                      "withdrawals touch are recomputed."),
        _silver_asset(sources, "records", ("doc_id", "record_id"), conform_records, record_root,
                      ["record_id", "record_type", "canonical"],
                      "Structured facts in one model: persons, identity documents, vehicles, plates, phones, e-mails, "
                      "addresses, each with its canonical value and the access fields of its record. Incremental, "
                      "as silver/documents."),
    ]
