"""Idempotent landing, and the raw-file sensor driving a real run of the Definitions."""
import gc
import io
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from deltalake import DeltaTable

from assets.automation import WRITES_LAKE
from assets.definitions import defs
from assets.policies import PRIORITY
from assets.resources import LakeResource
from insight.materialize import materialize_all, run_refresh
from insight.watch import watch
from pipelines.config import LakePaths
from tests.unit.test_writer import other_writer

NEW_VEHICLE = ("vin,plate,plate_country,make,model,year,colour,theft_date,reporting_country,owner_country,"
               "restricted_to,classification\n1HGCM82633A004352,ABC1D23,BR,HONDA,ACCORD,2003,PRATA,2024-03-01,BR,BR,,official\n")


def versions(home: Path) -> dict[str, int]:
    lake = Path(LakePaths.from_env(home).lake)
    return {str(p.parent.relative_to(lake)): DeltaTable(str(p.parent)).version() for p in lake.glob("*/*/_delta_log")}


def evaluate_sensor(home: Path, instance: dg.DagsterInstance | None = None):
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    with dg.build_sensor_context(instance=instance or dg.DagsterInstance.ephemeral(),
                                 resources={"lake": LakeResource(home=str(home))}, definitions=defs) as context:
        return sensor(context)


def open_sqlite_connections() -> int:
    """SQLAlchemy connections checked out and not closed (a Dagster instance's storages hold some)."""
    from sqlalchemy.pool.base import _ConnectionFairy

    return sum(isinstance(o, _ConnectionFairy) and o.dbapi_connection is not None for o in gc.get_objects())


class _Steps(io.StringIO):
    """The progress of the watcher's runs, calling ``when`` once a line says ``text``."""

    def __init__(self, text: str, when: Callable[[], object]) -> None:
        super().__init__()
        self.text, self.when = text, when

    def write(self, line: str) -> int:
        if self.when is not None and self.text in line:
            self.when, when = None, self.when
            when()
        return super().write(line)


def watch_lands(home: Path, drop: Callable[[], object], then: Callable[[], object], then_at: str) -> tuple[str, str]:
    """What ``insight materialize --watch`` says, and its progress, when ``drop`` writes a file once
    it waits for one, and ``then`` another when its progress says ``then_at`` after the first is
    searchable; it stops when both are landed and refreshed (or after fifteen minutes)."""
    out, stop = io.StringIO(), threading.Event()
    steps = _Steps(then_at, then)
    steps.when = None  # not before the first file is searchable

    def wait_for(text: str, times: int, deadline: float) -> None:
        while out.getvalue().count(text) < times and time.monotonic() < deadline:
            time.sleep(0.2)

    def drop_when_waiting() -> None:
        deadline = time.monotonic() + 900
        wait_for("waiting for new files", 1, deadline)
        drop()
        wait_for("searchable", 1, deadline)
        steps.when = then
        wait_for("waiting for new files", 2, deadline)
        stop.set()

    dropper = threading.Thread(target=drop_when_waiting, daemon=True)
    dropper.start()
    watch(LakePaths.from_env(home), 0.5, out, progress=steps, stop=stop)
    dropper.join()
    return out.getvalue(), steps.getvalue()


