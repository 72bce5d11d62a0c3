"""``insight materialize``: the Dagster asset graph, executed in this process, no daemon needed."""
from __future__ import annotations

import os
from typing import Iterator

from pipelines.config import LakePaths


class MaterializeFailed(RuntimeError):
    """A step of the graph failed: a broken system, since bad data only quarantines."""


def materialize_all(paths: LakePaths) -> Iterator[str]:
    """Runs job ``insight_refresh`` on ``paths``; yields one line per materialized table."""
    import dagster as dg

    from assets.definitions import defs
    from assets.resources import LakeResource, SparkResource

    job = defs.resolve_job_def("insight_refresh")
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(
        instance=instance,
        resources={"lake": LakeResource(home=str(paths.home)), "spark": SparkResource()},
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        raise_on_error=False,
    )
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        meta = materialization.metadata
        rows = meta.get("dagster/row_count")
        extra = ""
        if "rows_quarantined" in meta:
            extra = f" (+{meta['rows_landed'].value} landed, {meta['rows_quarantined'].value} quarantined)"
        yield f"{materialization.asset_key.to_user_string():<20} {rows.value if rows else '?':>9} rows{extra}"
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        first = failures[0] if failures else None
        reason = first.step_failure_data.error.message.strip().splitlines()[0] if first and first.step_failure_data.error else "unknown"
        step = first.step_key if first else "?"
        raise MaterializeFailed(f"step {step} failed: {reason}")
