"""What ``insight materialize`` shows while it runs: each step as it starts and as it ends, with its
rows and seconds, and a live line for the step running now.

Dagster hands every event of the run to :class:`RunProgress` as it stores it (the same events the
Dagster UI shows for the run); a ticker thread redraws the live line from the step's start time and
Spark's status tracker, and touches nothing of Dagster's. On a terminal the live line is redrawn in
place every second; in a log file (no terminal) it is a line every ``heartbeat`` seconds instead.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from assets.checks import CHECKS_OP_PREFIX
from pipelines.spark import TaskProgress, jobs_stopped, task_progress
from pipelines.writer import WAITING

if TYPE_CHECKING:
    import dagster as dg


def step_label(step_key: str) -> str:
    """``silver__records`` → ``silver/records``; a table's checks → ``checks silver/records``."""
    if step_key.startswith(CHECKS_OP_PREFIX):
        return "checks " + step_key.removeprefix(CHECKS_OP_PREFIX).replace("_", "/", 1)
    return step_key.replace("__", "/")


def clock(seconds: float) -> str:
    """Elapsed time as ``h:mm:ss``."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def tasks_text(progress: TaskProgress | None) -> str:
    if progress is None:
        return ""
    stages = "1 stage" if progress.stages == 1 else f"{progress.stages} stages"
    return f", Spark {stages} {progress.done}/{progress.total} tasks"


@dataclass
class _Step:
    label: str
    started: float
    tables: list[tuple[str, str]] = field(default_factory=list)  # (table, what the step wrote to it)
    passed: int = 0
    failed: list[str] = field(default_factory=list)


def rows_text(rows: int) -> str:
    return f"{rows:,} row" + ("" if rows == 1 else "s")


def wrote(meta: Mapping[str, Any]) -> str:
    """A materialization's metadata in words: a table's rows (a landing's landed and quarantined), a model's summary."""
    if "summary" in meta:  # a model, not a table
        return str(meta["summary"].value)
    rows = meta.get("dagster/row_count")
    text = rows_text(rows.value) if rows is not None else "written"
    if "rows_quarantined" in meta:
        text += f" (+{meta['rows_landed'].value:,} landed, {meta['rows_quarantined'].value:,} quarantined)"
    return text


def finished_line(step: _Step, seconds: float) -> str:
    """What a step wrote: its tables' rows (a landing's landed and quarantined), or its checks' verdicts."""
    parts = []
    for table, text in step.tables:
        parts.append(text if table == step.label else f"{table} {text}")
    if step.passed or step.failed:
        parts.append(f"{step.passed} passed" + (f", {len(step.failed)} failed ({', '.join(step.failed)})"
                                                if step.failed else ""))
    return f"{step.label}  {'; '.join(parts) or 'done'}  {seconds:.1f} s"


class RunProgress:
    """Writes the steps of run ``run_id`` to ``out`` as they start and end.

    Use as a context manager around the run: ``with RunProgress(instance, run_id, sys.stdout): ...``.
    Its clock counts from ``started`` (a ``time.time()``), the run's start by default.
    """

    def __init__(self, instance: dg.DagsterInstance, run_id: str, out: TextIO, *,
                 live: bool | None = None, heartbeat: float = 30.0, started: float | None = None) -> None:
        self._out = out
        self._live = out.isatty() if live is None else live
        self._heartbeat = heartbeat
        self._lock = threading.Lock()
        self._step: _Step | None = None
        self._started = time.time() if started is None else started
        self._drawn = False  # a live line is on the terminal, to be cleared before the next line
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="insight-progress", daemon=True)
        instance.add_event_listener(run_id, self._on_event)

    def __enter__(self) -> RunProgress:
        self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._ticker.join()
        with self._lock:
            self._clear()

    def _write(self, line: str, at: float) -> None:
        self._clear()
        self._out.write(f"  {clock(at - self._started)}  {line}\n")
        self._out.flush()

    def _clear(self) -> None:
        if self._drawn:
            self._out.write("\r\x1b[K")
            self._drawn = False

    def _on_event(self, entry: Any) -> None:
        event = entry.dagster_event
        if event is None:
            if WAITING in (entry.user_message or ""):  # the run waits for another to end (pipelines.writer)
                with self._lock:
                    self._write(entry.user_message[entry.user_message.index(WAITING):], entry.timestamp)
            return
        kind = event.event_type_value
        with self._lock:
            if kind == "STEP_START":
                self._step = _Step(step_label(event.step_key), entry.timestamp)
                self._write(f"start  {self._step.label}", entry.timestamp)
            elif self._step is None:
                return
            elif kind == "ASSET_MATERIALIZATION":
                materialization = event.event_specific_data.materialization
                meta = materialization.metadata
                self._step.tables.append((materialization.asset_key.to_user_string(), wrote(meta)))
            elif kind == "ASSET_CHECK_EVALUATION":
                evaluation = event.event_specific_data
                if evaluation.passed:
                    self._step.passed += 1
                else:
                    self._step.failed.append(f"{evaluation.severity.value.lower()} {evaluation.check_name}")
            elif kind == "STEP_SUCCESS":
                self._write(f"done   {finished_line(self._step, entry.timestamp - self._step.started)}",
                            entry.timestamp)
                self._step = None
            elif kind == "STEP_FAILURE":
                verb = "stopped" if jobs_stopped() else "FAILED"  # stopped on purpose: it runs again later
                self._write(f"{verb:<6} {self._step.label} after {entry.timestamp - self._step.started:.1f} s",
                            entry.timestamp)
                self._step = None

    def _tick(self) -> None:
        last = time.time()
        while not self._stop.wait(1.0):
            tasks = task_progress()
            now = time.time()
            with self._lock:
                step = self._step
                if step is None:
                    continue
                line = f"{step.label} {now - step.started:.0f} s{tasks_text(tasks)}"
                if self._live:
                    self._out.write(f"\r\x1b[K  {clock(now - self._started)}  …      {line}")
                    self._out.flush()
                    self._drawn = True
                elif now - last >= self._heartbeat and now - step.started >= self._heartbeat:
                    self._write(f"still  {line}", now)
                    last = now