def test_landing_twice_changes_nothing_and_a_new_file_is_asked_for_by_the_sensor_and_landed_by_watching(lake_copy):
    home = lake_copy  # the samples, materialized once already
    paths = LakePaths.from_env(home)
    before = versions(home)
    assert {"bronze/notices", "bronze/quarantine", "silver/documents", "gold/documents"} <= set(before)

    list(materialize_all(paths))
    assert versions(home) == before, "re-running on the same files must not commit anything"

    assert isinstance(evaluate_sensor(home), dg.SkipReason)
    new_file = paths.raw_dir("smv") / "2024-03.csv"
    new_file.write_text(NEW_VEHICLE, encoding="utf-8")
    request = evaluate_sensor(home)
    assert isinstance(request, dg.RunRequest)
    selected = {key.to_user_string() for key in request.asset_selection}
    assert "bronze/smv" in selected and "gold/documents" in selected and "bronze/notices" not in selected

    # `insight materialize --watch` refreshes the same selection, in this process, when the file
    # arrives while it waits; a file that arrives while the rest of that refresh runs is searchable
    # before it ends.
    new_file.unlink()
    later = paths.raw_dir("smv") / "2024-04.csv"
    held = open_sqlite_connections()
    said, steps = watch_lands(home, lambda: new_file.write_text(NEW_VEHICLE, encoding="utf-8"),
                              lambda: later.write_text(NEW_VEHICLE.replace("1HGCM82633A004352", "WVWZZZ1JZXW000001"),
                                                       encoding="utf-8"), then_at="start  gold/mentions")
    events = [line.split("  ", 1)[1] for line in said.splitlines()]
    assert "1 new file in smv: refreshing" in events, said
    during = events.index("1 new file in smv: their landing and search path go next")
    searchable = [i for i, line in enumerate(events) if line.startswith("searchable")]
    refreshed = [i for i, line in enumerate(events) if line.startswith("refreshed in")]
    assert len(searchable) == 2 and len(refreshed) == 1 and searchable[0] < during < searchable[1] < refreshed[0], said
    # The second file arrived as gold/mentions started: the step stopped for its way to search, and
    # ran again after it, to its end.
    stopped = [i for i, line in enumerate(events) if line.startswith("stopped the step writing gold/mentions")]
    assert len(stopped) == 1 and searchable[0] < stopped[0] < during, said
    lines = steps.splitlines()
    assert sum("start  gold/mentions" in line for line in lines) == 2, steps
    assert [i for i, line in enumerate(lines) if "stopped gold/mentions" in line] \
        < [i for i, line in enumerate(lines) if "done   gold/mentions" in line], steps
    # Each run's Dagster instance was closed by the thread that ran it. Left to the garbage collector,
    # another thread (the progress line's) closes its SQLite connections, SQLite refuses, and a
    # traceback reaches the watcher's terminal.
    assert open_sqlite_connections() <= held
    vins = DeltaTable(paths.table("bronze", "smv")).to_pyarrow_dataset().to_table(columns=["vin"]).column("vin")
    assert {"1HGCM82633A004352", "WVWZZZ1JZXW000001"} <= set(vins.to_pylist())
    gold = DeltaTable(paths.table("gold", "documents")).to_pyarrow_dataset().to_table(columns=["doc_id"])
    assert {"smv:1HGCM82633A004352", "smv:WVWZZZ1JZXW000001"} <= set(gold.column("doc_id").to_pylist())
    mentions = DeltaTable(paths.table("gold", "mentions")).to_pyarrow_dataset().to_table(columns=["doc_id"])
    assert "smv:WVWZZZ1JZXW000001" in mentions.column("doc_id").to_pylist()  # the rest caught up with it too
    assert isinstance(evaluate_sensor(home), dg.SkipReason)


def test_ctrl_c_during_a_run_stops_the_watcher(lake_copy):
    """Dagster makes a SIGINT during a step a failed step and ends the run: the watcher had taken it
    for a broken step, tried it again and gone on watching."""
    paths = LakePaths.from_env(lake_copy)
    (paths.raw_dir("smv") / "2024-03.csv").write_text(NEW_VEHICLE, encoding="utf-8")

    class CtrlC(io.StringIO):  # the progress of the watcher's runs: Ctrl-C as the first step starts
        sent = False

        def write(self, text: str) -> int:
            if " start " in text and not self.sent:
                self.sent = True
                os.kill(os.getpid(), signal.SIGINT)
            return super().write(text)

    out, stop = io.StringIO(), threading.Event()
    watching_on = threading.Timer(600, stop.set)  # what it did: watch on, until stopped otherwise
    watching_on.start()
    watch(paths, 0.5, out, progress=CtrlC(), stop=stop)
    watching_on.cancel()
    said = out.getvalue()
    assert "stopped during a refresh" in said and "failed" not in said, said


