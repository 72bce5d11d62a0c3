"""``insight materialize --watch``: one process that refreshes the lake as files arrive, kept warm.

A run the Dagster sensor launches is a process of its own: before a new message is searchable it
starts Python, Spark and Great Expectations cold, about a minute on a 2-core machine (README,
"Freshness"). Watching keeps one Spark session, its JVM and Great Expectations from one increment
to the next, so that an increment pays only for what arrived. It finds new files as the sensor
does (the landing registry lacks their path and size), refreshes what they make stale (the
sensor's selection), and stands aside while a run of the Dagster daemon writes the lake.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from insight.materialize import BlockingCheckFailed, MaterializeFailed, materialize_all
from insight.progress import clock
from pipelines.config import LakePaths
from pipelines.sources import SOURCES, Sources

if TYPE_CHECKING:
    import dagster as dg

MAX_BACKOFF = 600.0  # seconds between tries of a refresh that keeps failing, at most


class Watcher:
    """Looks at ``raw/`` and refreshes the lake when files are new there.

    A refresh whose step failed (a broken system: bad data only quarantines) is tried again, new
    files or not, after ``every`` seconds doubled at each failure (at most :data:`MAX_BACKOFF`). One
    stopped by a failed blocking check is not: the same files would fail it again, so the tables
    after it wait for the next files (a correction, a withdrawal)."""

    def __init__(self, paths: LakePaths, every: float, say: Callable[[str], None],
                 progress: TextIO | None = None, sources: Sources = SOURCES) -> None:
        self.paths, self.every, self.say, self.progress, self.sources = paths, every, say, progress, sources
        self.failures = 0
        self.retry_at = 0.0
        self.unfinished: set[dg.AssetKey] = set()  # what a failed refresh left to do
        self.waiting_for: str | None = None  # the run of the Dagster daemon last seen writing the lake
        self.refreshing = False

    def warm_up(self) -> None:
        """Starts Spark and Great Expectations (its import and first validation) before the first
        file arrives. The first refresh still compiles its own queries: the next ones are faster."""
        from pipelines.quality import warm_up
        from pipelines.spark import get_spark

        self.say("starting Spark and Great Expectations")
        warm_up(get_spark().range(1))

    def look(self) -> bool:
        """One look at ``raw/``: refreshes when files are new (or a failed refresh is due again) and
        nothing else writes the lake. Whether it refreshed."""
        from assets.automation import new_files

        pending, selection = new_files(self.paths, self.sources)
        if not (pending or self.unfinished) or time.monotonic() < self.retry_at:
            return False
        running = _daemon_run()
        if running:
            if running != self.waiting_for:
                self.say(f"run {running} of the Dagster daemon is writing the lake: waiting for it")
            self.waiting_for = running
            return False
        self.waiting_for = None
        self._refresh(pending, selection)
        return True

    def _refresh(self, pending: dict[str, list[str]], selection: dg.AssetSelection | None) -> None:
        from assets.definitions import defs

        files = sum(len(group) for group in pending.values())
        self.say(f"{files} new file{'s' if files != 1 else ''} in {', '.join(sorted(pending))}: refreshing"
                 if pending else f"trying again the refresh that failed (try {self.failures + 1})")
        keys = self.unfinished | (selection.resolve(defs.resolve_asset_graph()) if selection else set())
        started, self.refreshing = time.perf_counter(), True
        try:
            for line in materialize_all(self.paths, sorted(keys), progress=self.progress):
                self.say(line)
        except BlockingCheckFailed as exc:
            self.failures, self.retry_at, self.unfinished = 0, 0.0, set()
            self.say(f"{exc}; they wait for the next files")
            return
        except MaterializeFailed as exc:
            self.failures += 1
            delay = min(self.every * 2 ** self.failures, MAX_BACKOFF)
            self.retry_at, self.unfinished = time.monotonic() + delay, keys
            self.say(f"refresh failed after {clock(time.perf_counter() - started)}: {exc}; "
                     f"tried again in {delay:.0f} s")
            return
        finally:
            self.refreshing = False
        self.failures, self.retry_at, self.unfinished = 0, 0.0, set()
        self.say(f"refreshed in {clock(time.perf_counter() - started)}")


def _daemon_run() -> str | None:
    """A run writing the lake in the Dagster instance of ``$DAGSTER_HOME`` (none without one)."""
    if not os.environ.get("DAGSTER_HOME"):
        return None
    import dagster as dg

    from assets.automation import active_refresh

    return active_refresh(dg.DagsterInstance.get())


def watch(paths: LakePaths, every: float, out: TextIO, progress: TextIO | None = None,
          stop: threading.Event | None = None) -> None:
    """Refreshes the lake whenever ``raw/`` has new files, until ``stop`` is set or Ctrl-C; ``out``
    gets a line per event (time-stamped), ``progress`` each refresh's steps as they run."""
    stop = stop or threading.Event()

    def say(line: str) -> None:
        out.write(f"{time.strftime('%H:%M:%S')}  {line}\n")
        out.flush()

    watcher = Watcher(paths, every, say, progress)
    say(f"watching {paths.raw} every {every:g} s (Ctrl-C stops)")
    try:
        watcher.warm_up()
        say("waiting for new files")
        while not stop.is_set():
            if watcher.look():
                say("waiting for new files")
            stop.wait(every)
    except KeyboardInterrupt:
        say("stopped during a refresh: the next one finishes what it left" if watcher.refreshing else "stopped")
