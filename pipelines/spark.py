"""The one SparkSession factory: local by default, a cluster master or Spark Connect by configuration."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from pyspark import Broadcast
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import StructType

from pipelines.jars import JarsUnavailable, fetch
from pipelines.java import ensure_java_home

_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
_scratch: str | None = None


def scratch_dir(name: str) -> str:
    """A folder for spills and checkpoints under one directory per process, removed at exit."""
    global _scratch
    if _scratch is None:
        _scratch = tempfile.mkdtemp(prefix="insight-scratch-")
        atexit.register(shutil.rmtree, _scratch, True)
    return tempfile.mkdtemp(prefix=f"{name}-", dir=_scratch)


def ensure_checkpoint_dir(spark: SparkSession) -> None:
    """Checkpoints go to ``spark.checkpoint.dir`` (set it on a cluster: a folder every executor
    reaches), else to this process's scratch folder."""
    try:
        context = spark.sparkContext
    except Exception:  # Spark Connect: the server's spark.checkpoint.dir
        return
    if context.getCheckpointDir() is None:
        context.setCheckpointDir(scratch_dir("checkpoints"))


def checkpoint(frame: DataFrame) -> DataFrame:
    """``frame`` computed once, now, and its lineage cut: for a result read by several later steps.

    A local checkpoint (the rows kept by the executors, memory then disk) runs one job; a reliable
    one (files in the checkpoint folder) runs the frame's job twice, to count and to write, which
    made up a third of a small increment. These frames live for one step, which a lost executor
    fails and Dagster's retry runs again."""
    return frame if frame.isLocal() else frame.localCheckpoint(eager=True)  # rows the driver holds: computed


def default_driver_memory() -> str:
    """A quarter of this machine's memory, between 2 and 16 GB: local mode runs every task in the
    driver, and 2 GB failed a merge of 2.3M records (Spark could not get a 64 MB page)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2g"
    return f"{min(16, max(2, total // 4 // 2**30))}g"


def spark_schema(schema: pa.Schema) -> StructType:
    """The Spark schema of an Arrow schema, timestamps with their time zone (as Delta stores them)."""
    return from_arrow_schema(schema, prefer_timestamp_ntz=False)


@dataclass(frozen=True)
class SparkSettings:
    """How to reach Spark. ``remote`` (Spark Connect URL) wins over ``master``."""

    master: str = "local[*]"
    remote: str | None = None
    app_name: str = "insight"
    shuffle_partitions: int = 8
    driver_memory: str = "2g"
    extra_conf: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> SparkSettings:
        extra = {}
        for item in filter(None, os.environ.get("INSIGHT_SPARK_CONF", "").split(",")):
            key, _, value = item.partition("=")
            extra[key.strip()] = value.strip()
        return cls(
            master=os.environ.get("INSIGHT_SPARK_MASTER", "local[*]"),
            remote=os.environ.get("INSIGHT_SPARK_REMOTE") or None,
            shuffle_partitions=int(os.environ.get("INSIGHT_SHUFFLE_PARTITIONS", "8")),
            driver_memory=os.environ.get("INSIGHT_SPARK_DRIVER_MEMORY") or default_driver_memory(),
            extra_conf=extra,
        )


def _splink_jar() -> str:
    from splink.backends.spark import similarity_jar_location

    return similarity_jar_location()


# Delta Lake in Spark, and table defaults every reader of the lake can follow: delta-rs, DuckDB
# (through delta-rs) and Trino read the same files with the same statistics.
DELTA_CONF: dict[str, str] = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    # No deletion vectors: a delete or merge rewrites files, as the delta-rs backend does, so the
    # table keeps the plain protocol (reader 1, writer 2) every reader knows.
    "spark.databricks.delta.properties.defaults.enableDeletionVectors": "false",
    # Statistics as the delta-rs backend writes them: every column, strings cut at 64 characters
    # (Delta's defaults, 32 columns and 32 characters, would leave wide tables' last columns and
    # long ids without the bounds lookups skip files by).
    "spark.databricks.delta.properties.defaults.dataSkippingNumIndexedCols": "-1",
    "spark.databricks.delta.properties.defaults.dataSkippingStringPrefixLength": "64",
    "spark.sql.parquet.compression.codec": "zstd",  # as the delta-rs backend's files
}
_warned_without_delta = False


def _delta_jars() -> list[str]:
    """Delta Lake's jars from the cache (fetched once if missing); none, with one line on stderr,
    when they cannot be had: the session then writes through delta-rs."""
    global _warned_without_delta
    try:
        return fetch()
    except JarsUnavailable as exc:
        if not _warned_without_delta:
            print(f"insight: {exc}; Delta tables are written through delta-rs", file=sys.stderr)
            _warned_without_delta = True
        return []


def get_spark(settings: SparkSettings | None = None) -> SparkSession:
    """Returns the active session or starts one; the same call serves CLI, Dagster and tests."""
    settings = settings or SparkSettings.from_env()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName(settings.app_name)
    delta_jars: list[str] = []
    jars: list[str] = []
    if settings.remote:
        builder = builder.remote(settings.remote)  # the server's jars and Delta settings
    else:
        delta_jars = _delta_jars()
        jars = [*delta_jars, _splink_jar()]
        ensure_java_home()
        # Workers must run this interpreter, or they miss pyarrow and the project's packages.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = (
            builder.master(settings.master)
            .config("spark.driver.memory", settings.driver_memory)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # What Spark keeps of finished queries and jobs (their plans) for a UI that is off: a
            # process that materializes increment after increment runs thousands of them.
            .config("spark.sql.ui.retainedExecutions", "50")
            .config("spark.ui.retainedJobs", "100")
            .config("spark.ui.retainedStages", "100")
            # A reliable checkpoint (Splink's clustering writes them) is deleted once nothing refers
            # to it: a long-lived process materializing day after day does not pile them up.
            .config("spark.cleaner.referenceTracking.cleanCheckpoints", "true")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{_LOG_CONFIG}")
            # Delta Lake's jars (pipelines/jars.py), and Splink's string similarities (Jaro-Winkler,
            # …) for its Spark backend, from its own wheel
            .config("spark.jars", ",".join(jars))
            # Delta replays a table's log in this many tasks (default 50: most of a small write)
            .config("spark.databricks.delta.snapshotPartitions", str(settings.shuffle_partitions))
            # The query code Spark generates and compiles, kept for the next query that needs the same
            # (default 100). A refresh needs some 2,200 classes: with 100 kept, a process refreshing
            # again compiled 3,600 each time; with these kept, some 140, and ran a fifth faster.
            .config("spark.sql.codegen.cache.maxEntries", "10000")
        )
        if delta_jars:
            for key, value in DELTA_CONF.items():
                builder = builder.config(key, value)
    builder = (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(settings.shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    )
    for key, value in settings.extra_conf.items():
        if key == "spark.jars" and jars:
            value = ",".join([value, *jars])  # the user's jars and ours
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    if not settings.remote:
        spark.sparkContext.setLogLevel("ERROR")
    return spark


_stopping = threading.Event()


def stop_jobs(spark: SparkSession) -> None:
    """Cancels the Spark jobs this process runs, and marks them stopped on purpose until
    :func:`resume_jobs`: a step whose jobs are cancelled fails, and what it read of them before is
    not to be trusted (Great Expectations reports a cancelled query as a failed expectation)."""
    _stopping.set()
    try:
        context = spark.sparkContext
    except Exception:  # Spark Connect has no SparkContext on the client
        spark.interruptAll()
    else:
        context.cancelAllJobs()


def resume_jobs() -> None:
    """Jobs run again as usual: the steps after :func:`stop_jobs` are not stopped."""
    _stopping.clear()


def jobs_stopped() -> bool:
    """Whether :func:`stop_jobs` stopped this process's jobs (and :func:`resume_jobs` not yet)."""
    return _stopping.is_set()


