"""``insight materialize``: the Dagster asset graph, executed in this process, no daemon needed."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from insight.errors import InsightError
from pipelines.config import BadSetting, LakePaths

if TYPE_CHECKING:
    import dagster as dg


class MaterializeFailed(RuntimeError):
    """A step of the graph failed: a broken system, since bad data only quarantines."""


class BlockingCheckFailed(MaterializeFailed):
    """An ``error`` expectation failed: the tables after its table were not rebuilt. The data says
    so, not the system: running again on the same files fails again."""


class BadConfiguration(InsightError):
    """An ``INSIGHT_*`` setting no stage accepts: said before anything runs."""


def run_refresh(paths: LakePaths, asset_selection: Sequence[dg.AssetKey] | None = None,
                delta_backend: str | None = None, job: str = "insight_refresh",
                progress: TextIO | None = None, full: bool = False, checks: bool = True,
                only_checks: bool = False, tags: Mapping[str, str] | None = None,
                started: float | None = None) -> dg.ExecuteInProcessResult:
    """Executes ``job`` (or the selected part of it) on ``paths``, in process;
    ``delta_backend`` (``delta-rs``, ``delta-spark``, ``auto``) overrides ``$INSIGHT_DELTA_BACKEND``.
    The home reaches the assets as the ``lake`` resource's configuration of this run. With
    ``progress``, each step is written there as it starts and ends (:mod:`insight.progress`), its
    clock counting from ``started`` (a ``time.time()``; the run's start by default). Tables are
    brought up to date incrementally, or with ``full`` recomputed whole; without ``checks``, no
    table's suite is validated (what tests of the tables alone ask); with ``only_checks``, only the
    suites of the selected tables are (the watcher validates a step's tables in a run of their
    own). ``tags`` go on the run."""
    import dagster as dg

    from assets.increments import FULL_REFRESH
    from insight.progress import RunProgress

    try:
        from assets.definitions import defs
    except BadSetting as exc:
        raise BadConfiguration(str(exc)) from None

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    lake = {"home": str(paths.home), "lake": paths.lake_root or ""}
    if delta_backend:
        lake["delta_backend"] = delta_backend
    run_config: dict = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
                        "resources": {"lake": {"config": lake}}}
    run_id = str(uuid.uuid4())
    job_def = defs.resolve_job_def(job)
    keys = set(asset_selection or job_def.asset_layer.executable_asset_keys)
    if only_checks:
        suites = {c for c in job_def.asset_layer.asset_graph.asset_check_keys if c.asset_key in keys}
        job_def, asset_selection = job_def.get_subset(asset_selection=set(), asset_check_selection=suites), None
    elif not checks:
        job_def, asset_selection = job_def.get_subset(asset_selection=keys, asset_check_selection=set()), None
    # Disposed here, in the thread that made it: left to the garbage collector, its storages'
    # SQLite connections get closed by whichever thread collects them, and SQLite refuses that.
    with instance, RunProgress(instance, run_id, progress, started=started) if progress else nullcontext():
        result = job_def.execute_in_process(
            instance=instance,
            asset_selection=list(asset_selection) if asset_selection else None,
            run_config=run_config,
            raise_on_error=False,
            run_id=run_id,
            tags={**(tags or {}), **({FULL_REFRESH: "true"} if full else {})} or None,
        )
    if _interrupted(result):
        raise KeyboardInterrupt  # Ctrl-C: Dagster made it a failed step and ended the run, not the caller
    return result


def _interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """Whether a step of the run failed because the process was interrupted (SIGINT, Ctrl-C)."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure else None
        while error is not None:
            if error.cls_name == "DagsterExecutionInterruptedError":
                return True
            error = error.cause or error.context
    return False


@dataclass(frozen=True)
class RunOutcome:
    """What one run of the graph came to: its checks' verdicts, the tables whose failed blocking
    check held back what reads them, and why a step failed (None when none did)."""

    passed: int
    failed: list[str]  # a line per failed check
    blocking: list[str]  # "table check" of each failed blocking check
    held_back: set[dg.AssetKey]
    failure: str | None

    @classmethod
    def of(cls, result: dg.ExecuteInProcessResult) -> RunOutcome:
        evaluations = result.get_asset_check_evaluations()
        failed, blocking, held_back = [], [], set()
        for e in sorted((e for e in evaluations if not e.passed),
                        key=lambda e: (e.asset_key.to_user_string(), e.check_name)):
            unexpected = e.metadata.get("unexpected_count")
            detail = f" ({unexpected.value} unexpected)" if unexpected is not None else ""
            level = e.severity.value.lower()
            failed.append(f"  {level:<5} {e.asset_key.to_user_string()} {e.check_name}{detail}")
            if level == "error":
                blocking.append(f"{e.asset_key.to_user_string()} {e.check_name}")
                held_back.add(e.asset_key)
        return cls(len(evaluations) - len(failed), failed, blocking, held_back,
                   None if result.success else _failure(result, checks_too=not blocking))

    @property
    def lines(self) -> list[str]:
        """A summary line, and one line per failed check."""
        return [f"checks: {self.passed} passed, {len(self.failed)} failed", *self.failed]

    @property
    def blocked(self) -> str:
        """The failed blocking checks in words ("" when none failed)."""
        if not self.blocking:
            return ""
        more = f" and {len(self.blocking) - 1} more" if len(self.blocking) > 1 else ""
        return f"blocking check failed: {self.blocking[0]}{more}"


def _failure(result: dg.ExecuteInProcessResult, checks_too: bool) -> str | None:
    """Why the run failed, in one line: its first failed step and that step's first error (None
    when, ``checks_too`` false, only check steps failed: a blocking check said why)."""
    from assets.checks import CHECKS_OP_PREFIX

    failures = [e for e in result.all_events if e.is_step_failure
                and (checks_too or not (e.step_key or "").startswith(CHECKS_OP_PREFIX))]
    if not failures and not checks_too:
        return None
    first = failures[0] if failures else None
    error = first.step_failure_data.error if first else None
    while error is not None and error.cause is not None and (
            "max_retries" in error.message or "Error occurred while executing op" in error.message):
        error = error.cause  # Dagster's wrappers say nothing: the first failure says why
    reason = error.message.strip().splitlines()[0] if error else "unknown"
    return f"step {first.step_key if first else '?'} failed: {reason}"


def materialize_all(paths: LakePaths, asset_selection: Sequence[dg.AssetKey] | None = None,
                    delta_backend: str | None = None, progress: TextIO | None = None,
                    full: bool = False) -> Iterator[str]:
    """Runs the refresh (through ``delta_backend``, ``full``: see :func:`run_refresh`); yields one line per
    materialized table (unless ``progress`` showed them as they came) and the checks' verdicts.

    Raises on a failed step or a failed blocking check (whose downstream tables were not rebuilt).
    """
    from insight.progress import wrote

    result = run_refresh(paths, asset_selection, delta_backend, progress=progress, full=full)
    for event in [] if progress else result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        yield f"{materialization.asset_key.to_user_string():<20} {wrote(materialization.metadata)}"
    outcome = RunOutcome.of(result)
    yield from outcome.lines
    if outcome.blocking:
        raise BlockingCheckFailed(f"{outcome.blocked}; the tables that depend on it were not rebuilt "
                                  "(see the checks in the Dagster UI)")
    if outcome.failure:
        raise MaterializeFailed(outcome.failure)
