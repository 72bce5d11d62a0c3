"""Landing assets: one per source, each reads what is new in ``raw/<source>/``.

A landing is retried like every step: one that died after its bronze commit reads its files again
and lands only the rows bronze does not hold yet (``pipelines/land/job.py``).
"""

import dagster as dg

from assets.bronze import bronze_keys
from assets.metadata import count_markdown, table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY, step_tags, stoppable
from assets.resources import LakeResource, SparkResource
from pipelines.land.fields import SourceSpec
from pipelines.land.job import land_source
from pipelines.land.registry import LANDED_FILES, QUARANTINE
from pipelines.sources import Sources

# The withdrawals are not a source (pipelines/sources.py describes those): they act on the sources' records.
WITHDRAWALS_DESCRIPTION = ("Records their owners withdrew (source, id, by, when, why), from raw/withdrawals/*.csv: "
                           "gone from silver, gold and every search at the next refresh.")


def landing_asset(spec: SourceSpec, description: str) -> dg.AssetsDefinition:
    """The asset that lands ``raw/<spec.name>/`` into ``bronze/<spec.name>``."""
    source = spec.name

    @dg.asset(
        key=["bronze", source],
        group_name="land",
        description=description + " Bad rows go to bronze/quarantine with their reason.",
        kinds={"spark", "delta"},
        owners=OWNERS,
        freshness_policy=FRESHNESS,
        retry_policy=RETRY,
        op_tags=step_tags(f"bronze/{source}"),
    )
    @stoppable
    def land(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
        paths = lake.paths
        report = land_source(lake.lakehouse(spark, context), paths, spec)
        for f in report.files:
            context.log.info(
                f"{f['src_file']}: read {f['rows_read']} = landed {f['rows_landed']} "
                f"+ quarantined {f['rows_quarantined']}"
            )
            if f["schema_drift"]:
                context.log.warning(f"{f['src_file']}: schema drift: {'; '.join(f['schema_drift'])}")
        metadata = table_metadata(paths.table("bronze", source))
        metadata.update(
            {
                "files_landed": len(report.files),
                "rows_read": report.rows_read,
                "rows_landed": report.rows_landed,
                "rows_quarantined": report.rows_quarantined,
                "files_with_schema_drift": len([f for f in report.files if f["schema_drift"]]),
                "quarantine_path": dg.MetadataValue.path(paths.table(*QUARANTINE)),
            }
        )
        return dg.MaterializeResult(metadata=metadata)

    return land


def landing_assets(sources: Sources) -> list[dg.AssetsDefinition]:
    """One landing asset per source and for the withdrawals, then the quarantine and the registry they write."""
    bronze = bronze_keys(sources)
    landings = [landing_asset(source.spec, source.description) for source in sources]
    return [*landings, landing_asset(sources.withdrawals, WITHDRAWALS_DESCRIPTION),
            _quarantine(bronze), _landed_files(bronze)]


def _quarantine(bronze: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=list(QUARANTINE), deps=bronze, group_name="land", kinds={"delta"}, owners=OWNERS,
        freshness_policy=FRESHNESS,
        description="Every row and file the landings refused: source, file, line or MIME part, raw content and the "
        "reason. Written by the landing assets; this step publishes its state once they have run, and its checks "
        "reconcile it with the registry.",
    )
    @stoppable
    def quarantine(lake: LakeResource) -> dg.MaterializeResult:
        uri = lake.paths.table(*QUARANTINE)
        metadata = table_metadata(uri, preview_columns=["source", "src_file", "src_line", "src_part", "reason"])
        metadata["rows_by_source"] = dg.MetadataValue.md(count_markdown(uri, "source"))
        return dg.MaterializeResult(metadata=metadata)

    return quarantine


def _landed_files(bronze: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=list(LANDED_FILES), deps=bronze, group_name="land", kinds={"delta"}, owners=OWNERS,
        freshness_policy=FRESHNESS,
        description="The landing registry: one row per landed file (path, SHA-256, size, rows read = landed + "
        "quarantined, schema drift). A file is landed once; the sensor compares raw/ with it.",
    )
    @stoppable
    def landed_files(lake: LakeResource) -> dg.MaterializeResult:
        uri = lake.paths.table(*LANDED_FILES)
        metadata = table_metadata(uri, preview_columns=["src_file", "rows_read", "rows_landed", "rows_quarantined",
                                                        "schema_drift"])
        metadata["files_by_source"] = dg.MetadataValue.md(count_markdown(uri, "source"))
        return dg.MaterializeResult(metadata=metadata)

    return landed_files
