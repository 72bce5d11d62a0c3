"""Landing assets: one per source, each reads what is new in ``raw/<source>/``."""

import dagster as dg

from assets.metadata import table_metadata
from assets.resources import LakeResource, SparkResource
from pipelines.config import SOURCES
from pipelines.land.job import land_source
from pipelines.land.registry import QUARANTINE

DESCRIPTIONS = {
    "notices": "Published notices (red, yellow, blue, …) as landed from raw/notices/*.jsonl.",
    "diffusions": "Diffusions sent by a country to chosen others, from raw/diffusions/*.jsonl.",
    "messages": "Messages between National Central Bureaus with their attachments' text, from raw/messages/*.eml.",
    "reports": "Police reports in en/es/pt/fr, from raw/reports/*.jsonl.",
    "sltd": "Stolen and lost travel documents, from raw/sltd/*.csv.",
    "smv": "Stolen motor vehicles, from raw/smv/*.csv.",
    "nominals": "Persons known to police, from raw/nominals/*.csv.",
}


def landing_asset(source: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["bronze", source],
        group_name="land",
        description=DESCRIPTIONS[source] + " Bad rows go to bronze/quarantine with their reason.",
        kinds={"spark", "delta"},
        owners=["team:data-engineering"],
    )
    def land(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
        paths = lake.paths
        report = land_source(lake.lakehouse(spark), paths, source)
        for f in report.files:
            context.log.info(
                f"{f['src_file']}: read {f['rows_read']} = landed {f['rows_landed']} + quarantined {f['rows_quarantined']}"
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

    land.__name__ = f"land_{source}"
    return land


landing_assets = [landing_asset(source) for source in SOURCES]