def default_parallelism(spark: SparkSession) -> int:
    """Task slots of the cluster (Spark Connect hides them: fall back to its configuration)."""
    try:
        return spark.sparkContext.defaultParallelism
    except Exception:  # Spark Connect has no SparkContext on the client
        return int(spark.conf.get("spark.default.parallelism", "8") or 8)


def shared_value(spark: SparkSession, value: Any) -> Any:
    """``value`` broadcast once to the executors; under Spark Connect, shipped with the function."""
    try:
        return spark.sparkContext.broadcast(value)
    except Exception:  # Spark Connect has no SparkContext on the client
        return value


def shared(value: Any) -> Any:
    """On an executor, the value :func:`shared_value` shipped."""
    return value.value if isinstance(value, Broadcast) else value


def local_frame(spark: SparkSession, rows: list[dict[str, Any]], schema: pa.Schema) -> DataFrame:
    """Rows the driver holds as a frame, sent to the JVM as Arrow.

    Not as a list: PySpark turns a list into a Python RDD, read by Python workers, and when Spark
    stops reading one early (``isEmpty``, a ``limit``) Spark 4.1 kills that worker, which prints a
    ``BrokenPipeError`` traceback on the terminal (SPARK-54344) though nothing is lost."""
    return spark.createDataFrame(pa.Table.from_pylist(rows, schema=schema), spark_schema(schema))


def record_batches(rows: Iterable[dict[str, Any]], schema: pa.Schema, size: int) -> Iterator[pa.RecordBatch]:
    """``rows`` as Arrow batches of at most ``size`` rows: what a ``mapInArrow`` function yields."""
    pending: list[dict[str, Any]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= size:
            yield pa.RecordBatch.from_pylist(pending, schema=schema)
            pending = []
    if pending:
        yield pa.RecordBatch.from_pylist(pending, schema=schema)


@dataclass(frozen=True)
class TaskProgress:
    """The tasks of the Spark stages running now, summed: what a live progress line shows."""
    stages: int
    done: int
    total: int


def task_progress() -> TaskProgress | None:
    """The running stages of this process's Spark context, or None when none runs (or there is no
    local context: Spark Connect keeps its status on the server)."""
    from pyspark import SparkContext

    context = SparkContext._active_spark_context
    if context is None:
        return None
    try:
        tracker = context.statusTracker()
        infos = [info for info in (tracker.getStageInfo(s) for s in tracker.getActiveStageIds()) if info]
    except Exception:  # the context stopping under us: no figure this time
        return None
    if not infos:
        return None
    return TaskProgress(len(infos), sum(i.numCompletedTasks for i in infos), sum(i.numTasks for i in infos))
