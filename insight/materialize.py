"""``insight materialize``: the Dagster asset graph, executed in this process, no daemon needed."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator, Sequence

from pipelines.config import LakePaths

if TYPE_CHECKING:
    import dagster as dg


class MaterializeFailed(RuntimeError):
    """A step of the graph failed: a broken system, since bad data only quarantines."""


def run_refresh(paths: LakePaths, asset_selection: Sequence["dg.AssetKey"] | None = None) -> "dg.ExecuteInProcessResult":
    """Executes job ``insight_refresh`` (or the selected part of it) on ``paths``, in process."""
    import dagster as dg

    from assets.definitions import defs

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    previous = os.environ.get("INSIGHT_HOME")
    os.environ["INSIGHT_HOME"] = str(paths.home)  # the Definitions' resources read it at run time
    try:
        return defs.resolve_job_def("insight_refresh").execute_in_process(
            instance=instance,
            asset_selection=list(asset_selection) if asset_selection else None,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            raise_on_error=False,
        )
    finally:
        if previous is None:
            os.environ.pop("INSIGHT_HOME", None)
        else:
            os.environ["INSIGHT_HOME"] = previous


def materialize_all(paths: LakePaths, asset_selection: Sequence["dg.AssetKey"] | None = None) -> Iterator[str]:
    """Runs the refresh; yields one line per materialized table, raises on a failed step."""
    result = run_refresh(paths, asset_selection)
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
        error = first.step_failure_data.error if first else None
        reason = error.message.strip().splitlines()[0] if error else "unknown"
        raise MaterializeFailed(f"step {first.step_key if first else '?'} failed: {reason}")
