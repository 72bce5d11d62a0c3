"""Jobs, the raw-file sensor and the schedule."""

import hashlib

import dagster as dg

from assets.resources import LakeResource
from pipelines.land.registry import pending_files

refresh_job = dg.define_asset_job(
    "insight_refresh", selection=dg.AssetSelection.all(),
    description="Lands whatever is new in raw/ and rebuilds every table that depends on it.",
)


@dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Lands new files dropped into raw/<source>/ and rebuilds what depends on them.")
def raw_files_sensor(context: dg.SensorEvaluationContext, lake: LakeResource):
    pending = pending_files(lake.paths)
    if not pending:
        return dg.SkipReason("no new raw files")
    files = sorted(f for group in pending.values() for f in group)
    run_key = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    context.log.info(f"{len(files)} new raw files in {', '.join(sorted(pending))}")
    selection = dg.AssetSelection.assets(*[dg.AssetKey(["bronze", s]) for s in pending]).downstream()
    keys = selection.resolve(context.repository_def.asset_graph) if context.repository_def else None
    return dg.RunRequest(run_key=run_key, asset_selection=sorted(keys) if keys else None,
                         tags={"insight/new_files": str(len(files))})


nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh", job=refresh_job, cron_schedule="0 3 * * *", execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuilds every table each night, whatever the sensor saw.",
)