def test_a_run_waits_while_another_process_writes_the_lake_and_says_whose_run_it_waits_for(lake_copy):
    """The run checks of the sensor and the watcher can both pass at once (or a run be started from
    the UI): a run takes the home's writer lock first, and waits while another process holds it."""
    paths = LakePaths.from_env(lake_copy)
    (paths.raw_dir("smv") / "2024-03.csv").write_text(NEW_VEHICLE, encoding="utf-8")
    other = other_writer(paths.home, "insight-test-writer")
    before = versions(lake_copy)
    seen_waiting: dict[str, object] = {}

    def lets_go() -> None:  # when the run says it waits: nothing written yet; then the other writer dies
        seen_waiting.update(versions=versions(lake_copy))
        other.kill()

    progress = _Steps("waiting for the lake", lets_go)
    try:
        result = run_refresh(paths, [dg.AssetKey(["bronze", "smv"])], job="refresh_smv", progress=progress,
                             checks=False)
    finally:
        other.kill()
        other.wait(30)
    said = progress.getvalue()
    assert seen_waiting, f"the run did not wait for the other writer: {said}"
    assert result.success, said
    assert seen_waiting["versions"] == before, said  # it waited before writing anything
    assert f"run insight-test-writer (process {other.pid}) writes it" in said, said
    assert said.index("waiting for the lake") < said.index("start  bronze/smv"), said
    assert versions(lake_copy)["bronze/smv"] == before["bronze/smv"] + 1


