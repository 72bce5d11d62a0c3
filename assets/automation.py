"""Jobs, the raw-file sensor and the schedule."""

import hashlib
from collections.abc import Iterable

import dagster as dg

# Dagster exports no public name for what define_asset_job returns, nor for the asset graph.
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph
from dagster._core.definitions.unresolved_asset_job_definition import (
    UnresolvedAssetJobDefinition,
)

from assets.increments import FULL_REFRESH
from assets.models import NER_MODEL
from assets.policies import on_search_path
from assets.resources import LakeResource
from pipelines.config import LakePaths
from pipelines.extract.tagger import Tagger
from pipelines.land.registry import never_landed, pending_files
from pipelines.sources import Sources

# Every job that writes the lake carries this tag; two of them must never commit at once.
WRITES_LAKE = {"insight/writes_lake": "true"}

ACTIVE_RUN_STATUSES = [
    dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING,
]

refresh_job = dg.define_asset_job(
    "insight_refresh", selection=dg.AssetSelection.all(), tags=WRITES_LAKE,
    description="Lands whatever is new in raw/ and brings every table that depends on it up to date (only what "
    f"changed; with the run tag {FULL_REFRESH}=true, every table recomputed whole), with every check.",
)


def source_job(source: str) -> UnresolvedAssetJobDefinition:
    selection = dg.AssetSelection.assets(dg.AssetKey(["bronze", source])).downstream()
    return dg.define_asset_job(
        f"refresh_{source}", selection=selection, tags=WRITES_LAKE,
        description=f"Lands what is new in raw/{source}/ and rebuilds what depends on it.",
    )


def source_jobs(sources: Sources) -> list[UnresolvedAssetJobDefinition]:
    """``refresh_<source>`` for every folder of raw/ (the sources and the withdrawals)."""
    return [source_job(source) for source in sources.landed]


def active_refresh(instance: dg.DagsterInstance) -> str | None:
    """The id of a run in progress that writes the lake, if any.

    Two such runs must never commit to the same tables at once; the one that waits loses
    nothing, since landing picks up every file the registry has not seen.
    """
    active = instance.get_run_ids(filters=dg.RunsFilter(tags=WRITES_LAKE, statuses=ACTIVE_RUN_STATUSES), limit=1)
    return active[0] if active else None


def refresh_selection(paths: LakePaths, sources: Sources, pending: Iterable[str]) -> dg.AssetSelection:
    """What new files in the folders ``pending`` make stale (what the sensor and ``insight
    materialize --watch`` refresh): their landings, every table and check downstream, and what those
    read that a first refresh of the home must make too — the landings of the folders never landed
    (the checks of every document read the withdrawals) and the tagger, unless it is trained."""
    folders = sorted({*pending, *never_landed(paths, sources.landed)})
    selection = dg.AssetSelection.assets(*[dg.AssetKey(["bronze", folder]) for folder in folders]).downstream()
    return selection if Tagger.saved_in(paths.model("ner")) else selection | dg.AssetSelection.assets(NER_MODEL)


def new_files(paths: LakePaths, sources: Sources) -> tuple[dict[str, list[str]], dg.AssetSelection | None]:
    """The files of raw/ the landing registry lacks (per folder) and what they make stale
    (:func:`refresh_selection`; None when no file is new): what the sensor and ``insight
    materialize --watch`` look for, every few seconds, so the lake is not looked at without them."""
    pending = pending_files(paths, sources.landed)
    return pending, refresh_selection(paths, sources, pending) if pending else None


def search_lane(keys: Iterable[dg.AssetKey]) -> set[dg.AssetKey]:
    """The ``keys`` a new file passes through before search finds it (its landing, the documents
    and their postings): what ``insight materialize --watch`` runs first, whenever files arrive."""
    return {key for key in keys if on_search_path(key.to_user_string())}


def next_step(graph: AssetGraph, todo: set[dg.AssetKey]) -> set[dg.AssetKey]:
    """The table of ``todo`` that goes first (each table after every table it reads), with the
    tables its step writes with it: the smallest part of a refresh a run can do alone."""
    first = next(key for key in graph.toposorted_asset_keys if key in todo)
    return set(dg.AssetSelection.assets(first).required_multi_asset_neighbors().resolve(graph))


def raw_files_sensor(sources: Sources) -> dg.SensorDefinition:
    """The sensor that starts a refresh of what depends on the folders of raw/ with new files."""

    @dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Lands new files dropped into raw/<source>/ and rebuilds what depends on them.")
    def raw_files_sensor(context: dg.SensorEvaluationContext, lake: LakeResource):
        running = active_refresh(context.instance)
        if running:
            return dg.SkipReason(f"a refresh is in progress (run {running})")
        pending, selection = new_files(lake.paths, sources)
        if selection is None:
            return dg.SkipReason("no new raw files")
        files = sorted(f for group in pending.values() for f in group)
        run_key = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
        context.log.info(f"{len(files)} new raw files in {', '.join(sorted(pending))}")
        keys = selection.resolve(context.repository_def.asset_graph) if context.repository_def else None
        return dg.RunRequest(run_key=run_key, asset_selection=sorted(keys) if keys else None,
                             tags={**WRITES_LAKE, "insight/new_files": str(len(files))})

    return raw_files_sensor


@dg.schedule(job=refresh_job, cron_schedule="0 3 * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Recomputes every table whole each night (a full refresh), whatever the sensor saw.")
def nightly_refresh(context: dg.ScheduleEvaluationContext):
    running = active_refresh(context.instance)
    if running:
        return dg.SkipReason(f"a refresh is in progress (run {running})")
    return dg.RunRequest(run_key=f"nightly-{context.scheduled_execution_time:%Y-%m-%d}", tags={FULL_REFRESH: "true"})
