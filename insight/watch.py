"""``insight materialize --watch``: one process that refreshes the lake as files arrive, kept warm.

A run the Dagster sensor launches is a process of its own: before a new message is searchable it
starts Python, Spark and Great Expectations cold, about a minute on a 2-core machine (README,
"Freshness"). Watching keeps one Spark session, its JVM and Great Expectations from one increment
to the next, so that an increment pays only for what arrived. It finds new files as the sensor
does (the landing registry lacks their path and size), refreshes what they make stale (the
sensor's selection) a step at a time, the way to search first (:class:`Watcher`), and stands
aside while a run of the Dagster daemon writes the lake.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from insight.progress import clock
from pipelines.config import LakePaths
from pipelines.sources import SOURCES, Sources

if TYPE_CHECKING:
    import dagster as dg
    from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

    from insight.materialize import RunOutcome

MAX_BACKOFF = 600.0  # seconds between tries of a refresh that keeps failing, at most
GIVE_WAY = 2  # times in a row a run of the rest stops for new files; the next one runs to its end
LANE, REST = "the way to search", "the rest"  # the two kinds of run of a refresh, each with its own backoff


@dataclass
class Backoff:
    """When a kind of run that failed may be tried again: ``every`` seconds doubled at each failure
    in a row, at most :data:`MAX_BACKOFF`."""

    every: float
    failures: int = 0
    retry_at: float = 0.0  # time.monotonic()

    def due(self, now: float) -> bool:
        return now >= self.retry_at

    def failed(self, now: float) -> float:
        """Counts a failure; the seconds until the next try."""
        self.failures += 1
        delay = min(self.every * 2 ** self.failures, MAX_BACKOFF)
        self.retry_at = now + delay
        return delay

    def passed(self) -> None:
        self.failures, self.retry_at = 0, 0.0


@dataclass(frozen=True)
class Run:
    """One run of the watcher: ``tables`` written with their checks (a way to search, ``lane``),
    written without them (a step of the rest), or only their checks validated (``checks_only``)."""

    tables: frozenset[dg.AssetKey]
    lane: bool = False
    checks_only: bool = False

    @property
    def kind(self) -> str:
        """:data:`LANE` or :data:`REST`: which backoff the run answers to."""
        return LANE if self.lane else REST

    @property
    def label(self) -> str:
        """The run in words: "the step writing gold/mentions", "the checks of silver/records"."""
        names = sorted(key.to_user_string() for key in self.tables)
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        what = "the way to search of" if self.lane else "the checks of" if self.checks_only else "the step writing"
        return f"{what} {names[0] if names else 'nothing'}{more}"


class GiveWay:
    """While a run of the rest runs, looks at ``raw/`` every ``every`` seconds; when files have
    arrived there besides ``known`` (the files that waited already when the run began), stops the
    run's Spark jobs (:func:`pipelines.spark.stop_jobs`) until it ends, so that their way to search
    goes first instead of waiting for the step (some 6.5 min for ``gold/mentions`` at 1M). The
    stopped step fails at once, without retries (:func:`assets.policies.stoppable`), and leaves
    what a step killed there leaves: its next run finishes it. ``arrived``: how many files did."""

    def __init__(self, paths: LakePaths, sources: Sources, every: float, known: set[str],
                 say: Callable[[str], None]) -> None:
        from pipelines.spark import get_spark

        self.paths, self.sources, self.every, self.known, self.say = paths, sources, every, known, say
        self.spark = get_spark()  # the watcher's session, taken in its thread
        self.arrived = 0
        self._done = threading.Event()
        self._looker = threading.Thread(target=self._look, name="insight-give-way", daemon=True)

    def __enter__(self) -> GiveWay:
        self._looker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        from pipelines.spark import resume_jobs

        self._done.set()
        self._looker.join()
        resume_jobs()

    def _look(self) -> None:
        from assets.automation import new_files
        from pipelines.spark import stop_jobs

        try:
            while not self._done.wait(self.every):
                pending, _ = new_files(self.paths, self.sources)
                arrived = {f for group in pending.values() for f in group} - self.known
                if arrived:
                    self.arrived = len(arrived)
                    break
        except Exception as exc:  # a look that fails must not stop the run: the next look() says why
            from insight.session import one_line

            self.say(f"could not look at raw/ during the run: {one_line(exc)}")
            return
        while not self._done.is_set():  # a job the step starts after the first cancel is cancelled too
            stop_jobs(self.spark)
            self._done.wait(0.5)


class Watcher:
    """Looks at ``raw/`` and brings the lake up to date when files are new there, a run at a time.

    What new files make stale waits in ``waiting`` until their way to search (their landing, the
    documents and their postings) has run, in one run with its checks; it then joins ``todo``, the
    rest (extraction, resolution, the name index, patterns), done one step per run, ``raw/`` looked
    at again before each. A step's checks are a run of their own after it (``unchecked`` until
    then), so a way to search can go between the two. Files that arrive while a run of the rest
    runs stop it (:class:`GiveWay`): their way to search goes first, the stopped run after it;
    after :data:`GIVE_WAY` runs of the rest stopped in a row, the next one runs to its end (and,
    after a way to search, one run of the rest goes before the next one): a steady feed of files
    must not starve the rest. Each later step takes every file landed so far at once. Checks left
    for tables the new files make stale again wait for their next step: they would judge a table
    against inputs it does not reflect yet, and validate both writes then.

    A run whose step failed (a broken system: bad data only quarantines) is tried again, new files
    or not, after ``every`` seconds doubled at each failure (at most :data:`MAX_BACKOFF`): the way
    to search and the rest back off apart, so that a step of the rest that keeps failing does not
    keep new files from search, nor a landing that keeps failing the rest of what landed. A failed
    blocking check is not: the same files would fail it again, so the tables that read its table
    wait for the next files (a correction, a withdrawal) while the rest goes on."""

    def __init__(self, paths: LakePaths, every: float, say: Callable[[str], None],
                 progress: TextIO | None = None, sources: Sources = SOURCES) -> None:
        self.paths, self.every, self.say, self.progress, self.sources = paths, every, say, progress, sources
        self.backoff = {LANE: Backoff(every), REST: Backoff(every)}
        self.todo: set[dg.AssetKey] = set()  # what the landed files make stale, left to do
        self.waiting: set[dg.AssetKey] = set()  # what the files not landed yet make stale
        self.unchecked: set[dg.AssetKey] = set()  # the tables steps of the rest wrote, their checks to run
        self.lane_last = False  # whether the last run was a way to search
        self.gave_way = 0  # runs of the rest stopped for new files in a row (:class:`GiveWay`)
        self.seen: set[str] = set()  # the new files already said, until they land
        self.found: float | None = None  # when files not yet searchable were found (perf_counter)
        self.started: float | None = None  # when the refresh under way began (time.time)
        self.checks = [0, 0]  # its checks passed and failed so far
        self.waiting_for: str | None = None  # the run of the Dagster daemon last seen writing the lake

    def warm_up(self) -> None:
        """Starts Spark and Great Expectations (its import and first validation) before the first
        file arrives. The first refresh still compiles its own queries: the next ones are faster."""
        from pipelines.quality import warm_up
        from pipelines.spark import get_spark

        self.say("starting Spark and Great Expectations")
        warm_up(get_spark().range(1))

    def look(self) -> bool:
        """One look at ``raw/`` and, when there is work (new files, or a failed run due again) and
        nothing else writes the lake, one run of it. Whether it ran."""
        from assets.automation import new_files
        from assets.definitions import defs

        pending, selection = new_files(self.paths, self.sources)
        files = {f for group in pending.values() for f in group}
        fresh, self.seen = files - self.seen, files
        if fresh:
            folders = sorted(folder for folder, group in pending.items() if fresh & set(group))
            self.say(f"{len(fresh)} new file{'s' if len(fresh) != 1 else ''} in {', '.join(folders)}: "
                     + ("their landing and search path go next" if self.busy else "refreshing"))
        if selection is not None:  # said or not: a file written again since it landed is pending again
            self.waiting |= selection.resolve(defs.resolve_asset_graph())
            self.found = self.found or time.perf_counter()
        chosen = self.choose(time.monotonic())
        if chosen is None:
            return False
        running = _daemon_run()
        if running:
            if running != self.waiting_for:
                self.say(f"run {running} of the Dagster daemon is writing the lake: waiting for it")
            self.waiting_for = running
            return False
        self.waiting_for = None
        self._run(chosen)
        return True

    @property
    def busy(self) -> bool:
        """Whether a refresh is under way: files wait for their way to search, tables for them, or
        checks for what a step wrote."""
        return bool(self.todo or self.waiting or self.unchecked)

    def _stale(self, keys: set[dg.AssetKey]) -> None:
        """``keys`` are to do: the checks left for any of them wait for its next step."""
        self.todo |= keys
        self.unchecked -= self.todo

    def choose(self, now: float) -> Run | None:
        """What runs next (:func:`next_run`) of what is due at ``now`` (``time.monotonic()``); None
        when nothing is to do, or not yet."""
        from assets.automation import search_lane
        from assets.definitions import defs

        if not self.busy:
            return None
        if not search_lane(self.waiting):  # nothing of it on the way to search: all the rest's
            self._stale(self.waiting)
            self.waiting = set()
        rest_due = self.backoff[REST].due(now)
        todo, unchecked = (self.todo, self.unchecked) if rest_due else (set(), set())
        waiting = self.waiting if self.backoff[LANE].due(now) else set()
        if not todo and not unchecked and not search_lane(waiting):
            return None
        return next_run(defs.resolve_asset_graph(), todo, waiting, unchecked, self.lane_last)

    def _run(self, run: Run) -> None:
        """Does ``run``. A step of the rest run before the files waiting have landed stays to do for
        them: it is in what they make stale."""
        from insight.materialize import RunOutcome, run_refresh

        self.lane_last = run.lane
        backoff = self.backoff[run.kind]
        if backoff.failures:
            self.say(f"trying again {run.label}, which failed (try {backoff.failures + 1})")
        self.started = self.started or time.time()
        began = time.perf_counter()
        with GiveWay(self.paths, self.sources, self.every, set(self.seen), self.say) if self.may_stop(run) \
                else nullcontext() as give_way:
            result = run_refresh(self.paths, sorted(run.tables), progress=self.progress, started=self.started,
                                 checks=run.lane or run.checks_only, only_checks=run.checks_only,
                                 tags={"insight/refresh": f"watch-{self.started:.0f}"})
        outcome = RunOutcome.of(result)
        if give_way is not None and give_way.arrived and outcome.failure is not None:
            self.stopped(run, give_way.arrived, time.perf_counter() - began)
        else:
            self.finished(run, outcome)

    def may_stop(self, run: Run) -> bool:
        """Whether files that arrive during ``run`` stop it (:class:`GiveWay`): a run of the rest,
        unless :data:`GIVE_WAY` did in a row (a steady feed of files must not starve the rest)."""
        return not run.lane and self.gave_way < GIVE_WAY

    def stopped(self, run: Run, arrived: int, seconds: float) -> None:
        """``run`` was stopped after ``seconds`` for ``arrived`` new files: what it was to do stays to do."""
        self.gave_way += 1
        again = "again" if self.gave_way < GIVE_WAY else "again, to its end this time"
        self.say(f"stopped {run.label} after {seconds:.0f} s: {arrived} new file{'s' if arrived != 1 else ''} "
                 f"go{'es' if arrived == 1 else ''} to search first; it runs {again}")

    def finished(self, run: Run, outcome: RunOutcome) -> None:
        """Takes ``run`` off what is to do, after it ended as ``outcome`` said; says how it went."""
        import dagster as dg

        from assets.definitions import defs

        if not run.lane:
            self.gave_way = 0
        backoff = self.backoff[run.kind]
        self.checks = [self.checks[0] + outcome.passed, self.checks[1] + len(outcome.failed)]
        for line in outcome.failed:
            self.say(line.strip())
        if outcome.failure:
            delay = backoff.failed(time.monotonic())
            self.say(f"{outcome.failure}; tried again in {delay:.0f} s (meanwhile "
                     + ("new files still go to search)" if run.kind == REST else "the rest of what landed goes on)"))
            return
        backoff.passed()
        graph = defs.resolve_asset_graph()
        if run.lane:
            self._stale(self.waiting - run.tables)
            self.waiting = set()
        elif run.checks_only:
            self.unchecked -= run.tables
        else:
            self.todo -= run.tables
            self.unchecked |= run.tables & {key.asset_key for key in graph.asset_check_keys}
        if outcome.held_back:
            held = dg.AssetSelection.assets(*outcome.held_back).downstream().resolve(graph) - outcome.held_back
            self.todo -= held
            self.say(f"{outcome.blocked}; the tables that read it wait for the next files")
        elif run.lane and self.found is not None:
            self.say(f"searchable {time.perf_counter() - self.found:.1f} s after the files were found; "
                     f"{len(self.todo)} more table{'s' if len(self.todo) != 1 else ''} to bring up to date")
        if run.lane:
            self.found = None
        if not self.busy:
            self.say(f"refreshed in {clock(time.time() - (self.started or time.time()))} "
                     f"(checks: {self.checks[0]} passed, {self.checks[1]} failed)")
            self.started, self.checks = None, [0, 0]


def next_run(graph: AssetGraph, todo: set[dg.AssetKey], waiting: set[dg.AssetKey],
             unchecked: set[dg.AssetKey], lane_last: bool) -> Run:
    """What the watcher runs next: the way to search of ``waiting`` (what files not landed yet make
    stale), unless one ran last (``lane_last``) and the rest has a run to do first; else the checks
    of what steps of the rest wrote (``unchecked``), before any step that may read it; else
    ``todo``'s next step (what landed files left to do)."""
    from assets.automation import next_step, search_lane

    lane = set() if lane_last and (todo or unchecked) else search_lane(waiting)
    if lane:
        return Run(frozenset(lane), lane=True)
    if unchecked:
        return Run(frozenset(unchecked), checks_only=True)
    return Run(frozenset(next_step(graph, todo)))


def _daemon_run() -> str | None:
    """A run writing the lake in the Dagster instance of ``$DAGSTER_HOME`` (none without one)."""
    if not os.environ.get("DAGSTER_HOME"):
        return None
    import dagster as dg

    from assets.automation import active_refresh

    with dg.DagsterInstance.get() as instance:  # closed here, as run_refresh closes its own
        return active_refresh(instance)


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
                if watcher.busy:
                    continue  # the next step at once
                say("waiting for new files")
            stop.wait(every)
    except KeyboardInterrupt:
        say("stopped during a refresh: the next files' refresh, or insight materialize, finishes what it left"
            if watcher.busy else "stopped")