@pytest.mark.unit  # no Spark, outside tests/unit beside the tests of its subject
def test_sensor_waits_while_a_refresh_is_running(tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    instance.add_run(dg.DagsterRun(job_name="refresh_smv", run_id="r1", status=dg.DagsterRunStatus.STARTED,
                                   tags=WRITES_LAKE))
    (tmp_path / "raw" / "smv").mkdir(parents=True)
    (tmp_path / "raw" / "smv" / "new.csv").write_text(NEW_VEHICLE, encoding="utf-8")
    result = evaluate_sensor(tmp_path, instance)
    assert isinstance(result, dg.SkipReason) and "in progress (run r1)" in result.skip_message


@pytest.mark.unit  # no Spark: the watcher never gets to run
def test_the_watcher_stands_aside_while_a_run_of_the_daemon_writes_the_lake(tmp_path, monkeypatch):
    from insight.watch import Watcher

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    instance = dg.DagsterInstance.get()
    instance.add_run(dg.DagsterRun(job_name="insight_refresh", run_id="r1", status=dg.DagsterRunStatus.STARTED,
                                   tags=WRITES_LAKE))
    (tmp_path / "raw" / "smv").mkdir(parents=True)
    (tmp_path / "raw" / "smv" / "new.csv").write_text(NEW_VEHICLE, encoding="utf-8")
    said: list[str] = []
    watcher = Watcher(LakePaths.from_env(tmp_path), 0.5, said.append)

    assert not watcher.look() and not watcher.look()
    assert said == ["1 new file in smv: refreshing",
                    "run r1 of the Dagster daemon is writing the lake: waiting for it"], said  # each said once
    assert dg.AssetKey(["bronze", "smv"]) in watcher.waiting and watcher.found is not None
    watcher.waiting.clear()  # as after a refresh, had the file been written again since it landed
    assert not watcher.look() and dg.AssetKey(["bronze", "smv"]) in watcher.waiting and len(said) == 2


@pytest.mark.unit  # no Spark, no run
def test_the_first_refresh_of_a_home_makes_every_table_it_reads(tmp_path):
    """The checks of every document read the withdrawals, the extraction the tagger: a first drop
    without withdrawals must land them (as an empty table) and train the tagger, or those steps fail."""
    (tmp_path / "raw" / "smv").mkdir(parents=True)
    (tmp_path / "raw" / "smv" / "new.csv").write_text(NEW_VEHICLE, encoding="utf-8")
    request = evaluate_sensor(tmp_path)
    selected = {key.to_user_string() for key in request.asset_selection}
    assert {"bronze/smv", "bronze/withdrawals", "bronze/notices", "models/ner", "silver/mentions"} <= selected


@pytest.mark.unit  # the Definitions alone: no Spark, no run
def test_the_checks_of_a_table_run_as_early_as_the_table():
    """Blocking checks hold back what depends on their table: they share its priority, or a new
    message would wait behind slower steps for the checks of the tables on its way to search."""
    graph = defs.resolve_asset_graph()
    for key in graph.asset_check_keys:
        table = graph.assets_def_for_key(key.asset_key).op.tags.get(PRIORITY)
        assert graph.assets_def_for_key(key).op.tags.get(PRIORITY) == table, key
    assert graph.assets_def_for_key(dg.AssetKey(["gold", "search_terms"])).op.tags.get(PRIORITY) == "1"


@pytest.mark.unit
def test_the_watcher_runs_the_search_path_first_then_a_step_at_a_time_each_after_what_it_reads(tmp_path):
    from assets.automation import next_step, refresh_selection, search_lane
    from pipelines.sources import SOURCES

    graph = defs.resolve_asset_graph()
    todo = set(refresh_selection(LakePaths.from_env(tmp_path), SOURCES, ["messages"]).resolve(graph))
    lane = search_lane(todo)
    assert {key.to_user_string() for key in lane} == {
        *(f"bronze/{folder}" for folder in SOURCES.landed), "silver/documents", "gold/documents",
        "gold/search_terms", "gold/search_stats"}
    done, runs = set(lane), []
    todo -= lane
    while todo:
        step = next_step(graph, todo)
        assert step <= todo
        for key in step:  # every table it reads that this refresh makes is made before it
            assert {p for p in graph.get(key).parent_keys if p in todo or p in done} <= done | step, key
        runs.append({key.to_user_string() for key in step})
        done |= step
        todo -= step
    assert {"gold/alerts", "gold/alert_evidence"} in runs  # a step that writes two tables runs whole
    assert all(len(run) <= 2 for run in runs)


@pytest.mark.unit
def test_between_two_ways_to_search_the_watcher_runs_a_run_of_the_rest(tmp_path):
    from assets.automation import refresh_selection, search_lane
    from insight.watch import Run, next_run
    from pipelines.sources import SOURCES

    graph = defs.resolve_asset_graph()
    waiting = set(refresh_selection(LakePaths.from_env(tmp_path), SOURCES, ["messages"]).resolve(graph))
    rest, lane = waiting - search_lane(waiting), Run(frozenset(search_lane(waiting)), lane=True)
    assert next_run(graph, set(), waiting, set(), lane_last=False) == lane
    assert next_run(graph, rest, waiting, set(), lane_last=False) == lane
    step = next_run(graph, rest, waiting, set(), lane_last=True)  # a steady feed must not starve the rest
    assert not step.lane and not step.checks_only and step.tables and step.tables <= rest
    checks = next_run(graph, set(), waiting, set(step.tables), lane_last=True)  # nor the checks of a step
    assert checks == Run(step.tables, checks_only=True)
    assert next_run(graph, set(), waiting, set(), lane_last=True) == lane  # nothing else to do


def _ended(failure: str | None = None, held_back: frozenset = frozenset()):
    from insight.materialize import RunOutcome

    return RunOutcome(1, [], [f"{key.to_user_string()} a_rule" for key in held_back], set(held_back), failure)


@pytest.mark.unit  # no Spark: the watcher only chooses, and keeps count of what ran
def test_a_step_and_its_checks_are_two_runs_and_a_way_to_search_can_go_between(tmp_path):
    """A file that arrives while a long step runs waits for that step, not for its checks too; the
    checks still run before any step that may read the table, and not while new files make the
    table stale again (they would judge it against inputs it does not reflect yet)."""
    from assets.automation import refresh_selection, search_lane
    from insight.watch import Run, Watcher
    from pipelines.sources import SOURCES

    graph = defs.resolve_asset_graph()
    stale = set(refresh_selection(LakePaths.from_env(tmp_path), SOURCES, ["messages"]).resolve(graph))
    lane = frozenset(search_lane(stale))
    checked = {key.asset_key for key in graph.asset_check_keys}
    watcher = Watcher(LakePaths.from_env(tmp_path), 10, lambda line: None)
    watcher.todo = stale - lane

    def step_with_checks() -> Run:
        run = watcher.choose(0)
        while not run.tables & checked:  # the tagger's training has none
            watcher.finished(run, _ended())
            run = watcher.choose(0)
        return run

    step = step_with_checks()
    assert not step.lane and not step.checks_only
    watcher.finished(step, _ended())
    assert watcher.unchecked == step.tables & checked and not step.tables & watcher.todo

    watcher.waiting = set(stale)  # new files, found as the step ended: their way to search goes first
    assert watcher.choose(0) == Run(lane, lane=True)
    watcher.finished(Run(lane, lane=True), _ended())
    assert not watcher.unchecked and step.tables <= watcher.todo  # the step is to do again, its checks after

    assert step_with_checks() == step
    watcher.finished(step, _ended())
    assert watcher.choose(0) == Run(frozenset(step.tables & checked), checks_only=True)  # before the next step
    watcher.finished(Run(frozenset(step.tables & checked), checks_only=True), _ended())
    after = watcher.choose(0)
    assert not watcher.unchecked and not after.checks_only and not after.tables & step.tables

    while True:  # to a step whose table others read: a failed blocking check of it holds them back
        written = step_with_checks()
        watcher.finished(written, _ended())
        checks = watcher.choose(0)
        assert checks == Run(written.tables & checked, checks_only=True)
        readers = {key for table in checks.tables for key in graph.get(table).child_keys} & watcher.todo
        if readers:
            break
        watcher.finished(checks, _ended())
    watcher.finished(checks, _ended(held_back=checks.tables))
    assert not readers & watcher.todo and not watcher.unchecked


@pytest.mark.unit  # no Spark: the watcher only chooses
def test_a_failing_step_of_the_rest_does_not_keep_new_files_from_search(tmp_path):
    from assets.automation import refresh_selection, search_lane
    from insight.watch import LANE, MAX_BACKOFF, REST, Run, Watcher
    from pipelines.sources import SOURCES

    graph = defs.resolve_asset_graph()
    stale = set(refresh_selection(LakePaths.from_env(tmp_path), SOURCES, ["messages"]).resolve(graph))
    lane = search_lane(stale)
    watcher = Watcher(LakePaths.from_env(tmp_path), 10, lambda line: None)
    watcher.todo, watcher.waiting, watcher.lane_last = stale - lane, set(stale), True

    assert not watcher.choose(0).lane  # both due: after a way to search, a step of the rest
    delays = [watcher.backoff[REST].failed(0) for _ in range(8)]
    assert delays[:3] == [20, 40, 80] and delays[-1] == MAX_BACKOFF
    assert watcher.choose(1) == Run(frozenset(lane), lane=True)  # the rest backs off alone: new files go to search
    watcher.waiting = set()
    assert watcher.choose(1) is None  # and nothing else is due
    assert not watcher.choose(MAX_BACKOFF + 1).lane  # until the failed step's next try
    watcher.waiting = set(stale)
    watcher.backoff[REST].passed()
    watcher.backoff[LANE].failed(0)
    run = watcher.choose(1)  # a way to search that failed holds back only the next way to search
    assert not run.lane and run.tables <= stale - lane


@pytest.mark.unit  # no Spark: the watcher only chooses, and keeps count of what ran
def test_a_run_of_the_rest_gives_way_to_new_files_a_bounded_number_of_times_in_a_row(tmp_path):
    """Files arriving during a run of the rest stop it so that they are searchable first; a steady
    feed of files must not stop the rest for ever."""
    from assets.automation import refresh_selection, search_lane
    from insight.watch import GIVE_WAY, Run, Watcher
    from pipelines.sources import SOURCES

    graph = defs.resolve_asset_graph()
    stale = set(refresh_selection(LakePaths.from_env(tmp_path), SOURCES, ["messages"]).resolve(graph))
    lane = Run(frozenset(search_lane(stale)), lane=True)
    said: list[str] = []
    watcher = Watcher(LakePaths.from_env(tmp_path), 10, said.append)
    watcher.todo = stale - lane.tables
    assert not watcher.may_stop(lane)  # a way to search is never stopped

    step = watcher.choose(0)
    for _ in range(GIVE_WAY):
        assert watcher.may_stop(step)
        watcher.stopped(step, 2, 30.0)
        assert watcher.todo == stale - lane.tables  # what it was to do stays to do
        watcher.waiting = set(stale)
        assert watcher.choose(0) == lane  # the new files' way to search goes first
        watcher.finished(lane, _ended())
        assert watcher.choose(0) == step  # then the stopped step again
    assert not watcher.may_stop(step)  # stopped GIVE_WAY times in a row: it runs to its end
    assert said[0] == f"stopped {step.label} after 30 s: 2 new files go to search first; it runs again"
    assert step.label.startswith("the step writing ")
    assert said[GIVE_WAY - 1].endswith("it runs again, to its end this time")
    watcher.finished(step, _ended())
    assert watcher.may_stop(watcher.choose(0))  # the next run of the rest may give way again


class _Session:  # what stop_jobs asks of a Spark session: its context's cancelAllJobs
    def __init__(self) -> None:
        self.sparkContext, self.cancelled = self, 0

    def cancelAllJobs(self) -> None:  # noqa: N802 (Spark's name)
        self.cancelled += 1


@pytest.mark.unit  # a real Dagster run of small steps, no Spark
def test_a_step_stopped_on_purpose_fails_at_once_without_retries_and_its_verdicts_are_withheld():
    from assets.policies import RETRY, STOPPABLE, stoppable
    from pipelines.spark import jobs_stopped, resume_jobs, stop_jobs

    session, tries = _Session(), []

    @dg.asset(retry_policy=RETRY)
    @stoppable
    def mentions() -> None:
        tries.append(1)
        stop_jobs(session)
        raise RuntimeError("Job 12 cancelled as part of cancellation of all jobs")

    @dg.multi_asset_check(specs=[dg.AssetCheckSpec("rule", asset="table")])
    @stoppable
    def rules():  # Great Expectations reports a cancelled query as a failed expectation, not an error
        stop_jobs(session)
        yield dg.AssetCheckResult(asset_key=dg.AssetKey("table"), check_name="rule", passed=False)

    @dg.asset
    def table() -> None:
        return None

    try:
        began = time.monotonic()
        result = dg.materialize([mentions], raise_on_error=False)
        assert not result.success and tries == [1] and time.monotonic() - began < 15  # RETRY waits 20 s
        assert session.cancelled == 1 and jobs_stopped()
        resume_jobs()
        result = dg.materialize([table, rules], raise_on_error=False)
        assert not result.success and not result.get_asset_check_evaluations()
    finally:
        resume_jobs()
    assert stoppable(lambda: 1)() == 1 and list(stoppable(lambda: (yield 2))()) == [2]  # resumed: as usual

    job = defs.resolve_job_def("insight_refresh")  # every step of the lake can be stopped so
    assert all(getattr(node.definition.compute_fn.decorated_fn, STOPPABLE, False)
               for node in job.graph.node_dict.values())
