"""The one ``Definitions`` of Insight: ``dagster dev`` finds it through pyproject.toml."""
from __future__ import annotations

import dagster as dg

from assets import extract, index, land, patterns, publish, resolve
from assets.automation import nightly_refresh, raw_files_sensor, refresh_job, source_jobs
from assets.checks import table_checks
from assets.conform import conform_assets
from assets.resources import resources
from pipelines.sources import SOURCES, Sources


def definitions(sources: Sources = SOURCES) -> dg.Definitions:
    """Insight over ``sources``: the landing, conform and trends assets, the per-source jobs and the
    sensor follow the registry; a new source is tried by passing ``SOURCES.adding(...)``. The
    resources are configured from the environment as it is now (``assets/resources.py``)."""
    assets = [*land.landing_assets(sources), *conform_assets(sources), *patterns.trend_assets(sources),
              *dg.load_assets_from_modules([extract, resolve, publish, index, patterns])]
    return dg.Definitions(
        assets=assets,
        asset_checks=table_checks(sources),
        jobs=[refresh_job, *source_jobs(sources)],
        sensors=[raw_files_sensor(sources)],
        schedules=[nightly_refresh],
        resources=resources(),
        # One process shares one Spark session across steps; Spark parallelises inside each step.
        executor=dg.in_process_executor,
    )


defs = definitions()
