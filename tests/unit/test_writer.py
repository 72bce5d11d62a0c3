"""The writer lock: one run writes a home's lake at a time, and a dead writer holds nothing."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipelines.writer import WAITING, holder, writing

HOLD = ("import sys; from pathlib import Path; from pipelines.writer import writing\n"
        "with writing(Path(sys.argv[1]), sys.argv[2]):\n"
        "    print('held', flush=True); sys.stdin.read()\n")


def other_writer(home: Path, run_id: str) -> subprocess.Popen:
    """Another process holding ``home``'s writer lock for run ``run_id``, until it is killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(home), run_id], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_waits_for_the_first_and_is_told_whose_run_it_waits_for(tmp_path):
    said: list[str] = []
    order: list[str] = []
    first_holds, release = threading.Event(), threading.Event()

    def first() -> None:
        with writing(tmp_path, "run-a"):
            order.append("a holds")
            first_holds.set()
            release.wait(30)
            order.append("a lets go")

    thread = threading.Thread(target=first)
    thread.start()
    first_holds.wait(30)
    threading.Timer(0.5, release.set).start()
    with writing(tmp_path, "run-b", said.append):
        order.append("b holds")
        assert holder(tmp_path)["run"] == "run-b" and holder(tmp_path)["pid"] == os.getpid()
    thread.join()
    assert order == ["a holds", "a lets go", "b holds"]
    assert len(said) == 1 and said[0].startswith(WAITING) and f"run run-a (process {os.getpid()})" in said[0]


def test_a_writer_killed_while_it_holds_the_lock_leaves_it_free(tmp_path):
    process = other_writer(tmp_path, "run-a")
    assert holder(tmp_path)["pid"] == process.pid
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    said: list[str] = []
    started = time.monotonic()
    with writing(tmp_path, "run-b", said.append):
        assert said == [] and time.monotonic() - started < 5
