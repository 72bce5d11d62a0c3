"""One writer at a time: every run that writes a home's lake holds its writer lock.

The sensor and the watcher look for a run in progress before they start one, but two of them
(or ``insight materialize`` beside either, or a run launched from the Dagster UI) can look at the
same moment and both start: two runs would then commit increments of the same tables at once. The
lock closes that gap: a run takes it before its first step and waits while another holds it,
saying whose run it waits for. It is an operating-system lock on a file of the home
(``flock``): it goes with the process, so a run killed half-way never leaves it held. It holds
between the processes of one machine, which is where the home is.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

WAITING = "waiting for the lake: "
"""How the message a waiting run logs begins (``insight.progress`` shows it)."""


def lock_file(home: Path) -> Path:
    return home / ".insight" / "writer.lock"


def holder(home: Path) -> dict[str, object]:
    """Who holds (or last held) the lock: ``run``, ``pid``, ``since``; empty when none ever did."""
    try:
        return json.loads(lock_file(home).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def writing(home: Path, run_id: str, waiting: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Holds ``home``'s writer lock for run ``run_id``, first waiting while another run holds it
    (``waiting`` is told once, in a sentence beginning with :data:`WAITING`)."""
    path = lock_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = holder(home)
            since = other.get("since")
            ago = f", for {time.time() - since:.0f} s" if isinstance(since, (int, float)) else ""
            waiting(f"{WAITING}run {other.get('run', '?')} (process {other.get('pid', '?')}) writes it{ago}; "
                    "this run starts when it ends")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.truncate(0)
            handle.write(json.dumps({"run": run_id, "pid": os.getpid(), "since": time.time()}))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
