"""Peak memory of a benchmark's processes, read from /proc: the Python driver and Spark's JVM."""
from __future__ import annotations

import os
from pathlib import Path


def status_kb(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` figure in kB (``VmHWM``: peak resident memory), 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def java_children(pid: int) -> list[int]:
    """The JVMs ``pid`` started (a local Spark session's)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().split()
            if int(parts[3]) == pid and "java" in parts[1]:
                found.append(int(parts[0]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def peaks_mb() -> dict[str, int]:
    """Peak resident memory so far of this process and of the JVMs it started."""
    java = java_children(os.getpid())
    return {"python_driver_peak_mb": round(status_kb(os.getpid(), "VmHWM") / 1024),
            "jvm_peak_rss_mb": round(max([status_kb(p, "VmHWM") for p in java] or [0]) / 1024)}
