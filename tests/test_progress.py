"""The live line's Spark figures: the tasks of the stages running now, read from Spark's status tracker."""
from __future__ import annotations

import threading
import time

from pipelines.spark import task_progress


def _sleep(_: int) -> None:
    time.sleep(0.5)


def test_task_progress_counts_the_tasks_of_the_running_stage(spark):
    assert task_progress() is None  # nothing runs
    job = threading.Thread(target=lambda: spark.sparkContext.parallelize(range(8), 8).foreach(_sleep))
    job.start()
    seen = []
    deadline = time.time() + 60
    while job.is_alive() and time.time() < deadline:
        progress = task_progress()
        if progress is not None:
            seen.append(progress)
        time.sleep(0.1)
    job.join()
    assert seen, "the job ran and no stage was seen running"
    assert {p.stages for p in seen} == {1} and {p.total for p in seen} == {8}
    assert all(0 <= p.done <= 8 for p in seen)
    assert task_progress() is None
