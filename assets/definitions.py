"""The one ``Definitions`` of Insight: ``dagster dev`` finds it through pyproject.toml."""
from __future__ import annotations

import dagster as dg

from assets import conform, extract, index, land, patterns, publish, resolve
from assets.automation import nightly_refresh, raw_files_sensor, refresh_job, source_jobs
from assets.checks import table_checks
from assets.resources import LakeResource, SparkResource

all_assets = [*land.landing_assets, *dg.load_assets_from_modules([conform, extract, resolve, publish, index, patterns])]

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=table_checks,
    jobs=[refresh_job, *source_jobs],
    sensors=[raw_files_sensor],
    schedules=[nightly_refresh],
    resources={"lake": LakeResource(), "spark": SparkResource()},
    # One process shares one Spark session across steps; Spark parallelises inside each step.
    executor=dg.in_process_executor,
)
